"""Leaderboards read from the summary rows that activity events keep up to date."""

from datetime import date

import pytest

from apps.accounts.models import Profile
from apps.challenges import hooks, selectors, services
from apps.challenges.events import on_activity_changed
from apps.challenges.exceptions import GroupBoardForbidden
from apps.challenges.models import LeaderboardEntry
from apps.core.events import DomainEvent
from apps.training import selectors as training_selectors
from tests.accounts.factories import UserFactory
from tests.challenges.conftest import delete, record, update

pytestmark = pytest.mark.django_db

JUNE_3 = date(2026, 6, 3)


def _board(viewer, **options):
    options = {"sport": "run", "period": "week", "day": JUNE_3, **options}
    return selectors.leaderboard(viewer=viewer, **options)


def _order(board):
    return [(row.rank, row.user_id, row.value) for row in board.rows]


def test_record_edit_delete_move_positions_and_replays_change_nothing():
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    record(a, km=10, minutes=60)
    run_b = record(b, km=8, minutes=50)
    record(c, km=5)
    assert _order(_board(a)) == [(1, a.pk, 10000.0), (2, b.pk, 8000.0), (3, c.pk, 5000.0)]

    extra = record(b, km=4, minutes=25, day=(2026, 6, 4))  # same week: b overtakes a
    assert _order(_board(a))[:2] == [(1, b.pk, 12000.0), (2, a.pk, 10000.0)]
    for _ in range(2):
        on_activity_changed(
            DomainEvent("activity_recorded", {"activity_id": extra.pk, "owner_id": b.pk})
        )
    assert _order(_board(a))[:2] == [(1, b.pk, 12000.0), (2, a.pk, 10000.0)]

    update(run_b, sport="walk")  # leaves the run board
    assert _order(_board(a)) == [(1, a.pk, 10000.0), (2, c.pk, 5000.0), (3, b.pk, 4000.0)]
    assert _order(_board(a, sport="walk")) == [(1, b.pk, 8000.0)]
    delete(extra)
    assert _order(_board(a)) == [(1, a.pk, 10000.0), (2, c.pk, 5000.0)]
    month = _board(a, period="month", metric="time")
    assert _order(month) == [(1, a.pk, 3600.0), (2, c.pk, 1800.0)]
    assert LeaderboardEntry.objects.filter(user=b, sport="run").count() == 0


def test_ties_are_ordered_stably_and_my_rank_shows_outside_the_top():
    people = [UserFactory() for _ in range(5)]
    for person in people:
        record(person, km=5)
    me = people[-1]
    board = _board(me, limit=2)
    ids = sorted(p.pk for p in people)
    assert _order(board) == [(1, ids[0], 5000.0), (2, ids[1], 5000.0)]
    assert (board.me.rank, board.me.user_id) == (5, me.pk)
    assert board.total == 5


def test_opted_out_people_are_hidden_and_have_no_rank():
    shy, other = UserFactory(), UserFactory()
    record(shy, km=20, minutes=120)
    record(other, km=5)
    services.leaderboard_visibility_set(user=shy, hidden=True)
    board = _board(shy)
    assert _order(board) == [(1, other.pk, 5000.0)]
    assert board.me is None


def test_country_and_following_scopes():
    de, fr, friend = UserFactory(), UserFactory(), UserFactory()
    Profile.objects.create(user=de, country="DE")
    Profile.objects.create(user=fr, country="FR")
    Profile.objects.create(user=friend, country="DE")
    for person, km in ((de, 5), (fr, 9), (friend, 7)):
        record(person, km=km, minutes=60)
    assert _order(_board(de, scope="country", country="DE")) == [
        (1, friend.pk, 7000.0),
        (2, de.pk, 5000.0),
    ]
    assert _order(_board(de, scope="following")) == [(1, de.pk, 5000.0)]  # no follows yet

    previous = (training_selectors._follows, training_selectors._followed_ids)
    training_selectors.register_follow_lookup(
        lambda viewer, owner: owner == friend.pk, lambda viewer: [friend.pk]
    )
    try:
        assert _order(_board(de, scope="following")) == [
            (1, friend.pk, 7000.0),
            (2, de.pk, 5000.0),
        ]
    finally:
        training_selectors.register_follow_lookup(*previous)


def test_a_group_board_has_its_members_and_only_members_read_it(client):
    member, other_member, outsider = UserFactory(), UserFactory(), UserFactory()
    for person, km in ((member, 5), (other_member, 8), (outsider, 20)):
        record(person, km=km, minutes=60)
    with pytest.raises(GroupBoardForbidden):  # no such group: nobody reads it
        _board(member, scope="group", group_id=3)

    members = {3: {member.pk, other_member.pk}}
    previous = (hooks.group_member, hooks.group_member_ids)
    hooks.register_group_membership(
        lambda group_id, user_id: user_id in members.get(group_id, set()),
        lambda group_id: members.get(group_id, set()),
    )
    try:
        assert _order(_board(member, scope="group", group_id=3)) == [
            (1, other_member.pk, 8000.0),
            (2, member.pk, 5000.0),
        ]
        with pytest.raises(GroupBoardForbidden):
            _board(outsider, scope="group", group_id=3)
        client.force_login(outsider)
        page = client.get("/leaderboards/", {"scope": "group", "group": 3, "period": "week"})
        assert page.status_code == 403
        client.force_login(member)
        page = client.get("/leaderboards/", {"scope": "group", "group": 3})
        assert page.status_code == 200
    finally:
        hooks.register_group_membership(*previous)


@pytest.mark.usefixtures("frozen_june")
def test_one_challenge_board(challenge):
    a, b = UserFactory(), UserFactory()
    services.challenge_join(challenge=challenge, user=a)
    services.challenge_join(challenge=challenge, user=b)
    record(a, km=5)
    record(b, km=6, minutes=40)
    board = selectors.challenge_leaderboard(viewer=a, challenge=challenge)
    assert _order(board) == [(1, b.pk, 6000.0), (2, a.pk, 5000.0)]


def test_a_week_is_the_activitys_own_calendar():
    user = UserFactory()
    # Sunday 31 May 23:30 UTC is Monday 1 June in Berlin: the week of 1 June.
    record(user, km=5, day=(2026, 5, 31), hour=23, tz="Europe/Berlin")
    assert _order(_board(user, day=date(2026, 6, 1))) == [(1, user.pk, 5000.0)]
    assert _order(_board(user, day=date(2026, 5, 31))) == []


def test_private_and_strava_activities_stay_off_the_boards():
    from datetime import UTC, datetime

    from apps.training import services as training_services
    from apps.training.types import NormalizedActivity
    from tests.challenges.conftest import committed

    runner = UserFactory()
    for hour, visibility, provider in [
        (6, "only_me", ""),
        (8, "public", "strava"),
        (10, "public", ""),
    ]:
        committed(
            training_services.record_activity,
            owner=runner,
            activity=NormalizedActivity(
                sport="run",
                start_time=datetime(2026, 6, 3, hour, tzinfo=UTC),
                elapsed_s=1800,
                distance_m=5000,
                visibility=visibility,
                provider=provider,
                external_id=f"x{hour}" if provider else "",
            ),
        )

    assert [row.value for row in _board(UserFactory()).rows] == [5000.0]  # the shared run only
