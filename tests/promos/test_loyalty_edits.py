"""An edited activity earns what it earns now: the difference goes into the ledger as a
correcting entry with its own key (nothing is updated or deleted), the daily cap still holds,
an edit that makes the activity implausible takes its points back, and the same edit twice
(or the event delivered twice) changes nothing.

Training lets a person change the sport of an activity (service, page, API); distance,
duration and day are figures training computes, changed here on the row before the edit
event so that the recomputation from the activity as it is now is what is tested."""

from datetime import timedelta

import pytest

from apps.promos import selectors, services
from apps.promos.models import PointsEntry
from apps.training import services as training
from apps.training.models import Activity
from tests.promos.factories import committed, record, rule

pytestmark = pytest.mark.django_db


def _balance(user) -> int:
    balance = selectors.points_balance(user=user)
    assert balance == selectors.points_ledger_sum(user_id=user.pk)  # the cache is the ledger
    return balance


def _edit(activity: Activity, **changes) -> None:
    """An edit through training's update service, its event delivered after the commit."""
    with committed():
        training.update_activity(activity=activity, **changes)


def _figures(activity: Activity, *, title: str, **figures) -> Activity:
    """Distance, duration or start changed, then an edit that publishes `activity_updated`."""
    Activity.objects.filter(pk=activity.pk).update(**figures)
    activity.refresh_from_db()
    _edit(activity, title=title)
    return activity


def _ledger(user) -> list[tuple[int, str]]:
    return list(
        PointsEntry.objects.filter(user_id=user.pk)
        .order_by("pk")
        .values_list("points", "idempotency_key")
    )


def test_a_sport_change_moves_the_points_to_the_rules_of_the_new_sport(user):
    running = rule("per_km", 2, sport="run")
    riding = rule("per_km", 1, sport="ride")
    activity = record(user, km=10, minutes=55)
    assert _balance(user) == 20
    ref = f"activity:{activity.pk}"

    _edit(activity, sport="ride")

    assert _balance(user) == 10
    day = PointsEntry.objects.get(idempotency_key=f"{ref}:rule:{running.pk}").earned_on
    assert _ledger(user) == [
        (20, f"{ref}:rule:{running.pk}"),
        (10, f"{ref}:rule:{riding.pk}"),  # a rule's first award keeps the usual key
        (-20, f"{ref}:v1:activity:{running.pk}:{day.isoformat()}"),
    ]
    assert PointsEntry.objects.get(points=-20).note == "activity changed"

    _edit(activity, sport="ride")  # the same edit again
    assert services.points_recompute_for_activity(activity_id=activity.pk, owner_id=user.pk) == 0
    assert _balance(user) == 10
    assert PointsEntry.objects.count() == 3


def test_a_sport_change_through_the_api_recomputes(user, token_client):
    rule("per_workout", 15, sport="run")
    activity = record(user, km=8, minutes=45)
    assert _balance(user) == 15
    with committed():
        response = token_client(user).patch(
            f"/api/v1/activities/{activity.pk}/", {"sport": "walk"}, format="json"
        )
    assert response.status_code == 200
    assert _balance(user) == 0
    assert list(PointsEntry.objects.order_by("pk").values_list("points", flat=True)) == [15, -15]


def test_distance_and_duration_changes_book_the_difference(user):
    per_km = rule("per_km", 2)
    activity = record(user, km=10, minutes=55)
    ref = f"activity:{activity.pk}"
    day = PointsEntry.objects.get().earned_on.isoformat()

    _figures(activity, title="longer", distance_m=15_000, moving_s=80 * 60, elapsed_s=80 * 60)
    assert _balance(user) == 30
    _figures(activity, title="longer", distance_m=15_000, moving_s=80 * 60, elapsed_s=80 * 60)
    assert _balance(user) == 30  # the same edit twice: nothing more
    _figures(activity, title="back", distance_m=10_000, moving_s=55 * 60, elapsed_s=55 * 60)
    assert _balance(user) == 20

    assert _ledger(user) == [
        (20, f"{ref}:rule:{per_km.pk}"),
        (10, f"{ref}:v1:activity:{per_km.pk}:{day}"),
        (-10, f"{ref}:v2:activity:{per_km.pk}:{day}"),
    ]


def test_the_daily_cap_holds_through_edits(user):
    capped = rule("per_km", 1, daily_cap=15)
    first = record(user, km=10, minutes=55, days_ago=0.30)
    second = record(user, km=10, minutes=55, days_ago=0.25)
    assert _balance(user) == 15  # 10 + 5 (capped)

    _figures(first, title="more", distance_m=20_000)  # the cap leaves it 10
    assert _balance(user) == 15
    _figures(first, title="less", distance_m=4_000)  # 4 now: room for 6 more that day
    assert _balance(user) == 9
    _figures(second, title="more", distance_m=20_000)  # 15 - 4 = 11 allowed
    assert _balance(user) == 15

    day = PointsEntry.objects.first().earned_on
    by_day = PointsEntry.objects.filter(rule=capped, earned_on=day)
    assert sum(by_day.values_list("points", flat=True)) == 15


def test_an_edit_that_makes_it_implausible_takes_the_points_back_and_undoing_it_returns_them(
    user,
):
    rule("per_workout", 10)
    rule("per_km", 1)
    ride = record(user, km=40, minutes=60, sport="ride")  # 40 km/h on a bike: fine
    assert _balance(user) == 50

    _edit(ride, sport="run")  # 40 km/h on foot: not plausible
    assert _balance(user) == 0
    _edit(ride, sport="run")
    assert _balance(user) == 0
    assert PointsEntry.objects.count() == 4  # 10, 40, -10, -40

    _edit(ride, sport="ride")
    assert _balance(user) == 50
    assert PointsEntry.objects.count() == 6
    assert PointsEntry.objects.values("idempotency_key").distinct().count() == 6


def test_a_new_day_moves_the_points_and_frees_the_old_days_cap(user):
    capped = rule("per_km", 1, daily_cap=10)
    stay = record(user, km=10, minutes=55, days_ago=3)
    moved = record(user, km=10, minutes=55, days_ago=1)
    assert _balance(user) == 20
    old_day = PointsEntry.objects.get(reference=f"activity:{moved.pk}").earned_on

    _figures(moved, title="was earlier", start_time=stay.start_time + timedelta(hours=2))
    assert _balance(user) == 10  # the cap of that day is used by the other run
    taken = PointsEntry.objects.order_by("pk").last()
    assert (taken.points, taken.earned_on, taken.rule_id) == (-10, old_day, capped.pk)

    _figures(moved, title="no, it was then", start_time=moved.start_time + timedelta(days=2))
    assert _balance(user) == 20


def test_spent_points_stay_spent_when_an_edit_lowers_them(user):
    from tests.promos.factories import reward

    rule("per_km", 3)
    activity = record(user, km=10, minutes=55)
    services.reward_redeem(user=user, reward_id=reward("cap", 25).pk, key="r1")
    assert _balance(user) == 5

    _figures(activity, title="short", distance_m=2_000, moving_s=12 * 60)
    assert _balance(user) == 0  # 24 to take back, 5 left: never below zero
    assert PointsEntry.objects.order_by("pk").last().points == -5


def test_a_title_edit_keeps_what_a_switched_off_rule_gave(user):
    old = rule("per_workout", 10)
    activity = record(user, km=5, minutes=30)
    old.active = False
    old.save(update_fields=["active"])
    _edit(activity, title="Renamed")
    assert _balance(user) == 10
    assert PointsEntry.objects.count() == 1


def test_an_edit_after_a_deletion_changes_nothing(user):
    rule("per_km", 2)
    activity = record(user, km=10, minutes=55)
    activity_id = activity.pk
    with committed():
        training.delete_activity(activity=activity)
    assert _balance(user) == 0
    assert services.points_recompute_for_activity(activity_id=activity_id, owner_id=user.pk) == 0
    assert PointsEntry.objects.count() == 2


def test_moving_the_day_that_made_a_streak_takes_its_bonus_back(user):
    rule("streak", 50, streak_days=3)
    for days in (2, 1):
        record(user, km=5, minutes=30, days_ago=days)
    third = record(user, km=5, minutes=30, days_ago=0)
    assert _balance(user) == 50
    start = third.start_time

    _figures(third, title="a week earlier", start_time=start - timedelta(days=7))
    assert _balance(user) == 0
    _figures(third, title="today after all", start_time=start)
    assert _balance(user) == 50
    assert list(PointsEntry.objects.order_by("pk").values_list("points", "source")) == [
        (50, "streak"),
        (-50, "streak"),
        (50, "streak"),
    ]
