"""Demo challenges running now (this month's distance, this month's climbing, a streak this
week) with the demo athletes joined, so the pages show progress bars part way."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.challenges import services
from apps.challenges.models import Challenge
from apps.core import demo

DEMO_EMAILS = ("anna@stride.local", "ivan@stride.local", "maya@stride.local")


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
