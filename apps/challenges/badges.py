"""The rules of the badge catalog: `criterion` of a Badge names one of RULES, called with the
person, the badge's threshold and their counted activities. Each reads summaries or one
indexed query, so evaluating the catalog after every activity stays cheap."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.db.models import QuerySet, Sum

from apps.challenges.models import ActivityContribution, LeaderboardEntry, Period
from apps.training import selectors as training_selectors


def longest_streak(days: Iterable[date]) -> int:
    best = run = 0
    previous = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best


def _single_distance(user, threshold: float, counted: QuerySet) -> bool:
    return counted.filter(distance_m__gte=threshold).exists()


def _month_distance(user, threshold: float, counted: QuerySet) -> bool:
    best = (
        LeaderboardEntry.objects.filter(user=user, period=Period.MONTH)
        .values("period_start")
        .annotate(total=Sum("distance_m"))
        .order_by("-total")
        .values_list("total", flat=True)
        .first()
    )
    return (best or 0) >= threshold


def _streak(user, threshold: float, counted: QuerySet) -> bool:
    days = ActivityContribution.objects.filter(user=user).values_list("local_date", flat=True)
    return longest_streak(days) >= threshold


def _personal_record(user, threshold: float, counted: QuerySet) -> bool:
    return bool(training_selectors.personal_records(owner=user))


RULES: dict[str, Callable[[object, float, QuerySet], bool]] = {
    "single_distance": _single_distance,
    "month_distance": _month_distance,
    "streak": _streak,
    "personal_record": _personal_record,
}
