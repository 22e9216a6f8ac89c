"""Progress: totals per period and sport against the period before, and fitness, fatigue and
form from the training load (the impulse-response model of Banister, as exponentially weighted
averages: fitness over 42 days, fatigue over 7, form = fitness - fatigue).

Dates are the owner's local dates (their profile's time zone); a week starts on Monday. Each
figure is one aggregate query, whatever the number of activities."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, TruncDate

from apps.accounts import selectors as accounts_selectors
from apps.training.models import Activity

FITNESS_DAYS = 42
FATIGUE_DAYS = 7
PERIODS = ("week", "month", "year")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    def previous(self, kind: str) -> Period:
        if kind == "week":
            return Period(self.start - timedelta(days=7), self.start)
        if kind == "month":
            prev_end = self.start
            prev_start = (prev_end - timedelta(days=1)).replace(day=1)
            return Period(prev_start, prev_end)
        return Period(self.start.replace(year=self.start.year - 1), self.start)


def period_containing(day: date, kind: str) -> Period:
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period(start, start + timedelta(days=7))
    if kind == "month":
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        return Period(start, end)
    if kind == "year":
        return Period(day.replace(month=1, day=1), day.replace(year=day.year + 1, month=1, day=1))
    raise ValueError(kind)


def _zone(owner) -> ZoneInfo:
    try:
        return ZoneInfo(accounts_selectors.profile_for(user=owner).timezone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _bounds(period: Period, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(period.start, time.min, tzinfo=tz),
        datetime.combine(period.end, time.min, tzinfo=tz),
    )


def totals(*, owner, period: Period, tz: ZoneInfo) -> list[dict]:
    """Per sport: number of activities, distance, moving time, climb and load in the period."""
    start, end = _bounds(period, tz)
    rows = (
        Activity.objects.filter(owner=owner, start_time__gte=start, start_time__lt=end)
        .values("sport")
        .annotate(
            count=Count("id"),
            distance_m=Coalesce(Sum("distance_m"), 0.0),
            moving_s=Coalesce(Sum("moving_s"), 0),
            elevation_gain_m=Coalesce(Sum("elevation_gain_m"), 0.0),
            load=Coalesce(Sum("training_load"), 0.0),
        )
        .order_by("-distance_m", "sport")
    )
    return [
        {**row, "distance_m": round(row["distance_m"], 1), "load": round(row["load"], 1)}
        for row in rows
    ]


def daily_load(*, owner, start: date, end: date, tz: ZoneInfo) -> dict[date, float]:
    lo, hi = _bounds(Period(start, end), tz)
    rows = (
        Activity.objects.filter(owner=owner, start_time__gte=lo, start_time__lt=hi)
        .annotate(day=TruncDate("start_time", tzinfo=tz))
        .values("day")
        .annotate(load=Sum(F("training_load")))
    )
    return {row["day"]: row["load"] or 0.0 for row in rows}


def fitness_curve(*, owner, today: date, days: int, tz: ZoneInfo) -> list[dict]:
    """Fitness, fatigue and form for each of the last `days` days, warmed up on the history
    before them (three fitness time constants, so the start of the curve is already settled)."""
    warmup = 3 * FITNESS_DAYS
    first = today - timedelta(days=days + warmup - 1)
    loads = daily_load(owner=owner, start=first, end=today + timedelta(days=1), tz=tz)
    k_fit = 1 - math.exp(-1 / FITNESS_DAYS)
    k_fat = 1 - math.exp(-1 / FATIGUE_DAYS)
    fitness = fatigue = 0.0
    out = []
    for i in range(days + warmup):
        day = first + timedelta(days=i)
        load = loads.get(day, 0.0)
        fitness += (load - fitness) * k_fit
        fatigue += (load - fatigue) * k_fat
        if i >= warmup:
            out.append(
                {
                    "date": day,
                    "load": round(load, 1),
                    "fitness": round(fitness, 1),
                    "fatigue": round(fatigue, 1),
                    "form": round(fitness - fatigue, 1),
                }
            )
    return out


def weekly_distance(*, owner, today: date, weeks: int, tz: ZoneInfo) -> list[dict]:
    """Distance and time per week for the last `weeks` weeks (for the dashboard's bars)."""
    this_week = period_containing(today, "week")
    first = this_week.start - timedelta(days=7 * (weeks - 1))
    lo, hi = _bounds(Period(first, this_week.end), tz)
    rows = (
        Activity.objects.filter(owner=owner, start_time__gte=lo, start_time__lt=hi)
        .annotate(day=TruncDate("start_time", tzinfo=tz))
        .values("day")
        .annotate(distance=Coalesce(Sum("distance_m"), 0.0), moving=Coalesce(Sum("moving_s"), 0))
    )
    buckets = {first + timedelta(days=7 * i): [0.0, 0] for i in range(weeks)}
    for row in rows:
        week = row["day"] - timedelta(days=row["day"].weekday())
        if week in buckets:
            buckets[week][0] += row["distance"]
            buckets[week][1] += row["moving"]
    return [
        {"week": week, "distance_m": round(d, 1), "moving_s": m} for week, (d, m) in buckets.items()
    ]


def summary(*, owner, kind: str, today: date | None = None) -> dict:
    tz = _zone(owner)
    today = today or datetime.now(tz).date()
    current = period_containing(today, kind)
    previous = current.previous(kind)
    return {
        "period": kind,
        "start": current.start,
        "end": current.end - timedelta(days=1),
        "totals": totals(owner=owner, period=current, tz=tz),
        "previous": {
            "start": previous.start,
            "end": previous.end - timedelta(days=1),
            "totals": totals(owner=owner, period=previous, tz=tz),
        },
        "curve": fitness_curve(owner=owner, today=today, days=90, tz=tz),
        "weeks": weekly_distance(owner=owner, today=today, weeks=12, tz=tz),
    }
