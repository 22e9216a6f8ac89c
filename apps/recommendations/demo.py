"""Demo data: a synthetic population of 300 athletes with hidden tastes (apps.recommendations.
synthetic), their interaction histories over 180 days, the recommender A/B experiment, and a
first trained version of every model. The synthetic people are numbered profiles, not
accounts, kept apart from the named demo users; they also interact with the real catalog
(plans, challenges, products), so the demo users' "For you" has collaborative signal. Quick
(bulk inserts) and idempotent."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from apps.core import demo
from apps.experiments import services as experiment_services
from apps.recommendations import selectors, services, synthetic
from apps.recommendations.models import (
    ACTION_WEIGHTS,
    AthleteProfile,
    Interaction,
    Item,
    Kind,
)

POPULATION = 300
SESSIONS_A_WEEK = 4  # in the simulated plans, one of them hard
STRONG_ACTION = {Kind.WORKOUTS: "enrolled", Kind.CHALLENGES: "join", Kind.PRODUCTS: "buy"}


def real_items() -> dict[str, list[tuple[str, str, str, int]]]:
    """(key, title, sport, level) of the real catalog, read through the apps' selectors."""
    from apps.challenges import selectors as challenge_selectors
    from apps.gear import selectors as gear_selectors
    from apps.training.plans import catalog

    items: dict[str, list[tuple[str, str, str, int]]] = {k: [] for k in Kind.values}
    for plan in catalog.PLANS.values():
        items[Kind.WORKOUTS].append(
            (
                f"plan:{plan.slug}",
                str(plan.name),
                plan.sport,
                selectors.PLAN_LEVELS.get(plan.slug, 1),
            )
        )
    for challenge in challenge_selectors.challenge_list(user=None):
        items[Kind.CHALLENGES].append(
            (f"challenge:{challenge.pk}", challenge.title_text, challenge.sport or "", 1)
        )
    for product in gear_selectors.product_list()[: selectors.MAX_PRODUCT_CANDIDATES]:
        items[Kind.PRODUCTS].append(
            (
                f"product:{product.pk}",
                product.name,
                selectors.CATEGORY_SPORTS.get(product.category, "other"),
                1,
            )
        )
    return items


def seed_population(*, people: int = POPULATION, seed: int = 42) -> int:
    """Create the synthetic population (profiles, items, interactions); returns its size.
    The people are numbered profiles (`person`), not accounts: nobody can sign in as one, and
    no other app ever sees them."""
    real = real_items()
    population = synthetic.generate(people=people, seed=seed, extra_items=real)
    now = timezone.now()
    with transaction.atomic():
        AthleteProfile.objects.bulk_create(
            [
                AthleteProfile(
                    person=p.index + 1,
                    country=p.country,
                    sport_shares=p.sport_shares,
                    level=float(p.level),
                    synthetic=True,
                )
                for p in population.people
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        titles = {key: title for rows in real.values() for key, title, _s, _l in rows}
        Item.objects.bulk_create(
            [
                Item(
                    kind=i.kind,
                    key=i.key,
                    title=titles.get(i.key, i.key)[:200],
                    sport=i.sport,
                    level=i.level,
                    synthetic=i.key.startswith("synth:"),
                )
                for i in population.items
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        rows = []
        for person_index, kind, key, weight, seconds_ago in population.events:
            action = STRONG_ACTION[kind] if weight >= 2 else "click"
            rows.append(
                Interaction(
                    person=person_index + 1,
                    kind=kind,
                    item_key=key,
                    action=action,
                    weight=weight if action == "click" else ACTION_WEIGHTS[action],
                    occurred_at=now - timedelta(seconds=seconds_ago),
                )
            )
        Interaction.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(population.people)


def simulated_plans(
    *, enrollments: int = 200, weeks: int = 10, seed: int = 7
) -> tuple[list[tuple], list[tuple], dict[tuple[int, int], tuple[int, int]]]:
    """Plan weeks as plans store them, for athletes with a hidden capacity: those who are asked
    for more than they can absorb skip sessions and overshoot the load, and miss the week's
    hard session more often (the more so after a week they did not finish).

    Returns (adaptation rows, hard sessions, hard sessions per week) in the shapes of
    `selectors.load_history()` and `selectors.hard_session_history()`: the row of week w's
    outcome is the adaptation of week w + 1, and each week has one hard session."""
    rng = np.random.default_rng(seed)
    hard_rng = np.random.default_rng(seed + 1000)
    rows, hard_rows, hard_by_week = [], [], {}
    for enrollment in range(enrollments):
        enrollment_id = -(enrollment + 1)
        capacity = rng.uniform(0.85, 1.35)
        factor = 1.0
        previous_compliance = 1.0
        for week in range(weeks):
            strain = factor / capacity
            chance = float(np.clip(1.0 - 0.9 * max(0, strain - 0.95) + rng.normal(0, 0.03), 0, 1))
            compliance = rng.binomial(SESSIONS_A_WEEK, chance) / SESSIONS_A_WEEK  # done of 4
            planned = 300.0 * factor
            actual = (
                planned
                * compliance
                * float(np.clip(1 + 0.5 * max(0, strain - 1) + rng.normal(0, 0.05), 0.3, 2))
            )
            after = float(np.clip(factor * (1.05 if compliance > 0.9 else 0.95), 0.6, 1.3))
            rows.append((enrollment_id, week + 1, compliance, planned, actual, factor, after))
            hard_done = hard_rng.random() < np.clip(
                1.0
                - 1.6 * max(0.0, strain - 0.95)
                - 1.2 * max(0.0, 0.9 - previous_compliance)
                + hard_rng.normal(0, 0.05),
                0.05,
                0.97,
            )
            hard_by_week[(enrollment_id, week)] = (1, int(hard_done))
            if week:
                hard_rows.append((enrollment_id, week, "done" if hard_done else "skipped"))
            previous_compliance = compliance
            factor = after
    return rows, hard_rows, hard_by_week


def simulated_plan_weeks(*, enrollments: int = 200, weeks: int = 10, seed: int = 7) -> list[tuple]:
    """The adaptation rows of `simulated_plans`."""
    return simulated_plans(enrollments=enrollments, weeks=weeks, seed=seed)[0]


@demo.register(order=90)
def seed_recommendations() -> list[str]:
    made = 0
    if not AthleteProfile.objects.filter(synthetic=True).exists():
        made = seed_population()
    experiment_services.experiment_ensure(
        key=services.EXPERIMENT,
        name="Recommender A/B: hybrid model vs most popular",
        variants=[("hybrid", 50), ("popular", 50)],
    )
    services.history_sync()
    trained = []
    for kind in Kind.values:
        if selectors.active_version(kind=kind) is None and services.recommender_train(kind=kind):
            trained.append(kind)
    load = selectors.active_version(kind="load")
    if load is None or "sessions_brier" not in load.metrics:  # older demo: no session model
        rows, hard_rows, hard_by_week = simulated_plans()
        if services.load_model_train(rows=rows, hard_rows=hard_rows, hard_by_week=hard_by_week):
            trained.append("load")
    lines = []
    if made:
        lines.append(f"Recommendations: {made} synthetic athletes (profiles, no accounts) seeded")
    if trained:
        lines.append(f"Recommendations: trained {', '.join(trained)}")
    return lines
