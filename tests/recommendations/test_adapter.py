import pytest

from apps.recommendations import adapter, demo, services
from apps.training.plans import adaptation
from apps.training.plans.adaptation import WeekSummary

pytestmark = pytest.mark.django_db


def summary(*, done=4, planned=4, actual=300.0, planned_load=300.0, factor=1.0):
    return WeekSummary(
        enrollment_id=1,
        owner_id=1,
        plan_slug="10k",
        week=2,
        sessions_planned=planned,
        sessions_done=done,
        sessions_skipped=planned - done,
        planned_load=planned_load,
        actual_load=actual,
        volume_factor=factor,
        planned_volume=3600,
        next_planned_volume=4000,
    )


def test_the_learned_adapter_is_selectable_and_falls_back_to_the_rules(settings):
    settings.TRAINING_PLAN_ADAPTER = "learned"
    learned = adaptation.current()
    assert learned.name == "learned"

    week = summary()
    assert learned.adjust(week) == adaptation.RuleBasedAdapter().adjust(week)  # no model yet


def test_the_load_model_learns_from_adapted_weeks_and_beats_keeping_the_factor():
    version = services.load_model_train(rows=demo.simulated_plan_weeks())

    assert version.active and version.kind == "load"
    assert version.data_size["samples"] == 200 * 8
    assert version.metrics["mae"] < version.metrics["keep_factor_mae"]


def test_guardrails_cap_the_weekly_increase_and_keep_the_rules_when_they_hold_back():
    services.load_model_train(rows=demo.simulated_plan_weeks())
    learned = adapter.LearnedLoadAdapter()

    class Greedy:
        def predict(self, row):
            return 5.0  # a model gone wrong: five times the volume

    learned._model = lambda: Greedy()
    capped = learned.adjust(summary(factor=1.0))
    assert (capped.decision, capped.volume_factor) == ("progress", 1.1)

    spike = learned.adjust(summary(actual=500.0))  # load 167 % of plan: rules reduce
    assert (spike.decision, spike.reason) == ("reduce", "load_spike")
    assert spike.volume_factor == pytest.approx(0.9)

    missed = learned.adjust(summary(done=1))
    assert missed.decision == "reduce" and missed.volume_factor < 1.0


def test_the_real_model_progresses_a_compliant_athlete_within_the_cap():
    services.load_model_train(rows=demo.simulated_plan_weeks())
    learned = adapter.LearnedLoadAdapter()

    result = learned.adjust(summary(factor=1.0))

    assert result.decision in ("progress", "hold")
    assert 1.0 <= result.volume_factor <= 1.1
    assert adaptation.reason_text(
        result.reason, compliance=1.0, planned_load=300.0, actual_load=300.0
    )


def test_too_little_history_trains_nothing():
    assert services.load_model_train(rows=demo.simulated_plan_weeks(enrollments=3)) is None
