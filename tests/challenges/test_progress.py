"""Challenge progress follows recorded, edited and deleted activities; replays change nothing;
completion gives exactly one badge, one points award and one notification."""

from datetime import date

import pytest
from django.core.management import call_command

from apps.accounts.models import Profile
from apps.challenges import hooks, services
from apps.challenges.events import on_activity_changed
from apps.challenges.models import (
    BadgeAward,
    Challenge,
    FlaggedActivity,
    LeaderboardEntry,
    Participation,
    PointsLedger,
)
from apps.core.events import DomainEvent
from apps.notifications.models import Notification
from apps.promos.models import PointsEntry
from tests.accounts.factories import UserFactory
from tests.challenges.conftest import delete, record, update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_june")]


def _progress(challenge, user):
    return Participation.objects.get(challenge=challenge, user=user).progress


def _replay(activity_id, owner_id, name="activity_recorded"):
    on_activity_changed(
        DomainEvent(name=name, payload={"activity_id": activity_id, "owner_id": owner_id})
    )


def test_record_edit_delete_move_progress_and_replays_change_nothing(challenge):
    user = UserFactory()
    services.challenge_join(challenge=challenge, user=user)
    first = record(user, km=10)
    second = record(user, km=7, day=(2026, 6, 4))
    record(user, km=20, minutes=110, day=(2026, 7, 1))  # after the window
    record(user, km=9, day=(2026, 6, 5), sport="ride")  # another sport
    assert _progress(challenge, user) == 17_000

    for _ in range(3):
        _replay(first.pk, user.pk)
    assert _progress(challenge, user) == 17_000

    update(second, sport="walk")
    assert _progress(challenge, user) == 10_000
    update(second, sport="run")
    assert _progress(challenge, user) == 17_000

    first_id = first.pk
    delete(first)
    assert _progress(challenge, user) == 7_000
    _replay(first_id, user.pk, "activity_deleted")
    assert _progress(challenge, user) == 7_000
    assert Participation.objects.get(challenge=challenge, user=user).activities == 1


def test_completion_gives_one_badge_one_points_award_one_notification(challenge):
    user = UserFactory()
    services.challenge_join(challenge=challenge, user=user)
    runs = [record(user, km=20, minutes=110, day=(2026, 6, d)) for d in (2, 3, 4)]
    part = Participation.objects.get(challenge=challenge, user=user)
    assert part.progress == 60_000
    assert part.completed_at is not None
    for run in runs:  # replays and a recompute from scratch
        _replay(run.pk, user.pk)
    call_command("challenges_rebuild", challenge.slug, verbosity=0)
    delete(runs[0])
    record(user, km=20, minutes=110, day=(2026, 6, 6))

    assert sorted(BadgeAward.objects.filter(user=user).values_list("badge__slug", flat=True)) == [
        "finisher-june-50k",  # the challenge's badge, made for it
        "first-5k",  # the catalog's, from the 20 km runs
    ]
    assert BadgeAward.objects.filter(user=user, badge__criterion="challenge").count() == 1
    # Points land in the promos ledger (it registers the awarder of apps.challenges.points).
    assert list(PointsEntry.objects.filter(user=user).values_list("points", "reference")) == [
        (100, f"challenge:{challenge.pk}")
    ]
    assert not PointsLedger.objects.filter(user=user).exists()
    assert Notification.objects.filter(user=user, kind="challenge_completed").count() == 1


def test_manual_activities_can_be_excluded(challenge):
    Challenge.objects.filter(pk=challenge.pk).update(exclude_manual=True)
    challenge.refresh_from_db()
    user = UserFactory()
    services.challenge_join(challenge=challenge, user=user)
    record(user, km=10, source="manual")
    record(user, km=4, day=(2026, 6, 8))
    assert _progress(challenge, user) == 4_000


def test_implausible_speed_is_flagged_not_counted(challenge):
    user = UserFactory()
    services.challenge_join(challenge=challenge, user=user)
    fast = record(user, km=30, minutes=30)  # 16.7 m/s on foot
    record(user, km=5, minutes=30, day=(2026, 6, 9))
    assert _progress(challenge, user) == 5_000
    assert FlaggedActivity.objects.get().activity_id == fast.pk
    assert not LeaderboardEntry.objects.filter(period="week", period_start=date(2026, 6, 1))


def test_the_window_is_the_participants_calendar(challenge):
    user = UserFactory()
    Profile.objects.create(user=user, timezone="Pacific/Auckland")  # UTC+12 in June
    services.challenge_join(challenge=challenge, user=user)
    record(user, km=5, day=(2026, 5, 31), hour=13)  # 1 June, 01:00 in Auckland
    record(user, km=3, day=(2026, 6, 30), hour=13)  # 1 July in Auckland
    assert _progress(challenge, user) == 5_000


@pytest.mark.parametrize(
    ("metric", "target", "expected"),
    [("time", 3600, 5400.0), ("elevation", 500, 300.0), ("activities", 3, 3.0), ("streak", 2, 2)],
)
def test_other_metrics(challenge, metric, target, expected):
    Challenge.objects.filter(pk=challenge.pk).update(metric=metric, target=10**6)
    challenge.refresh_from_db()
    user = UserFactory()
    services.challenge_join(challenge=challenge, user=user)
    for day, elevation in (((2026, 6, 2), 100), ((2026, 6, 3), 100), ((2026, 6, 10), 100)):
        record(user, km=5, day=day, elevation=elevation)
    assert _progress(challenge, user) == expected


def test_scopes_decide_who_may_join(challenge):
    from apps.challenges.exceptions import ChallengeNotEligible

    german, french = UserFactory(), UserFactory()
    Profile.objects.create(user=german, country="DE")
    Profile.objects.create(user=french, country="FR")
    Challenge.objects.filter(pk=challenge.pk).update(scope="country", country="DE")
    challenge.refresh_from_db()
    services.challenge_join(challenge=challenge, user=german)
    with pytest.raises(ChallengeNotEligible):
        services.challenge_join(challenge=challenge, user=french)

    Challenge.objects.filter(pk=challenge.pk).update(scope="group", group_id=7)
    challenge.refresh_from_db()
    with pytest.raises(ChallengeNotEligible):  # no such group: nobody belongs to it
        services.challenge_join(challenge=challenge, user=french)
    previous = (hooks.group_member, hooks.group_member_ids)
    services.register_group_membership(lambda group_id, user_id: group_id == 7)
    try:
        services.challenge_join(challenge=challenge, user=french)
    finally:
        services.register_group_membership(*previous)
    assert Participation.objects.filter(challenge=challenge).count() == 2


def test_leave_and_join_again_recounts(challenge):
    user = UserFactory()
    services.challenge_join(challenge=challenge, user=user)
    record(user, km=10)
    services.challenge_leave(challenge=challenge, user=user)
    assert not Participation.objects.filter(user=user).exists()
    services.challenge_join(challenge=challenge, user=user)
    assert _progress(challenge, user) == 10_000
