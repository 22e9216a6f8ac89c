"""An activity on the day that fits the session completes it; deleting it reopens the session."""

from datetime import UTC, date, datetime

import pytest

from apps.training.plans import events as plan_events
from apps.training.plans import services
from apps.training.types import NormalizedActivity
from tests.training.plans.conftest import MONDAY, athlete
from tests.training.tracks import meridian_run, run_activity

pytestmark = pytest.mark.django_db


def _typed(sport: str, start: datetime, *, distance_m=None, seconds=1800) -> NormalizedActivity:
    return NormalizedActivity(
        sport=sport, start_time=start, elapsed_s=seconds, distance_m=distance_m
    )


def test_a_run_of_the_planned_distance_on_the_day_completes_the_easy_run(clock, record):
    user = athlete()
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    clock.set(datetime(2026, 6, 1, 19, 0, tzinfo=UTC))
    # 5 km on a GPS track at 3 m/s
    run = run_activity(
        meridian_run(speed=3.0, seconds=1667), start_time=datetime(2026, 6, 1, 18, 0, tzinfo=UTC)
    )

    activity = record(user, run)

    session = enrollment.sessions.get(index=0)
    assert (session.status, session.activity_id, session.completed_at) == (
        "done",
        activity.pk,
        clock.now,
    )
    assert enrollment.sessions.filter(status="done").count() == 1


def test_the_day_is_the_athletes_local_day(clock, record):
    user = athlete("America/New_York")
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    clock.set(datetime(2026, 6, 2, 3, 0, tzinfo=UTC))
    # 01:30 UTC on Tuesday is 21:30 on Monday in New York: Monday's easy run
    record(user, _typed("run", datetime(2026, 6, 2, 1, 30, tzinfo=UTC), distance_m=5100))

    assert enrollment.sessions.get(index=0).status == "done"


@pytest.mark.parametrize(
    ("sport", "distance_m", "done"),
    [
        ("run", 4000, True),  # 80 %: a shorter loop still counts
        ("run", 8000, True),  # 160 %: the session and more
        ("trail_run", 5000, True),
        ("run", 3900, False),  # too short
        ("run", 8100, False),  # another workout
        ("ride", 5000, False),  # not a run
    ],
)
def test_only_an_activity_that_fits_completes_the_session(clock, sport, distance_m, done, record):
    user = athlete()
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    clock.set(datetime(2026, 6, 1, 20, 0, tzinfo=UTC))

    record(user, _typed(sport, datetime(2026, 6, 1, 7, 0, tzinfo=UTC), distance_m=distance_m))

    assert enrollment.sessions.get(index=0).status == ("done" if done else "planned")


def test_an_activity_on_another_day_does_not_complete_it(clock, record):
    user = athlete()
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    clock.set(datetime(2026, 6, 2, 20, 0, tzinfo=UTC))

    record(user, _typed("run", datetime(2026, 6, 2, 7, 0, tzinfo=UTC), distance_m=5000))

    assert not enrollment.sessions.filter(status="done").exists()


def test_intervals_are_completed_by_a_run_of_about_their_duration(clock, record):
    user = athlete()
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    clock.set(datetime(2026, 6, 3, 20, 0, tzinfo=UTC))

    record(
        user, _typed("run", datetime(2026, 6, 3, 7, 0, tzinfo=UTC), distance_m=7000, seconds=2700)
    )

    assert enrollment.sessions.get(index=1).status == "done"


def test_yoga_completes_the_yoga_session(clock, record):
    user = athlete("Europe/Berlin")
    enrollment = services.plan_enroll(owner=user, plan_slug="yoga-30-days").enrollment
    clock.set(datetime(2026, 6, 1, 20, 0, tzinfo=UTC))

    record(user, _typed("yoga", datetime(2026, 6, 1, 17, 0, tzinfo=UTC), seconds=20 * 60))

    assert enrollment.sessions.get(index=0).status == "done"
    assert enrollment.sessions.filter(status="done").count() == 1


def test_the_handler_is_idempotent(clock, record):
    user = athlete()
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    clock.set(datetime(2026, 6, 1, 20, 0, tzinfo=UTC))
    activity = record(user, _typed("run", datetime(2026, 6, 1, 7, 0, tzinfo=UTC), distance_m=5000))
    event = type("Event", (), {"payload": {"activity_id": activity.pk}})()

    plan_events.complete_session_on_activity_recorded(event)
    plan_events.complete_session_on_activity_recorded(event)

    assert list(enrollment.sessions.filter(status="done").values_list("index", "activity")) == [
        (0, activity.pk)
    ]


def test_deleting_the_activity_reopens_the_session(clock, record, delete):
    user = athlete()
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    clock.set(datetime(2026, 6, 1, 20, 0, tzinfo=UTC))
    activity = record(user, _typed("run", datetime(2026, 6, 1, 7, 0, tzinfo=UTC), distance_m=5000))

    activity_id = activity.pk

    delete(activity)

    session = enrollment.sessions.get(index=0)
    assert (session.status, session.activity_id, session.completed_by_activity_id) == (
        "planned",
        None,
        None,
    )
    # A repeated event changes nothing.
    assert services.session_reopen_for_deleted_activity(activity_id=activity_id) == []


def test_after_a_delete_another_run_of_that_day_completes_the_session(clock, record, delete):
    user = athlete()
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    clock.set(datetime(2026, 6, 1, 20, 0, tzinfo=UTC))
    morning = record(user, _typed("run", datetime(2026, 6, 1, 7, 0, tzinfo=UTC), distance_m=5000))
    evening = record(user, _typed("run", datetime(2026, 6, 1, 18, 0, tzinfo=UTC), distance_m=4500))
    assert enrollment.sessions.get(index=0).activity_id == morning.pk

    delete(morning)

    session = enrollment.sessions.get(index=0)
    assert (session.status, session.activity_id) == ("done", evening.pk)


def test_a_stopped_plan_is_not_completed(clock, record):
    user = athlete()
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    services.enrollment_abandon(enrollment=enrollment)
    clock.set(datetime(2026, 6, 1, 20, 0, tzinfo=UTC))

    record(user, _typed("run", datetime(2026, 6, 1, 7, 0, tzinfo=UTC), distance_m=5000))

    assert not enrollment.sessions.filter(status="done").exists()


def test_enrolling_after_todays_run_counts_it(clock, record):
    user = athlete()
    clock.set(datetime(2026, 6, 1, 20, 0, tzinfo=UTC))
    record(user, _typed("run", datetime(2026, 6, 1, 7, 0, tzinfo=UTC), distance_m=5000))

    enrollment = services.plan_enroll(owner=user, plan_slug="10k").enrollment

    assert enrollment.start_date == date(2026, 6, 1)
    assert enrollment.sessions.get(index=0).status == "done"


def test_correcting_the_sport_reopens_or_completes_the_session(
    clock, record, django_capture_on_commit_callbacks
):
    from apps.training import services as training_services

    user = athlete()
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    clock.set(datetime(2026, 6, 1, 20, 0, tzinfo=UTC))
    activity = record(user, _typed("run", datetime(2026, 6, 1, 7, 0, tzinfo=UTC), distance_m=5000))

    with django_capture_on_commit_callbacks(execute=True):
        training_services.update_activity(activity=activity, sport="ride")
    assert enrollment.sessions.get(index=0).status == "planned"

    with django_capture_on_commit_callbacks(execute=True):
        training_services.update_activity(activity=activity, sport="run")
    session = enrollment.sessions.get(index=0)
    assert (session.status, session.activity_id) == ("done", activity.pk)
