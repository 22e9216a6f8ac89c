"""The plan templates: structured, complete, and in the reader's language."""

import pytest
from django.utils import translation

from apps.training.plans import catalog


def test_the_four_plans_and_their_shape():
    shapes = {
        slug: (plan.sport, plan.weeks, plan.days, len(plan.sessions))
        for slug, plan in catalog.PLANS.items()
    }

    assert shapes == {
        "first-5k": ("run", 8, 55, 24),
        "10k": ("run", 8, 56, 32),
        "half-marathon": ("run", 12, 84, 48),
        "yoga-30-days": ("yoga", 5, 30, 30),
    }


@pytest.mark.parametrize(
    ("slug", "distance"), [("first-5k", 5000), ("10k", 10_000), ("half-marathon", 21_097.5)]
)
def test_running_plans_end_with_the_race_on_their_last_day(slug, distance):
    plan = catalog.PLANS[slug]
    last = plan.sessions[-1]

    assert (
        last.kind,
        last.day,
        catalog.session_targets(catalog.session_steps(last)).distance_m,
    ) == (
        "race",
        plan.days - 1,
        distance,
    )


def test_an_interval_session_is_warm_up_intervals_recovery_cool_down_with_targets():
    session = catalog.PLANS["10k"].sessions[1]

    steps = catalog.session_steps(session, threshold_pace_s=300)

    assert [(s["kind"], s["repeat"], s["duration_s"], s["distance_m"]) for s in steps] == [
        ("warmup", 1, 900, None),
        ("interval", 5, None, 400),
        ("recovery", 5, 90, None),
        ("cooldown", 1, 600, None),
    ]
    assert [s["hr_zone"] for s in steps] == [2, 4, 1, 2]
    assert [s["pace_s_per_km"] for s in steps] == [375, 288, 435, 375]


def test_without_a_known_10k_time_targets_are_heart_rate_zones_only():
    steps = catalog.session_steps(catalog.PLANS["10k"].sessions[1])

    assert {s["pace_s_per_km"] for s in steps} == {None}
    assert catalog.describe_step(steps[1]) == "Interval: 5 × 400 m, hard, heart-rate zone 4"


def test_yoga_sessions_have_a_duration_and_a_focus():
    plan = catalog.PLANS["yoga-30-days"]
    first, last = plan.sessions[0], plan.sessions[-1]

    assert (first.day, first.focus, last.day, last.focus) == (0, "breath", 29, "relaxation")
    assert catalog.session_targets(catalog.session_steps(first)).duration_s == 18 * 60
    assert catalog.session_targets(catalog.session_steps(last)).duration_s == 33 * 60
    assert catalog.session_title("yoga", "balance") == "Yoga: Balance"


def test_the_volume_factor_scales_the_main_part_only():
    easy, intervals = catalog.PLANS["10k"].sessions[0], catalog.PLANS["10k"].sessions[1]

    assert catalog.session_steps(easy, factor=1.05)[0]["distance_m"] == 5300
    scaled = catalog.session_steps(intervals, factor=1.25)
    assert [s["duration_s"] or s["distance_m"] for s in scaled] == [900, 500, 120, 600]
    race = catalog.PLANS["10k"].sessions[-1]
    assert catalog.session_steps(race, factor=0.8)[0]["distance_m"] == 10_000


@pytest.mark.parametrize(
    ("language", "name", "line"),
    [
        ("ru", "10 км", "Интервал: 5 × 400 м, интенсивно, пульсовая зона 4"),
        ("de", "10 km", "Intervall: 5 × 400 m, hart, Herzfrequenzzone 4"),
    ],
)
def test_plans_read_in_russian_and_german(language, name, line):
    step = catalog.session_steps(catalog.PLANS["10k"].sessions[1])[1]

    with translation.override(language):
        assert (str(catalog.PLANS["10k"].name), catalog.describe_step(step)) == (name, line)
