"""Demo challenges running now (this month's distance, this month's climbing, a streak this
week) with the demo athletes joined, so the pages show progress bars part way; and a new
challenge tried out as an experiment (listed to half of the people first): the demo athletes
open the challenge list once (their exposure) and those it is listed to join (the conversion),
so the experiment's results page in the admin has real rows."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.challenges import selectors, services
from apps.challenges.models import Challenge
from apps.core import analytics, demo
from apps.experiments import selectors as experiment_selectors
from apps.experiments import services as experiment_services

DEMO_EMAILS = ("anna@stride.local", "ivan@stride.local", "maya@stride.local")
EXPERIMENT = "challenge-hill-repeats"  # variants: "control" (not listed) and "listed"


def _challenges() -> list[Challenge]:
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    monday = today - timedelta(days=today.weekday())
    specs = [
        (
            f"demo-run-150k-{first:%Y-%m}",
            "distance",
            150_000,
            "run",
            first,
            last,
            {
                "en": "Run 150 km this month",
                "ru": "150 км бегом за месяц",
                "de": "150 km Laufen in diesem Monat",
            },
        ),
        (
            f"demo-climb-2000-{first:%Y-%m}",
            "elevation",
            2000,
            "",
            first,
            last,
            {
                "en": "Climb 2,000 m this month",
                "ru": "Набор 2000 м за месяц",
                "de": "2.000 Höhenmeter in diesem Monat",
            },
        ),
        (
            f"demo-streak-{monday:%Y-%m-%d}",
            "streak",
            5,
            "",
            monday,
            monday + timedelta(days=6),
            {"en": "Five days in a row", "ru": "Пять дней подряд", "de": "Fünf Tage am Stück"},
        ),
    ]
    out = []
    for slug, metric, target, sport, start, end, title in specs:
        challenge, _created = Challenge.objects.update_or_create(
            slug=slug,
            defaults={
                "metric": metric,
                "target": target,
                "sport": sport,
                "start_date": start,
                "end_date": end,
                "title": title,
                "points": 50,
            },
        )
        out.append(challenge)
    return out


@demo.register(order=50)
def seed_challenges() -> list[str]:
    challenges = _challenges()
    lines = []
    for user in get_user_model().objects.filter(email__in=DEMO_EMAILS):
        for challenge in challenges:
            services.challenge_join(challenge=challenge, user=user)
        lines.append(f"{user.email}: in {len(challenges)} demo challenges")
    return lines


def _experiment_challenge() -> Challenge:
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    challenge, _created = Challenge.objects.update_or_create(
        slug=f"demo-hill-repeats-{first:%Y-%m}",
        defaults={
            "metric": "elevation",
            "target": 1000,
            "sport": "run",
            "start_date": first,
            "end_date": last,
            "title": {
                "en": "Hill repeats: 1,000 m up this month",
                "ru": "Повторы в горку: 1000 м набора за месяц",
                "de": "Bergsprints: 1.000 Höhenmeter in diesem Monat",
            },
            "points": 50,
            "experiment": EXPERIMENT,
            "variant": "listed",
        },
    )
    return challenge


@demo.register(order=51)
def seed_challenge_experiment() -> list[str]:
    experiment_services.experiment_ensure(
        key=EXPERIMENT,
        name="New challenge: hill repeats, listed to half of the people first",
        variants=[("control", 50), ("listed", 50)],
    )
    challenge = _experiment_challenge()
    lines = []
    for user in get_user_model().objects.filter(email__in=DEMO_EMAILS).order_by("email"):
        variant = experiment_selectors.assigned_variant(experiment_key=EXPERIMENT, user_id=user.pk)
        if variant is None:  # first run: they open the challenge list (the exposure)
            services.challenge_list_for(user=user)
            variant = experiment_selectors.assigned_variant(
                experiment_key=EXPERIMENT, user_id=user.pk
            )
        listed = (
            selectors.challenge_list(user=user, variants={EXPERIMENT: variant})
            .filter(pk=challenge.pk)
            .exists()
        )
        if listed:  # it is listed to them: they join (the conversion)
            services.challenge_join(challenge=challenge, user=user)
        lines.append(f"{EXPERIMENT}: {user.email} in {variant}, joined: {listed}")
    analytics.flush()  # the exposures, written when the demo transaction commits
    return lines
