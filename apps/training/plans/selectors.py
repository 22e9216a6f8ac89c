"""Reads on plans: an athlete's enrollments, schedule, compliance and what an adapter needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from apps.training.models import Activity, BestEffort
from apps.training.plans import catalog
from apps.training.plans.models import PlanAdaptation, PlanEnrollment, PlanSession


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def local_today(tz_name: str) -> date:
    """Today's date where the athlete lives."""
    return timezone.now().astimezone(zone(tz_name)).date()


def local_day_bounds(day: date, tz_name: str) -> tuple[datetime, datetime]:
    """The instants a local day starts and ends (23 or 25 hours on a clock change)."""
    tz = zone(tz_name)
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def enrollment_list(*, owner) -> QuerySet[PlanEnrollment]:
    return PlanEnrollment.objects.filter(owner=owner).order_by("-created", "-id")


def enrollment_get(*, owner, enrollment_id: int) -> PlanEnrollment | None:
    """The owner's enrollment; another user's is simply not found."""
    return PlanEnrollment.objects.filter(owner=owner, pk=enrollment_id).first()


def enrollment_active(*, owner, plan_slug: str) -> PlanEnrollment | None:
    return PlanEnrollment.objects.filter(
        owner=owner, plan_slug=plan_slug, status=PlanEnrollment.Status.ACTIVE
    ).first()


def enrollment_by_calendar_token(*, token: str) -> PlanEnrollment | None:
    if not token:
        return None
    return (
        PlanEnrollment.objects.filter(calendar_token=token)
        .exclude(status=PlanEnrollment.Status.ABANDONED)
        .select_related("owner")
        .first()
    )


def session_list(
    *, enrollment: PlanEnrollment, start: date | None = None, end: date | None = None
) -> QuerySet[PlanSession]:
    qs = PlanSession.objects.filter(enrollment=enrollment)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return qs.order_by("date", "index")


def session_get(*, enrollment: PlanEnrollment, session_id: int) -> PlanSession | None:
    return PlanSession.objects.filter(enrollment=enrollment, pk=session_id).first()


def week_bounds(*, enrollment: PlanEnrollment, week: int) -> tuple[date, date]:
    first = enrollment.start_date + timedelta(days=7 * week)
    return first, first + timedelta(days=6)


def current_week(*, enrollment: PlanEnrollment) -> int:
    """The plan week of today (0-based), within the plan's weeks."""
    plan = catalog.plan_get(enrollment.plan_slug)
    days = (local_today(enrollment.timezone) - enrollment.start_date).days
    last = plan.weeks - 1 if plan else 0
    return min(max(days // 7, 0), last)


@dataclass(frozen=True)
class Compliance:
    done: int
    due: int

    @property
    def percent(self) -> int | None:
        """Done out of due so far, in per cent; None before the first session is due."""
        return round(100 * self.done / self.due) if self.due else None


def compliance(*, enrollment: PlanEnrollment) -> Compliance:
    """Sessions done out of those due so far: every session before today, and today's once
    done (a session later today is not missed yet). Skipped sessions count as not done."""
    today = local_today(enrollment.timezone)
    Status = PlanSession.Status
    counts = PlanSession.objects.filter(enrollment=enrollment).aggregate(
        done=Count("pk", filter=Q(status=Status.DONE, date__lte=today)),
        due=Count("pk", filter=Q(date__lt=today) | Q(date=today, status=Status.DONE)),
    )
    return Compliance(done=counts["done"], due=counts["due"])


def adaptation_list(*, enrollment: PlanEnrollment) -> QuerySet[PlanAdaptation]:
    return PlanAdaptation.objects.filter(enrollment=enrollment).order_by("-week")


def adjusted_sessions(*, enrollment: PlanEnrollment) -> dict[int, list[PlanSession]]:
    """The sessions the weekly adaptation changed one by one, by plan week (one query)."""
    out: dict[int, list[PlanSession]] = {}
    for session in (
        PlanSession.objects.filter(enrollment=enrollment)
        .exclude(adjustment="")
        .order_by("week", "date", "index")
    ):
        out.setdefault(session.week, []).append(session)
    return out


def enrollments_to_adapt() -> QuerySet[PlanEnrollment]:
    return PlanEnrollment.objects.filter(status=PlanEnrollment.Status.ACTIVE).order_by("pk")


def training_load_between(*, owner_id: int, start: datetime, end: datetime) -> float:
    """Training load of every activity the owner started in [start, end)."""
    total = Activity.objects.filter(
        owner_id=owner_id, start_time__gte=start, start_time__lt=end
    ).aggregate(load=Sum("training_load"))["load"]
    return float(total or 0.0)


HARD_EFFORT = 8  # perceived effort (1-10) from which an activity counts as hard
HARD_HEART_RATE = 0.8  # or an average heart rate in zone 4+ of the maximum heart rate
DEFAULT_MAX_HR = 190.0  # as in apps.training.services, when the age is unknown


def efforts_between(
    *, owner_id: int, start: datetime, end: datetime, birth_year: int | None = None
) -> tuple[int, int | None]:
    """(hard activities, highest perceived effort) of the owner's activities in [start, end):
    hard when felt so (effort 8 of 10 or more) or with an average heart rate in zone 4 or
    above of the maximum heart rate (estimated from the age, or the highest one recorded in
    the last 180 days when that is higher), as training's zones count it."""
    observed = Activity.objects.filter(
        owner_id=owner_id, start_time__gte=end - timedelta(days=180), start_time__lt=end
    ).aggregate(hr=Max("max_heart_rate"))["hr"]
    estimate = 208 - 0.7 * (end.year - birth_year) if birth_year else DEFAULT_MAX_HR
    highest = max(estimate, observed or 0)
    hard = 0
    top: int | None = None
    for heart_rate, effort in Activity.objects.filter(
        owner_id=owner_id, start_time__gte=start, start_time__lt=end
    ).values_list("avg_heart_rate", "perceived_effort"):
        if effort is not None:
            top = max(top or 0, effort)
        if (effort is not None and effort >= HARD_EFFORT) or (
            heart_rate and heart_rate >= HARD_HEART_RATE * highest
        ):
            hard += 1
    return hard, top


def activities_on_day(*, owner_id: int, day: date, tz_name: str) -> QuerySet[Activity]:
    start, end = local_day_bounds(day, tz_name)
    return Activity.objects.filter(
        owner_id=owner_id, start_time__gte=start, start_time__lt=end
    ).order_by("start_time", "pk")


def threshold_pace_s(*, owner) -> int | None:
    """The owner's 10 km pace (s per km) from their fastest 10 km effort, if they have one."""
    best = BestEffort.objects.filter(owner=owner, distance="10k").order_by("elapsed_s").first()
    return round(best.elapsed_s / 10) if best else None


# --- For the recommendations app (features and training data) ---------------------------------


def enrollment_history(*, since: datetime | None = None) -> QuerySet:
    """(owner_id, plan_slug, created) of every enrollment, oldest first: who follows what."""
    qs = PlanEnrollment.objects.all()
    if since is not None:
        qs = qs.filter(created__gte=since)
    return qs.order_by("created", "pk").values_list("owner_id", "plan_slug", "created")


def hard_session_history() -> QuerySet:
    """(enrollment_id, week, status) of every past hard session (intervals, tempo) of a week that
    was adapted, in order: did athletes do the hard session after such a week? The session
    model's training data (sessions already swapped for an easy run are not hard any more)."""
    adapted = PlanAdaptation.objects.filter(
        enrollment_id=models.OuterRef("enrollment_id"), week=models.OuterRef("week")
    )
    return (
        PlanSession.objects.filter(kind__in=("intervals", "tempo"))
        .filter(models.Exists(adapted))
        .filter(date__lt=timezone.localdate())
        .order_by("enrollment_id", "week", "index")
        .values_list("enrollment_id", "week", "status")
    )


def hard_done_by_week() -> dict[tuple[int, int], tuple[int, int]]:
    """(enrollment_id, week) -> (hard sessions planned, done), over every enrollment."""
    rows = (
        PlanSession.objects.filter(kind__in=("intervals", "tempo"))
        .values("enrollment_id", "week")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=PlanSession.Status.DONE)))
        .order_by()
    )
    return {(r["enrollment_id"], r["week"]): (r["n"], r["done"]) for r in rows}


def adaptation_history() -> QuerySet:
    """Every adapted week, per enrollment in week order (enrollment_id, week, compliance,
    planned_load, actual_load, factor_before, factor_after): the load model's training data."""
    return PlanAdaptation.objects.order_by("enrollment_id", "week").values_list(
        "enrollment_id",
        "week",
        "compliance",
        "planned_load",
        "actual_load",
        "factor_before",
        "factor_after",
    )
