"""What the Training issue must show: enrolling in the 10 km plan, recording the right runs
marks sessions done and the next week adapts. Real data all the way: GPS tracks with heart
rate go through record_activity, completion runs from the `activity_recorded` event, and the
adaptation from the weekly task."""

from datetime import UTC, date, datetime

import pytest

from apps.training.plans import selectors, services
from apps.training.plans.models import PlanAdaptation
from apps.training.plans.tasks import plans_adapt_due_task
from tests.training.plans.conftest import MONDAY, athlete
from tests.training.tracks import meridian_run, run_activity

pytestmark = pytest.mark.django_db

# Week 1 of the 10 km plan and the run that fits each session, all at 3 m/s and 150 bpm.
WEEK_ONE = [
    (date(2026, 6, 1), 1667),  # easy 5 km: 5.0 km
    (date(2026, 6, 3), 2700),  # intervals, about 43 minutes: 45 minutes
    (date(2026, 6, 5), 1667),  # easy 5 km
    (date(2026, 6, 7), 2334),  # long 7 km: 7.0 km
]


def _morning_run(day: date, seconds: int):
    # 07:00 in Berlin (05:00 UTC in summer)
    start = datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)
    return run_activity(meridian_run(speed=3.0, seconds=seconds), start_time=start)


def test_enrolling_in_the_10k_plan_recording_the_runs_marks_them_done_and_the_next_week_adapts(
    clock, record
):
    user = athlete("Europe/Berlin")
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    week_two_before = [
        (s.kind, s.target_distance_m)
        for s in selectors.session_list(enrollment=enrollment).filter(week=1)
    ]
    assert week_two_before == [("easy", 5000), ("intervals", None), ("easy", 5000), ("long", 8000)]

    recorded = []
    for day, seconds in WEEK_ONE:
        clock.set(datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC))
        recorded.append(record(user, _morning_run(day, seconds)))

    week_one = selectors.session_list(enrollment=enrollment).filter(week=0)
    assert [(s.date, s.status, s.activity_id) for s in week_one] == [
        (day, "done", activity.pk) for (day, _), activity in zip(WEEK_ONE, recorded, strict=True)
    ]
    clock.set(datetime(2026, 6, 7, 21, 0, tzinfo=UTC))  # Sunday 23:00 in Berlin
    assert selectors.compliance(enrollment=enrollment).percent == 100
    assert plans_adapt_due_task.apply().get() == 0  # the week has not ended yet

    clock.set(datetime(2026, 6, 7, 22, 30, tzinfo=UTC))  # Monday 00:30 in Berlin
    assert plans_adapt_due_task.apply().get() == 1

    adapted = PlanAdaptation.objects.get(enrollment=enrollment)
    assert (adapted.week, adapted.decision, adapted.reason, adapted.compliance) == (
        1,
        "progress",
        "on_track",
        1.0,
    )
    # easy 5 km at 1.25 x 5:30/km x 1.2 per minute = 41.2 (twice); intervals 62.1; long 64.1
    assert adapted.planned_load == 208.6
    assert adapted.actual_load == pytest.approx(sum(a.training_load for a in recorded), abs=0.1)
    assert (adapted.factor_before, adapted.factor_after) == (1.0, 1.05)
    week_two = selectors.session_list(enrollment=enrollment).filter(week=1)
    assert [(s.kind, s.target_distance_m) for s in week_two] == [
        ("easy", 5300),
        ("intervals", None),
        ("easy", 5300),
        ("long", 8400),
    ]
    enrollment.refresh_from_db()
    assert enrollment.volume_factor == 1.05
    # Running the task again adapts nothing twice.
    assert plans_adapt_due_task.apply().get() == 0
    assert PlanAdaptation.objects.filter(enrollment=enrollment).count() == 1
