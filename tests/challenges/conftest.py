from datetime import UTC, date, datetime

import pytest

from apps.challenges.models import Challenge
from apps.training import services as training
from apps.training.types import NormalizedActivity

_commits = None


@pytest.fixture(autouse=True)
def _run_commit_hooks(django_capture_on_commit_callbacks):
    """Services publish events after commit: the helpers below run those hooks at once."""
    global _commits
    _commits = django_capture_on_commit_callbacks
    yield
    _commits = None


def committed(func, *args, **kwargs):
    with _commits(execute=True):
        return func(*args, **kwargs)


def update(activity, **changes):
    return committed(training.update_activity, activity=activity, **changes)


def delete(activity):
    return committed(training.delete_activity, activity=activity)


def record(
    owner,
    *,
    km: float = 5.0,
    minutes: float = 30,
    day=(2026, 6, 3),
    hour: int = 7,
    sport: str = "run",
    source: str = "file",
    elevation: float = 0.0,
    tz: str = "UTC",
):
    start = datetime(*day, hour, 0, tzinfo=UTC)
    return committed(
        training.record_activity,
        owner=owner,
        activity=NormalizedActivity(
            sport=sport,
            start_time=start,
            source=source,
            timezone=tz,
            elapsed_s=minutes * 60,
            moving_s=minutes * 60,
            distance_m=km * 1000,
            elevation_gain_m=elevation,
        ),
    ).activity


@pytest.fixture
def challenge(db):
    return Challenge.objects.create(
        slug="june-50k",
        title={"en": "June 50 km", "ru": "50 км в июне", "de": "50 km im Juni"},
        metric="distance",
        target=50_000,
        sport="run",
        start_date=date(2026, 6, 1),
        end_date=date(2026, 6, 30),
        points=100,
    )


@pytest.fixture
def frozen_june(monkeypatch):
    """Joining checks the window against the participant's today: pretend it is mid-June."""
    from apps.challenges import services

    monkeypatch.setattr(services, "today", lambda zone: date(2026, 6, 15))


@pytest.fixture(autouse=True)
def badge_catalog(db):
    """Tests run without migrations: load the catalog the data migration installs."""
    import importlib

    from django.apps import apps

    importlib.import_module("apps.challenges.migrations.0002_badge_catalog").add(apps, None)
