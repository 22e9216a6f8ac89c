"""Progress: period totals against the period before, in the athlete's own calendar, records,
and fitness / fatigue / form from training load."""

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.accounts import services as accounts_services
from apps.training import progress, services
from apps.training.types import NormalizedActivity
from tests.accounts.factories import UserFactory
from tests.training.tracks import meridian_run, run_activity

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def _typed(owner, when: datetime, *, sport="run", distance=5000.0, elapsed=1800.0, effort=5):
    return services.record_activity(
        owner=owner,
        activity=NormalizedActivity(
            sport=sport,
            start_time=when,
            elapsed_s=elapsed,
            distance_m=distance if sport != "yoga" else None,
            perceived_effort=effort,
        ),
    ).activity


def test_a_late_sunday_run_counts_in_its_local_week():
    user = UserFactory()
    accounts_services.profile_update(user=user, timezone="America/New_York")
    sunday_night = datetime(2026, 3, 15, 23, 30, tzinfo=NEW_YORK)  # Monday 03:30 UTC
    _typed(user, sunday_night)

    weeks = progress.weekly_distance(owner=user, today=date(2026, 3, 18), weeks=2, tz=NEW_YORK)

    assert weeks == [
        {"week": date(2026, 3, 9), "distance_m": 5000.0, "moving_s": 1800},
        {"week": date(2026, 3, 16), "distance_m": 0.0, "moving_s": 0},
    ]


def test_totals_per_sport_against_the_previous_week():
    user = UserFactory()
    monday = datetime(2026, 3, 16, 7, 0, tzinfo=ZoneInfo("UTC"))
    _typed(user, monday, distance=10_000, elapsed=3000)
    _typed(user, monday + timedelta(days=2), distance=5000, elapsed=1500)
    _typed(user, monday + timedelta(days=3), sport="yoga", elapsed=3600, effort=3)
    _typed(user, monday - timedelta(days=3), distance=8000, elapsed=2400)

    data = progress.summary(owner=user, kind="week", today=date(2026, 3, 20))

    assert (data["start"], data["end"]) == (date(2026, 3, 16), date(2026, 3, 22))
    by_sport = {row["sport"]: row for row in data["totals"]}
    assert by_sport["run"]["count"] == 2
    assert by_sport["run"]["distance_m"] == 15_000
    assert by_sport["run"]["moving_s"] == 4500
    assert by_sport["yoga"]["moving_s"] == 3600
    assert data["previous"]["totals"] == [
        {
            "sport": "run",
            "count": 1,
            "distance_m": 8000.0,
            "moving_s": 2400,
            "elevation_gain_m": 0.0,
            "load": pytest.approx(40.0, abs=0.1),  # 40 min x effort 5 / 5
        }
    ]


def test_months_and_years_have_their_own_previous_period():
    assert progress.period_containing(date(2026, 3, 31), "month").previous("month") == (
        progress.Period(date(2026, 2, 1), date(2026, 3, 1))
    )
    assert progress.period_containing(date(2026, 7, 4), "year").previous("year") == (
        progress.Period(date(2025, 1, 1), date(2026, 1, 1))
    )


def test_fitness_and_fatigue_after_one_hard_day():
    user = UserFactory()
    day = date(2026, 5, 10)
    activity = _typed(user, datetime(2026, 5, 10, 8, 0, tzinfo=ZoneInfo("UTC")), elapsed=6000)
    load = activity.training_load  # 100 minutes x 5 / 5 = 100

    curve = progress.fitness_curve(
        owner=user, today=day + timedelta(days=1), days=3, tz=ZoneInfo("UTC")
    )

    that_day = curve[1]
    assert load == pytest.approx(100.0)
    assert that_day["fitness"] == pytest.approx(100 * (1 - math.exp(-1 / 42)), abs=0.1)
    assert that_day["fatigue"] == pytest.approx(100 * (1 - math.exp(-1 / 7)), abs=0.1)
    assert that_day["form"] < 0  # tired after a hard day
    assert curve[2]["fatigue"] < that_day["fatigue"]  # and recovering the day after


def test_steady_training_brings_fitness_and_fatigue_together():
    user = UserFactory()
    start = datetime(2026, 1, 1, 7, 0, tzinfo=ZoneInfo("UTC"))
    for i in range(200):
        _typed(user, start + timedelta(days=i), elapsed=3000)  # load 50 every day

    curve = progress.fitness_curve(owner=user, today=date(2026, 7, 19), days=1, tz=ZoneInfo("UTC"))

    assert curve[0]["fatigue"] == pytest.approx(50, abs=0.5)
    assert curve[0]["fitness"] == pytest.approx(50, abs=5)
    assert abs(curve[0]["form"]) < 5


def test_the_progress_api_costs_the_same_for_many_activities(
    token_client, django_assert_max_num_queries
):
    user = UserFactory()
    client = token_client(user)
    services.record_activity(owner=user, activity=run_activity(meridian_run(speed=3.5)))
    first = client.get("/api/v1/progress/?period=month")
    assert first.status_code == 200
    assert [r["distance"] for r in first.json()["records"]] == ["400m", "1k", "1mi", "5k", "10k"]
    now = datetime.now(ZoneInfo("UTC"))
    for i in range(40):
        _typed(user, now - timedelta(days=i, hours=1))

    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/progress/?period=year")

    assert response.status_code == 200
    assert len(response.json()["curve"]) == 90 and len(response.json()["weeks"]) == 12
    assert client.get("/api/v1/progress/?period=decade").status_code == 400
