"""The badge engine: rules met give a badge once, with one notification; never twice."""

import pytest

from apps.challenges import services
from apps.challenges.models import BadgeAward
from apps.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.challenges.conftest import delete, record

pytestmark = pytest.mark.django_db


def _badges(user):
    return sorted(BadgeAward.objects.filter(user=user).values_list("badge__slug", flat=True))


def test_first_5k_once():
    user = UserFactory()
    record(user, km=4)
    assert _badges(user) == []
    first = record(user, km=5, day=(2026, 6, 4))
    record(user, km=6, minutes=40, day=(2026, 6, 5))
    delete(first)
    services.badges_evaluate(user=user)
    assert _badges(user) == ["first-5k"]
    assert Notification.objects.filter(user=user, kind="badge_awarded").count() == 1


def test_seven_day_streak_and_100_km_in_a_month():
    user = UserFactory()
    for day in range(1, 7):
        record(user, km=15, minutes=90, day=(2026, 6, day))
    assert "7-day-streak" not in _badges(user)
    assert "100k-month" not in _badges(user)  # 90 km
    record(user, km=15, minutes=90, day=(2026, 6, 7))
    assert _badges(user) == ["100k-month", "7-day-streak", "first-5k"]


def test_a_gap_breaks_the_streak():
    user = UserFactory()
    for day in (1, 2, 3, 5, 6, 7, 8):
        record(user, km=3, day=(2026, 6, day))
    assert "7-day-streak" not in _badges(user)
