"""The adaptive model's session adjustments: guardrails, the session model, the plan they
change, where athletes read them, and the offline comparison with the rule-based adapter."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import translation

from apps.recommendations import adapter, demo, services
from apps.training.plans import adaptation
from apps.training.plans import selectors as plan_selectors
from apps.training.plans import services as plan_services
from apps.training.plans.adaptation import SessionPlan, WeekSummary
from apps.training.plans.personal_data import export_plans
from apps.training.types import NormalizedActivity
from tests.training.plans.conftest import MONDAY, athlete

pytestmark = pytest.mark.django_db

NEXT_WEEK = (
    SessionPlan(4, "easy", "run", 5000, 30.0),
    SessionPlan(5, "intervals", "run", None, 70.0),
    SessionPlan(6, "easy", "run", 5000, 30.0),
    SessionPlan(7, "long", "run", 10_000, 70.0),
)


def week(*, done=4, actual=300.0, factor=1.0, **extra) -> WeekSummary:
    values = {
        "enrollment_id": 1,
        "owner_id": 1,
        "plan_slug": "10k",
        "week": 2,
        "sessions_planned": 4,
        "sessions_done": done,
        "sessions_skipped": 4 - done,
        "planned_load": 300.0,
        "actual_load": actual,
        "volume_factor": factor,
        "planned_volume": 10_000.0,
        "next_planned_volume": 10_000.0,
        "hard_planned": 1,
        "hard_done": 1,
        "recent_long_m": 9000.0,
        "last_long_m": 9000.0,
        "next_sessions": NEXT_WEEK,
    }
    values.update(extra)
    return WeekSummary(**values)


def changes(summary, next_factor=1.0, model=None):
    return [
        (a.index, a.action, a.factor, a.reason, adaptation.session_reason_text(a.reason, a.params))
        for a in adapter.session_adjustments(summary, next_factor, model)
    ]


class Odds:
    """A stand-in session model that answers one probability of doing the hard session."""

    def __init__(self, done: float) -> None:
        self.done = done
        self.rows: list[list[float]] = []

    def done_probability(self, row):
        self.rows.append(row)
        return self.done


def test_missed_sessions_swap_the_hard_session_for_an_easy_run_and_hold_the_long_run():
    assert changes(week(done=2), next_factor=0.8) == [
        (
            5,
            "easy",
            0.8,
            "missed_sessions",
            "You did 2 of 4 sessions last week: this hard session is an easy run instead, to get "
            "back into the rhythm.",
        )
    ]  # the long run (10 km x 0.8 = 8 km) is under last week's 9 km: unchanged
    assert changes(week(done=2, last_long_m=7000.0), next_factor=0.8)[1] == (
        7,
        "cap",
        0.875,
        "long_held",
        "Your long run stays at 7.0 km, no longer than your last one, until the sessions are "
        "back on track.",
    )


def test_a_load_spike_or_hard_efforts_soften_the_hard_session():
    spike = changes(week(actual=450.0), next_factor=0.9)
    assert spike[0][:4] == (5, "easy", 0.8, "load_spike")
    assert spike[0][4].startswith("Last week's training load was 150 % of the plan")

    efforts = changes(week(hard_efforts=3))  # three hard efforts where one was planned
    assert efforts[0][:4] == (5, "shorten", 0.8, "hard_efforts")
    assert efforts[0][4] == "Last week brought 3 hard efforts: this session is 20 % shorter."

    felt = changes(week(max_effort=9))
    assert felt[0][:4] == (5, "shorten", 0.8, "hard_efforts")


def test_the_long_run_grows_at_most_ten_percent_on_the_longest_recent_one():
    capped = changes(week(), next_factor=1.05)  # 10 km x 1.05 = 10.5 km, longest recent 9 km

    assert capped == [
        (
            7,
            "cap",
            round(9900 / 10500, 3),
            "long_capped",
            "Your long run stays at 9.9 km: at most 10 % more than your longest recent one.",
        )
    ]
    with translation.override("de"):
        german = adaptation.session_reason_text("long_capped", {"km": 9.9, "increase": 10})
    assert "9,9" in german and german != capped[0][4]
    assert changes(week(recent_long_m=9600.0), next_factor=1.05) == []  # 10.5 <= 10.56 km


def test_the_session_model_shortens_a_likely_miss_and_swaps_a_very_likely_one():
    unsure = Odds(0.55)
    assert changes(week(), model=unsure)[0][:4] == (5, "shorten", 0.8, "likely_missed")
    assert unsure.rows == [[1.0, 1.0, 1.0, 1.0, 1.0]]  # compliance, load, factor, change, hard

    assert changes(week(), model=Odds(0.3))[0][:4] == (5, "easy", 0.8, "likely_missed_easy")
    assert changes(week(recent_long_m=10_000.0), model=Odds(0.9)) == []


def test_no_increase_after_low_compliance_and_never_more_than_ten_percent():
    class Greedy:
        sessions = None

        def predict(self, row):
            return 5.0

    learned = adapter.LearnedLoadAdapter()
    learned._model = lambda: Greedy()

    two_of_three = learned.adjust(week(done=2, sessions_planned=3, sessions_skipped=1))
    assert (two_of_three.decision, two_of_three.volume_factor) == ("hold", 1.0)
    full = learned.adjust(week())
    assert (full.decision, full.volume_factor) == ("progress", 1.1)
    # and the long run of that +10 % week is capped to +10 % on the longest recent one
    assert [(s.index, s.action, s.reason) for s in full.sessions] == [(7, "cap", "long_capped")]


def test_the_trained_session_model_expects_less_after_a_poor_week():
    rows, hard_rows, hard_by_week = demo.simulated_plans()
    version = services.load_model_train(rows=rows, hard_rows=hard_rows, hard_by_week=hard_by_week)
    _version, model = services.active_model(kind="load")

    assert version.algorithm == "gradient-boosting + sessions"
    assert version.data_size == {"samples": 1600, "hard_sessions": 1800}
    assert version.metrics["sessions_brier"] < version.metrics["sessions_base_rate_brier"]
    good = model.sessions.done_probability([1.0, 1.0, 1.0, 1.05, 1.0])
    poor = model.sessions.done_probability([0.5, 0.6, 1.25, 0.95, 0.0])
    assert poor < good


def test_offline_the_learned_adapter_misses_fewer_hard_sessions_than_the_rules():
    rows, hard_rows, hard_by_week = demo.simulated_plans()

    result = services.adapters_evaluate(rows=rows, hard_rows=hard_rows, hard_by_week=hard_by_week)

    sessions = result["sessions"]
    assert (result["test_weeks"], sessions["hard"]) == (600, 600)
    # The rules keep every hard session: all the missed ones were planned hard.
    assert sessions["learned_kept_missed"] < sessions["missed"]
    assert sessions["learned_softened_done"] < sessions["learned_softened"] / 2
    assert result["sessions_brier"] < result["sessions_base_rate_brier"]
    assert result["week_mae"]["learned"] <= result["week_mae"]["rules"]


def test_the_evaluation_command_prints_both_adapters(capsys):
    call_command("evaluate_adapters")

    out = capsys.readouterr().out
    assert "rules" in out and "learned" in out
    assert "hard sessions kept, then missed" in out


def test_the_evaluation_command_says_when_stored_plans_are_too_few(capsys):
    call_command("evaluate_adapters", "--stored")

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Too little data to evaluate:")


# --- Through the plan: adaptation, schedule, API --------------------------------------------


@pytest.fixture
def learned(settings, clock):
    rows, hard_rows, hard_by_week = demo.simulated_plans()
    services.load_model_train(rows=rows, hard_rows=hard_rows, hard_by_week=hard_by_week)
    settings.TRAINING_PLAN_ADAPTER = "learned"
    return clock


def test_a_missed_week_turns_next_weeks_intervals_into_an_easy_run(learned, token_client, client):
    user = athlete()
    enrollment = plan_services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY)
    enrollment = enrollment.enrollment
    before = {s.index: s.planned_load for s in enrollment.sessions.filter(week=1)}
    learned.set(datetime(2026, 6, 8, 1, 0, tzinfo=UTC))  # week 1 over, nothing done

    made = plan_services.enrollment_adapt(enrollment=enrollment)

    assert [(a.adapter, a.decision, a.factor_after) for a in made] == [("learned", "reduce", 0.85)]
    week_two = list(plan_selectors.session_list(enrollment=enrollment).filter(week=1))
    intervals = week_two[1]
    assert (intervals.kind, intervals.adjustment, intervals.adjustment_reason) == (
        "easy",
        "easy",
        "missed_sessions",
    )
    assert intervals.adjustment_params == {"done": 0, "planned": 4, "was": "intervals"}
    assert [(s["kind"], s["effort"]) for s in intervals.steps] == [("steady", "easy")]
    assert [s.adjustment for s in week_two] == ["", "easy", "", ""]
    assert all(s.planned_load <= before[s.index] for s in week_two)  # never more
    exported = export_plans(user.pk).data[0]["sessions"][5]
    assert (exported["kind"], exported["adjustment"], exported["adjustment_reason"]) == (
        "easy",
        "easy",
        "missed_sessions",
    )

    text = (
        "You did 0 of 4 sessions last week: this hard session is an easy run instead, to get "
        "back into the rhythm."
    )
    detail = token_client(user).get(f"/api/v1/plans/enrollments/{enrollment.pk}/").json()
    assert detail["adaptations"][0]["sessions"] == [
        {
            "session_id": intervals.pk,
            "date": "2026-06-10",
            "title": "Easy run",
            "adjustment": "easy",
            "adjusted_from": "intervals",
            "reason": "missed_sessions",
            "text": text,
        }
    ]
    listed = token_client(user).get(
        f"/api/v1/plans/enrollments/{enrollment.pk}/sessions/", {"from": "2026-06-10"}
    )
    first = listed.json()["results"][0]
    assert (first["id"], first["adjustment"], first["adjustment_text"]) == (
        intervals.pk,
        "easy",
        text,
    )

    client.force_login(user)
    page = client.get(f"/plans/mine/{enrollment.pk}/?week=2").content.decode()
    assert "Swapped for an easy run (instead of: Intervals):" in page
    assert text.replace("'", "&#x27;") in page


def test_hard_efforts_recorded_in_the_week_shorten_the_next_hard_session(learned, record):
    user = athlete()
    enrollment = plan_services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY)
    enrollment = enrollment.enrollment
    for day, km in ((0, 5), (2, 6), (4, 5), (6, 7)):  # every session of week 1 done, felt hard
        start = datetime(2026, 6, 1, 7, 0, tzinfo=UTC) + timedelta(days=day)
        learned.set(start + timedelta(hours=2))
        record(
            user,
            NormalizedActivity(
                sport="run",
                start_time=start,
                source="manual",
                elapsed_s=km * 360,
                moving_s=km * 360,
                distance_m=km * 1000,
                perceived_effort=9 if day == 2 else 8,
            ),
        )
    learned.set(datetime(2026, 6, 8, 1, 0, tzinfo=UTC))

    plan_services.enrollment_adapt(enrollment=enrollment)

    intervals = enrollment.sessions.get(index=5)
    assert (intervals.kind, intervals.adjustment, intervals.adjustment_reason) == (
        "intervals",
        "shorten",
        "hard_efforts",
    )
    assert intervals.adjustment_params == {"efforts": 4, "cut": 20, "was": "intervals"}


def test_the_hard_session_history_feeds_the_session_model(clock):
    enrollment = plan_services.plan_enroll(owner=athlete(), plan_slug="10k", start_date=MONDAY)
    enrollment = enrollment.enrollment
    clock.set(datetime(2026, 6, 15, 1, 0, tzinfo=UTC))  # two weeks over, nothing done
    plan_services.enrollment_adapt(enrollment=enrollment)  # the rules: no session changes

    assert list(plan_selectors.hard_session_history()) == [(enrollment.pk, 1, "planned")]
    assert plan_selectors.hard_done_by_week()[(enrollment.pk, 0)] == (1, 0)


def test_hard_efforts_are_felt_or_measured_against_the_maximum_heart_rate(clock, record):
    user = athlete()
    start = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    clock.set(start + timedelta(days=3))
    runs = [  # (day, average heart rate, maximum heart rate, perceived effort)
        (0, 145, 158, None),  # easy: 76 % of the default 190
        (1, 160, 178, None),  # zone 4: 84 %
        (2, None, None, 8),  # felt hard, no heart rate
    ]
    for day, avg, top, effort in runs:
        record(
            user,
            NormalizedActivity(
                sport="run",
                start_time=start + timedelta(days=day),
                source="manual",
                elapsed_s=1800,
                moving_s=1800,
                distance_m=5000,
                avg_heart_rate=avg,
                max_heart_rate=top,
                perceived_effort=effort,
            ),
        )
    end = start + timedelta(days=7)

    assert plan_selectors.efforts_between(owner_id=user.pk, start=start, end=end) == (2, 8)
    # Born in 1966: an estimated 208 - 0.7 x 60 = 166, under the 178 recorded on day 1, which
    # becomes the maximum: 145 is 81 % of it, zone 4.
    assert plan_selectors.efforts_between(
        owner_id=user.pk, start=start, end=end, birth_year=1966
    ) == (3, 8)
