"""The points ledger: earning from activities by rules with daily caps, nothing for
implausible activities, replays, reversals, challenge awards, expiry, staff adjustments and
reward redemption."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.challenges.points import awarder
from apps.promos import selectors, services
from apps.promos.exceptions import NotEnoughPoints, PointsInvalid, RewardUnavailable
from apps.promos.models import Coupon, PointsEntry, Source
from tests.promos.factories import committed, promotion, record, reward, rule

pytestmark = pytest.mark.django_db


def _balance(user) -> int:
    balance = selectors.points_balance(user=user)
    assert balance == selectors.points_ledger_sum(user_id=user.pk)  # the cache is the ledger
    return balance


def test_an_activity_earns_by_the_rules_once(user):
    rule("per_km", 2)
    rule("per_workout", 10)
    activity = record(user, km=10.6)
    assert _balance(user) == 21 + 10
    assert set(PointsEntry.objects.values_list("source", "reference")) == {
        ("activity", f"activity:{activity.pk}")
    }
    # The event delivered again (Celery delivers at least once): nothing more.
    assert services.points_earn_for_activity(activity_id=activity.pk, owner_id=user.pk) == 0
    assert _balance(user) == 31


def test_rules_by_sport_and_shortest_distance(user):
    rule("per_km", 5, sport="ride")
    rule("per_workout", 10, min_distance_m=3000)
    record(user, km=2, minutes=12)
    assert _balance(user) == 0
    record(user, km=5, minutes=28, days_ago=0.2)
    assert _balance(user) == 10


def test_daily_cap_per_rule(user):
    rule("per_km", 1, daily_cap=15)
    record(user, km=10, days_ago=0.30)
    record(user, km=10, days_ago=0.25)
    record(user, km=10, days_ago=0.20)
    assert _balance(user) == 15
    assert list(PointsEntry.objects.order_by("pk").values_list("points", flat=True)) == [10, 5]


def test_no_points_for_an_implausible_activity(user):
    rule("per_km", 1)
    rule("per_workout", 10)
    record(user, km=30, minutes=30)  # 60 km/h on foot
    assert _balance(user) == 0
    assert PointsEntry.objects.count() == 0


def test_a_deleted_activity_takes_its_points_back(user):
    from apps.training import services as training

    rule("per_km", 3)
    activity = record(user, km=10)
    assert _balance(user) == 30
    with committed():
        training.delete_activity(activity=activity)
    assert _balance(user) == 0
    assert PointsEntry.objects.filter(points=-30).count() == 1


def test_streak_bonus_on_the_seventh_day(user):
    rule("streak", 50, streak_days=3)
    for days in (2, 1):
        record(user, km=5, minutes=30, days_ago=days)
    assert _balance(user) == 0
    record(user, km=5, minutes=30, days_ago=0)
    assert _balance(user) == 50
    assert PointsEntry.objects.get().source == Source.STREAK


def test_challenge_completion_points_land_in_the_ledger(user):
    assert awarder().award(user_id=user.pk, points=100, reason="challenge:7") is True
    assert awarder().award(user_id=user.pk, points=100, reason="challenge:7") is False
    assert _balance(user) == 100
    entry = PointsEntry.objects.get()
    assert (entry.source, entry.reference) == ("challenge", "challenge:7")


def test_challenge_rule_scales_awards(user):
    rule("challenge", 150)
    awarder().award(user_id=user.pk, points=100, reason="challenge:8")
    assert _balance(user) == 150


def test_expiry_takes_what_was_earned_long_ago_and_not_spent(user, settings):
    settings.PROMOS_POINTS_EXPIRY_DAYS = 365
    admin = user
    old = services.points_adjust(user=user, points=100, reason="welcome", actor=admin)
    PointsEntry.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=400))
    services.points_adjust(user=user, points=40, reason="recent", actor=admin)
    r = reward("bottle", 30)
    services.reward_redeem(user=user, reward_id=r.pk, key="k1")
    assert _balance(user) == 110
    assert services.points_expire() == 70  # 100 old, 30 of them already spent
    assert services.points_expire() == 0  # a rerun the same day changes nothing
    assert _balance(user) == 40
    later = timezone.now() + timedelta(days=1)
    assert services.points_expire(now=later) == 0  # nothing old is left unspent


def test_staff_adjustment_needs_a_reason_and_keeps_who(user, other_user):
    with pytest.raises(PointsInvalid):
        services.points_adjust(user=user, points=10, reason=" ", actor=other_user)
    entry = services.points_adjust(user=user, points=25, reason="race volunteer", actor=other_user)
    assert (entry.actor_id, entry.note, entry.source) == (
        other_user.pk,
        "race volunteer",
        "adjustment",
    )
    with pytest.raises(NotEnoughPoints):
        services.points_adjust(user=user, points=-26, reason="typo", actor=other_user)
    services.points_adjust(user=user, points=-25, reason="typo", actor=other_user, key="fix-1")
    again = services.points_adjust(
        user=user, points=-25, reason="typo", actor=other_user, key="fix-1"
    )
    assert again.idempotency_key == f"adjust:{user.pk}:fix-1"
    assert _balance(user) == 0


def test_reward_redemption_is_idempotent_and_never_overdraws(user, other_user):
    services.points_adjust(user=user, points=120, reason="gift", actor=other_user)
    r = reward("socks", 50, stock=5)
    first = services.reward_redeem(user=user, reward_id=r.pk, key="a")
    assert services.reward_redeem(user=user, reward_id=r.pk, key="a") == first
    services.reward_redeem(user=user, reward_id=r.pk, key="b")
    with pytest.raises(NotEnoughPoints):
        services.reward_redeem(user=user, reward_id=r.pk, key="c")
    r.refresh_from_db()
    assert (_balance(user), r.stock) == (20, 3)


def test_coupon_reward_issues_a_personal_coupon(
    user, other_user, django_capture_on_commit_callbacks
):
    from apps.core import events

    seen = []
    events._subscriptions["coupon_issued"].append(events.Subscription("x", "default"))
    try:
        services.points_adjust(user=user, points=60, reason="gift", actor=other_user)
        p = promotion("ten-off", kind="fixed", value=10, currency="EUR")
        r = reward("ten-off-coupon", 60, kind="coupon", promotion=p)
        with django_capture_on_commit_callbacks() as callbacks:
            redemption = services.reward_redeem(user=user, reward_id=r.pk, key="z")
        seen = callbacks
    finally:
        events._subscriptions["coupon_issued"].pop()
    coupon = Coupon.objects.get()
    assert (redemption.coupon, coupon.user, coupon.promotion) == (coupon, user, p)
    assert len(seen) == 1  # one subscriber of coupon_issued scheduled after commit
    assert _balance(user) == 0


def test_sold_out_reward(user, other_user):
    services.points_adjust(user=user, points=100, reason="gift", actor=other_user)
    r = reward("cap", 10, stock=0)
    with pytest.raises(RewardUnavailable):
        services.reward_redeem(user=user, reward_id=r.pk, key="a")


def test_points_of_the_challenges_ledger_move_over_once(user):
    import importlib

    from django.apps import apps

    from apps.challenges.models import PointsLedger

    migration = importlib.import_module("apps.promos.migrations.0002_take_over_challenge_points")
    PointsLedger.objects.create(user=user, points=80, reason="challenge:3", created=timezone.now())
    migration.take_over(apps, None)
    migration.take_over(apps, None)
    assert _balance(user) == 80
    # The awarder now knows it was given: completing again gives nothing twice.
    assert awarder().award(user_id=user.pk, points=80, reason="challenge:3") is False
    assert _balance(user) == 80
