"""Enrolling: dated in the athlete's time zone, from a first day or back from a race day."""

from datetime import UTC, date, datetime, timedelta

import pytest

from apps.training.plans import services
from apps.training.plans.exceptions import EnrollmentInvalid, PlanNotFound
from apps.training.plans.models import PlanEnrollment, PlanSession
from tests.training.plans.conftest import MONDAY, athlete

pytestmark = pytest.mark.django_db


def test_enrolling_from_a_first_day_dates_every_session(clock):
    user = athlete("Europe/Berlin")

    enrolled = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY)

    enrollment = enrolled.enrollment
    assert enrolled.created
    assert (enrollment.start_date, enrollment.timezone, enrollment.status) == (
        MONDAY,
        "Europe/Berlin",
        "active",
    )
    sessions = list(enrollment.sessions.order_by("index"))
    assert len(sessions) == 32
    assert [(s.date, s.kind, s.week) for s in sessions[:4]] == [
        (date(2026, 6, 1), "easy", 0),
        (date(2026, 6, 3), "intervals", 0),
        (date(2026, 6, 5), "easy", 0),
        (date(2026, 6, 7), "long", 0),
    ]
    assert (sessions[-1].date, sessions[-1].kind) == (date(2026, 7, 26), "race")
    assert sessions[0].target_distance_m == 5000
    assert sessions[1].target_distance_m is None  # intervals are measured by time
    # 15 min warm-up, 5 x 400 m at 0.96 x 5:30 per km (no 10 km time known), 5 x 90 s, 10 min
    assert sessions[1].target_duration_s == round(900 + 5 * 0.4 * 0.96 * 330 + 5 * 90 + 600)


def test_enrolling_back_from_a_race_day_puts_the_race_on_that_day(clock):
    user = athlete()
    race = date(2026, 9, 13)

    enrollment = services.plan_enroll(owner=user, plan_slug="10k", race_date=race).enrollment

    assert enrollment.start_date == race - timedelta(days=55)
    assert enrollment.race_date == race
    last = enrollment.sessions.order_by("-index").first()
    assert (last.date, last.kind) == (race, "race")


def test_without_dates_the_plan_starts_today_in_the_athletes_time_zone(clock):
    clock.set(datetime(2026, 6, 1, 22, 30, tzinfo=UTC))  # already Tuesday in Tokyo
    tokyo, london = athlete("Asia/Tokyo"), athlete("Europe/London")

    in_tokyo = services.plan_enroll(owner=tokyo, plan_slug="yoga-30-days").enrollment
    in_london = services.plan_enroll(owner=london, plan_slug="yoga-30-days").enrollment

    assert (in_tokyo.start_date, in_london.start_date) == (date(2026, 6, 2), date(2026, 6, 1))


def test_a_race_too_soon_for_the_plan_is_refused_with_the_earliest_race_day(clock):
    user = athlete()

    with pytest.raises(EnrollmentInvalid) as caught:
        services.plan_enroll(owner=user, plan_slug="10k", race_date=date(2026, 7, 1))

    assert caught.value.fields == {
        "race_date": [
            "This plan takes 56 days: the earliest race day it can lead to is July 26, 2026."
        ]
    }
    assert not PlanEnrollment.objects.filter(owner=user).exists()


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"start_date": date(2026, 5, 31)}, "start_date"),
        ({"start_date": date(2027, 7, 1)}, "start_date"),
        ({"race_date": date(2027, 9, 1)}, "race_date"),
    ],
)
def test_dates_in_the_past_or_too_far_ahead_are_refused(clock, dates, field):
    with pytest.raises(EnrollmentInvalid) as caught:
        services.plan_enroll(owner=athlete(), plan_slug="10k", **dates)

    assert list(caught.value.fields) == [field]


def test_both_a_first_day_and_a_race_day_is_refused(clock):
    with pytest.raises(EnrollmentInvalid):
        services.plan_enroll(
            owner=athlete(), plan_slug="10k", start_date=MONDAY, race_date=date(2026, 9, 1)
        )


def test_enrolling_again_returns_the_active_enrollment(clock):
    user = athlete()
    first = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY)

    again = services.plan_enroll(owner=user, plan_slug="10k", start_date=date(2026, 6, 8))

    assert (again.created, again.enrollment.pk) == (False, first.enrollment.pk)
    assert PlanSession.objects.filter(enrollment__owner=user).count() == 32


def test_after_stopping_a_plan_it_can_be_started_again(clock):
    user = athlete()
    first = services.plan_enroll(owner=user, plan_slug="10k").enrollment
    services.enrollment_abandon(enrollment=first)

    second = services.plan_enroll(owner=user, plan_slug="10k")

    first.refresh_from_db()
    assert second.created
    assert (first.status, second.enrollment.status) == ("abandoned", "active")
    assert first.ended_at == clock.now


def test_an_unknown_plan_is_not_found(clock):
    with pytest.raises(PlanNotFound):
        services.plan_enroll(owner=athlete(), plan_slug="marathon-in-a-week")


def test_a_known_10k_time_gives_target_paces(clock):
    from apps.training import services as training_services
    from tests.training.tracks import meridian_run, run_activity

    user = athlete()
    # 10 km in 50 minutes, recorded the day before
    run = run_activity(
        meridian_run(speed=10_000 / 3000, seconds=3000),
        start_time=datetime(2026, 5, 31, 7, 0, tzinfo=UTC),
    )
    training_services.record_activity(owner=user, activity=run)

    enrollment = services.plan_enroll(owner=user, plan_slug="10k").enrollment

    assert enrollment.threshold_pace_s == 300
    intervals = enrollment.sessions.get(index=1)
    assert intervals.steps[1]["pace_s_per_km"] == 288
