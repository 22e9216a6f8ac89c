"""Skipping, moving within the plan week, and compliance."""

from datetime import UTC, date, datetime

import pytest

from apps.training.plans import selectors, services
from apps.training.plans.exceptions import (
    DayTaken,
    EnrollmentNotActive,
    RescheduleInvalid,
    SessionNotPlanned,
)
from apps.training.types import NormalizedActivity
from tests.training.plans.conftest import MONDAY, athlete

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrollment(clock):
    return services.plan_enroll(owner=athlete(), plan_slug="10k", start_date=MONDAY).enrollment


def _run(start: datetime, distance_m: float) -> NormalizedActivity:
    return NormalizedActivity(sport="run", start_time=start, elapsed_s=1800, distance_m=distance_m)


def test_skipping_a_planned_session(enrollment):
    session = enrollment.sessions.get(index=1)

    services.session_skip(session=session)

    session.refresh_from_db()
    assert session.status == "skipped"
    with pytest.raises(SessionNotPlanned):
        services.session_skip(session=session)


def test_moving_a_session_within_its_week(enrollment):
    session = enrollment.sessions.get(index=1)  # Wednesday's intervals

    moved = services.session_reschedule(session=session, new_date=date(2026, 6, 4))

    assert (moved.date, moved.planned_date) == (date(2026, 6, 4), date(2026, 6, 3))


def test_moving_onto_a_day_with_another_session_is_refused(enrollment):
    session = enrollment.sessions.get(index=1)

    with pytest.raises(DayTaken):
        services.session_reschedule(session=session, new_date=date(2026, 6, 5))  # easy run


def test_the_day_of_a_skipped_session_is_free(enrollment):
    services.session_skip(session=enrollment.sessions.get(index=2))  # Friday's easy run

    moved = services.session_reschedule(
        session=enrollment.sessions.get(index=1), new_date=date(2026, 6, 5)
    )

    assert moved.date == date(2026, 6, 5)


@pytest.mark.parametrize("new_date", [date(2026, 6, 8), date(2026, 5, 31)])
def test_moving_out_of_the_plan_week_is_refused(enrollment, new_date):
    with pytest.raises(RescheduleInvalid) as caught:
        services.session_reschedule(session=enrollment.sessions.get(index=1), new_date=new_date)

    assert caught.value.fields == {
        "date": ["Choose a day of the same plan week, June 1, 2026 to June 7, 2026."]
    }


def test_moving_to_a_day_that_has_passed_is_refused(enrollment, clock):
    clock.set(datetime(2026, 6, 3, 9, 0, tzinfo=UTC))

    with pytest.raises(RescheduleInvalid) as caught:
        services.session_reschedule(
            session=enrollment.sessions.get(index=1), new_date=date(2026, 6, 2)
        )

    assert caught.value.fields == {"date": ["That day has passed."]}


def test_done_sessions_and_stopped_plans_cannot_change(enrollment, clock, record):
    clock.set(datetime(2026, 6, 1, 20, 0, tzinfo=UTC))
    record(enrollment.owner, _run(datetime(2026, 6, 1, 7, 0, tzinfo=UTC), 5000))

    with pytest.raises(SessionNotPlanned):
        services.session_reschedule(
            session=enrollment.sessions.get(index=0), new_date=date(2026, 6, 2)
        )
    services.enrollment_abandon(enrollment=enrollment)
    with pytest.raises(EnrollmentNotActive):
        services.session_skip(session=enrollment.sessions.get(index=1))


def test_moving_a_session_onto_the_day_of_a_fitting_run_completes_it(enrollment, clock, record):
    clock.set(datetime(2026, 6, 2, 20, 0, tzinfo=UTC))
    run = record(enrollment.owner, _run(datetime(2026, 6, 2, 7, 0, tzinfo=UTC), 5000))
    assert not enrollment.sessions.filter(status="done").exists()  # Tuesday has no session

    moved = services.session_reschedule(
        session=enrollment.sessions.get(index=2), new_date=date(2026, 6, 2)
    )

    assert (moved.date, moved.status, moved.activity_id) == (date(2026, 6, 2), "done", run.pk)


def test_compliance_counts_done_out_of_due_so_far(enrollment, clock, record):
    assert selectors.compliance(enrollment=enrollment).percent is None
    clock.set(datetime(2026, 6, 1, 20, 0, tzinfo=UTC))
    record(enrollment.owner, _run(datetime(2026, 6, 1, 7, 0, tzinfo=UTC), 5000))
    assert selectors.compliance(enrollment=enrollment).percent == 100  # today's, done

    clock.set(datetime(2026, 6, 6, 9, 0, tzinfo=UTC))  # Saturday: Wed missed, Fri skipped
    services.session_skip(session=enrollment.sessions.get(index=2))

    result = selectors.compliance(enrollment=enrollment)
    assert (result.done, result.due, result.percent) == (1, 3, 33)
