"""Weekly adaptation: the rules, the adapter interface, and the service that applies them."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from apps.training.plans import adaptation, selectors, services
from apps.training.plans.adaptation import RuleBasedAdapter, WeekAdjustment, WeekSummary
from apps.training.plans.models import PlanAdaptation
from apps.training.types import NormalizedActivity
from tests.training.plans.conftest import MONDAY, athlete

pytestmark = pytest.mark.django_db


def _summary(done: int, planned_load=200.0, actual_load=200.0, factor=1.0) -> WeekSummary:
    return WeekSummary(
        enrollment_id=1,
        owner_id=1,
        plan_slug="10k",
        week=0,
        sessions_planned=4,
        sessions_done=done,
        sessions_skipped=0,
        planned_load=planned_load,
        actual_load=actual_load,
        volume_factor=factor,
        planned_volume=10_000.0,
        next_planned_volume=12_500.0,
    )


@pytest.mark.parametrize(
    ("summary", "decision", "factor", "reason"),
    [
        (_summary(4), "progress", 1.05, "on_track"),
        (_summary(4, actual_load=150), "hold", 1.0, "held"),  # all done, but much easier
        (_summary(3), "hold", 1.0, "held"),
        (_summary(2), "repeat", 0.8, "low_compliance"),  # next week gets this week's volume
        (_summary(2, factor=0.7), "repeat", 0.56, "low_compliance"),  # 7,000 s of 12,500
        (_summary(1), "reduce", 0.85, "missed_most"),
        (_summary(4, actual_load=270), "reduce", 0.9, "load_spike"),
    ],
)
def test_the_rules(summary, decision, factor, reason):
    result = RuleBasedAdapter().adjust(summary)

    assert (result.decision, round(result.volume_factor, 3), result.reason) == (
        decision,
        factor,
        reason,
    )


def test_reasons_read_in_the_athletes_language():
    args = {"compliance": 0.5, "planned_load": 200.0, "actual_load": 300.0}

    assert adaptation.reason_text("low_compliance", **args) == (
        "You did 50 % of last week's sessions: this week repeats last week's volume instead "
        "of adding more."
    )
    with translation.override("de"):
        assert adaptation.reason_text("load_spike", **args).startswith(
            "Deine Trainingsbelastung letzte Woche lag bei 150 %"
        )


class DoublingModel:
    """A stand-in for the recommendations app's model: a confused one."""

    name = "model"

    def __init__(self):
        self.seen: list[WeekSummary] = []

    def adjust(self, summary: WeekSummary) -> WeekAdjustment:
        self.seen.append(summary)
        return WeekAdjustment("progress", summary.volume_factor * 2, "on_track")


def test_another_adapter_plugs_in_by_name_and_is_kept_within_bounds(clock, settings, monkeypatch):
    model = DoublingModel()
    monkeypatch.setattr(adaptation, "_adapters", dict(adaptation._adapters))
    adaptation.register(model)
    settings.TRAINING_PLAN_ADAPTER = "model"
    enrollment = services.plan_enroll(
        owner=athlete(), plan_slug="10k", start_date=MONDAY
    ).enrollment
    clock.set(datetime(2026, 6, 8, 1, 0, tzinfo=UTC))

    services.enrollment_adapt(enrollment=enrollment)

    record = PlanAdaptation.objects.get(enrollment=enrollment)
    assert (record.adapter, record.factor_after) == ("model", 1.3)
    assert [(s.week, s.sessions_planned, s.sessions_done) for s in model.seen] == [(0, 4, 0)]


def test_an_unknown_adapter_name_falls_back_to_the_rules(settings):
    settings.TRAINING_PLAN_ADAPTER = "not-installed"

    assert adaptation.current().name == "rules"


def test_a_missed_week_makes_the_next_one_lighter_and_says_why(clock):
    enrollment = services.plan_enroll(
        owner=athlete(), plan_slug="10k", start_date=MONDAY
    ).enrollment
    clock.set(datetime(2026, 6, 8, 1, 0, tzinfo=UTC))

    made = services.enrollment_adapt(enrollment=enrollment)

    assert [(a.week, a.decision, a.reason, a.factor_after) for a in made] == [
        (1, "reduce", "missed_most", 0.85)
    ]
    week_two = selectors.session_list(enrollment=enrollment).filter(week=1)
    assert [s.target_distance_m for s in week_two] == [4300, None, 4300, 6800]
    assert week_two[1].steps[1]["distance_m"] == 350  # 6 x 400 m becomes 6 x 350 m


def test_weeks_missed_by_the_task_are_caught_up_in_order(clock):
    enrollment = services.plan_enroll(
        owner=athlete(), plan_slug="10k", start_date=MONDAY
    ).enrollment
    clock.set(datetime(2026, 6, 22, 1, 0, tzinfo=UTC))  # three weeks later

    made = services.enrollment_adapt(enrollment=enrollment)

    assert [(a.week, a.factor_before, a.factor_after) for a in made] == [
        (1, 1.0, 0.85),
        (2, 0.85, 0.722),
        (3, 0.722, 0.614),
    ]


def test_done_and_skipped_sessions_are_not_replanned(clock, record):
    user = athlete()
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    clock.set(datetime(2026, 6, 8, 20, 0, tzinfo=UTC))
    record(
        user,
        NormalizedActivity(
            sport="run",
            start_time=datetime(2026, 6, 8, 7, 0, tzinfo=UTC),
            elapsed_s=1800,
            distance_m=5000,
        ),
    )
    monday = enrollment.sessions.get(week=1, index=4)
    assert monday.status == "done"

    services.enrollment_adapt(enrollment=enrollment)

    monday.refresh_from_db()
    assert monday.target_distance_m == 5000
    assert enrollment.sessions.get(week=1, index=6).target_distance_m == 4300


def test_a_plan_past_its_last_day_is_completed_and_stopped_plans_are_left_alone(clock):
    user = athlete()
    finished = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    stopped = services.plan_enroll(owner=user, plan_slug="yoga-30-days").enrollment
    services.enrollment_abandon(enrollment=stopped)
    clock.set(datetime(2026, 7, 27, 12, 0, tzinfo=UTC))

    count = services.plans_adapt_due()

    finished.refresh_from_db()
    assert (count, finished.status, finished.ended_at) == (7, "completed", clock.now)
    assert not PlanAdaptation.objects.filter(enrollment=stopped).exists()


def test_the_load_of_every_activity_of_the_week_counts(clock, record):
    user = athlete()
    enrollment = services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment
    clock.set(datetime(2026, 6, 2, 20, 0, tzinfo=UTC))
    ride = NormalizedActivity(
        sport="ride",
        start_time=datetime(2026, 6, 2, 7, 0, tzinfo=UTC),
        elapsed_s=4 * 3600,
        perceived_effort=8,
    )
    ride_load = record(user, ride).training_load
    clock.set(datetime(2026, 6, 8, 1, 0, tzinfo=UTC))

    (made,) = services.enrollment_adapt(enrollment=enrollment)

    assert made.actual_load == ride_load == 384.0
    assert (made.decision, made.reason) == ("reduce", "load_spike")


def test_the_summary_an_adapter_gets(clock):
    enrollment = services.plan_enroll(
        owner=athlete(), plan_slug="10k", start_date=MONDAY
    ).enrollment
    seen = []
    spy = SimpleNamespace(
        name="spy",
        adjust=lambda s: seen.append(s) or WeekAdjustment("hold", s.volume_factor, "held"),
    )
    clock.set(datetime(2026, 6, 8, 1, 0, tzinfo=UTC))

    services.enrollment_adapt(enrollment=enrollment, adapter=spy)

    (summary,) = seen
    assert (summary.week, summary.sessions_planned, summary.planned_load) == (0, 4, 208.6)
    assert summary.compliance == 0.0
    assert summary.next_planned_volume > summary.planned_volume
    assert date(2026, 6, 1) == enrollment.start_date
