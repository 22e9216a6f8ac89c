from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from apps.accounts import services as accounts_services
from tests.accounts.factories import UserFactory

MONDAY = date(2026, 6, 1)


class Clock:
    """The time as services see it (django.utils.timezone.now), moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)

    def set(self, now: datetime) -> None:
        self.now = now


@pytest.fixture
def clock(monkeypatch):
    """Early on Monday 1 June 2026 in UTC (a plan starting that day starts on a Monday)."""
    fake = Clock(datetime(2026, 6, 1, 5, 0, tzinfo=UTC))
    monkeypatch.setattr(timezone, "now", fake)
    return fake


def athlete(tz: str = "UTC"):
    user = UserFactory()
    accounts_services.profile_update(user=user, timezone=tz)
    return user


@pytest.fixture
def record(django_capture_on_commit_callbacks):
    """Record an activity through training, with its `activity_recorded` handlers run (after
    commit, as in production)."""
    from apps.training import services as training_services

    def run(user, activity):
        with django_capture_on_commit_callbacks(execute=True):
            return training_services.record_activity(owner=user, activity=activity).activity

    return run


@pytest.fixture
def delete(django_capture_on_commit_callbacks):
    from apps.training import services as training_services

    def run(activity):
        with django_capture_on_commit_callbacks(execute=True):
            training_services.delete_activity(activity=activity)

    return run
