"""Writes on plans: enrolling, completing sessions from activities, skipping, moving, the weekly
adaptation and the calendar token."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts import selectors as accounts_selectors
from apps.training.models import Activity
from apps.training.plans import adaptation, catalog, selectors
from apps.training.plans.exceptions import (
    DayTaken,
    EnrollmentInvalid,
    EnrollmentNotActive,
    PlanNotFound,
    RescheduleInvalid,
    SessionNotPlanned,
)
from apps.training.plans.models import PlanAdaptation, PlanEnrollment, PlanSession

MAX_DAYS_AHEAD = 366  # a plan starts (or a race is) within a year

# Which activities count for a session, and how close to its target they must be: a little
# short still counts (a GPS trimming a corner, a shorter loop), much longer still counts (the
# athlete did the session and more), a different workout does not.
SPORTS_FOR_SESSION = {"run": {"run", "trail_run"}, "yoga": {"yoga"}}
DISTANCE_TOLERANCE = (0.8, 1.6)
DURATION_TOLERANCE = (0.7, 2.0)


@dataclass
class Enrolled:
    enrollment: PlanEnrollment
    created: bool  # False: the athlete was already enrolled in this plan


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _session_rows(enrollment: PlanEnrollment, plan: catalog.PlanTemplate) -> list[PlanSession]:
    rows = []
    for index, template in enumerate(plan.sessions):
        steps = catalog.session_steps(template, threshold_pace_s=enrollment.threshold_pace_s)
        targets = catalog.session_targets(steps, threshold_pace_s=enrollment.threshold_pace_s)
        day = enrollment.start_date + timedelta(days=template.day)
        rows.append(
            PlanSession(
                enrollment=enrollment,
                index=index,
                week=template.week,
                date=day,
                planned_date=day,
                sport=template.sport,
                kind=template.kind,
                focus=template.focus,
                steps=steps,
                target_distance_m=targets.distance_m,
                target_duration_s=targets.duration_s,
                planned_load=targets.load,
            )
        )
    return rows


def _first_day(
    plan: catalog.PlanTemplate, today: date, start_date: date | None, race_date: date | None
) -> date:
    if start_date is not None and race_date is not None:
        raise EnrollmentInvalid(_("Give either a first day or a race day, not both."))
    latest = today + timedelta(days=MAX_DAYS_AHEAD)
    if race_date is not None:
        first = race_date - timedelta(days=plan.days - 1)
        if first < today:
            earliest = today + timedelta(days=plan.days - 1)
            message = _(
                "This plan takes %(days)d days: the earliest race day it can lead to is %(date)s."
            ) % {"days": plan.days, "date": date_format(earliest)}
            raise EnrollmentInvalid(fields={"race_date": [message]})
        if race_date > latest:
            raise EnrollmentInvalid(fields={"race_date": [_("Choose a race within a year.")]})
        return first
    first = start_date or today
    if first < today:
        raise EnrollmentInvalid(fields={"start_date": [_("The first day cannot be in the past.")]})
    if first > latest:
        raise EnrollmentInvalid(fields={"start_date": [_("Choose a first day within a year.")]})
    return first


def plan_enroll(
    *, owner, plan_slug: str, start_date: date | None = None, race_date: date | None = None
) -> Enrolled:
    """Enroll in a plan from a first day (today if none) or back from a race day, dated in the
    owner's time zone. Enrolling again in a plan that is still active returns that one."""
    plan = catalog.plan_get(plan_slug)
    if plan is None:
        raise PlanNotFound()
    existing = selectors.enrollment_active(owner=owner, plan_slug=plan_slug)
    if existing is not None:
        return Enrolled(existing, created=False)
    tz_name = accounts_selectors.profile_for(user=owner).timezone or "UTC"
    first = _first_day(plan, selectors.local_today(tz_name), start_date, race_date)
    try:
        with transaction.atomic():
            enrollment = PlanEnrollment.objects.create(
                owner=owner,
                plan_slug=plan_slug,
                start_date=first,
                race_date=race_date if plan.sport == "run" else None,
                timezone=tz_name,
                threshold_pace_s=selectors.threshold_pace_s(owner=owner)
                if plan.sport == "run"
                else None,
                calendar_token=_new_token(),
            )
            PlanSession.objects.bulk_create(_session_rows(enrollment, plan))
    except IntegrityError:  # a concurrent enroll of the same plan won
        existing = selectors.enrollment_active(owner=owner, plan_slug=plan_slug)
        if existing is None:
            raise
        return Enrolled(existing, created=False)
    # Activities already recorded today count for today's session.
    _match_day(enrollment=enrollment, day=first)
    return Enrolled(enrollment, created=True)


@transaction.atomic
def enrollment_abandon(*, enrollment: PlanEnrollment) -> PlanEnrollment:
    """Stop following a plan; its history stays. Stopping a stopped plan changes nothing."""
    if enrollment.status == PlanEnrollment.Status.ACTIVE:
        enrollment.status = PlanEnrollment.Status.ABANDONED
        enrollment.ended_at = timezone.now()
        enrollment.save(update_fields=["status", "ended_at", "modified"])
    return enrollment


@transaction.atomic
def calendar_token_regenerate(*, enrollment: PlanEnrollment) -> PlanEnrollment:
    """A new private calendar address; the old one stops working at once."""
    enrollment.calendar_token = _new_token()
    enrollment.save(update_fields=["calendar_token", "modified"])
    return enrollment


def _editable(session: PlanSession) -> None:
    if session.enrollment.status != PlanEnrollment.Status.ACTIVE:
        raise EnrollmentNotActive()
    if session.status != PlanSession.Status.PLANNED:
        raise SessionNotPlanned()


@transaction.atomic
def session_skip(*, session: PlanSession) -> PlanSession:
    """Mark a planned session as skipped: it counts as not done."""
    _editable(session)
    session.status = PlanSession.Status.SKIPPED
    session.save(update_fields=["status"])
    return session


def session_reschedule(*, session: PlanSession, new_date: date) -> PlanSession:
    """Move a planned session to another day of the same plan week, today or later, on which
    this plan has no other session."""
    _editable(session)
    if new_date == session.date:
        return session
    enrollment = session.enrollment
    first, last = selectors.week_bounds(enrollment=enrollment, week=session.week)
    if not first <= new_date <= last:
        message = _("Choose a day of the same plan week, %(first)s to %(last)s.") % {
            "first": date_format(first),
            "last": date_format(last),
        }
        raise RescheduleInvalid(fields={"date": [message]})
    if new_date < selectors.local_today(enrollment.timezone):
        raise RescheduleInvalid(fields={"date": [_("That day has passed.")]})
    taken = (
        PlanSession.objects.filter(enrollment=enrollment, date=new_date)
        .exclude(status=PlanSession.Status.SKIPPED)
        .exclude(pk=session.pk)
    )
    if taken.exists():
        raise DayTaken()
    try:
        with transaction.atomic():
            session.date = new_date
            session.save(update_fields=["date"])
    except IntegrityError as exc:  # a concurrent move took the day
        raise DayTaken() from exc
    _match_day(enrollment=enrollment, day=new_date)
    session.refresh_from_db()
    return session


# --- Completion from activities ---------------------------------------------------------------


def _fit(session: PlanSession, activity: Activity) -> float | None:
    """How far the activity is from the session's target (0 is exact); None if it does not
    count for the session."""
    if activity.sport not in SPORTS_FOR_SESSION.get(session.sport, ()):
        return None
    if session.target_distance_m:
        if not activity.distance_m:
            return None
        ratio = activity.distance_m / session.target_distance_m
        low, high = DISTANCE_TOLERANCE
    else:
        ratio = activity.moving_s / max(session.target_duration_s, 1)
        low, high = DURATION_TOLERANCE
    return abs(1 - ratio) if low <= ratio <= high else None


def _complete(session: PlanSession, activity: Activity) -> bool:
    """Mark the session done by the activity, unless something else got there first."""
    try:
        with transaction.atomic():
            changed = PlanSession.objects.filter(
                pk=session.pk, status=PlanSession.Status.PLANNED
            ).update(
                status=PlanSession.Status.DONE,
                activity=activity,
                completed_by_activity_id=activity.pk,
                completed_at=timezone.now(),
            )
    except IntegrityError:  # the activity completes another session already
        return False
    return bool(changed)


def session_complete_for_activity(*, activity_id: int) -> PlanSession | None:
    """Complete the planned session the activity fits, on the activity's day in the plan's
    time zone. Safe to repeat: an activity completes at most one session."""
    done = PlanSession.objects.filter(completed_by_activity_id=activity_id).first()
    if done is not None:
        return done
    activity = Activity.objects.filter(pk=activity_id).first()
    if activity is None:
        return None
    best: tuple[float, PlanSession] | None = None
    enrollments = PlanEnrollment.objects.filter(
        owner_id=activity.owner_id, status=PlanEnrollment.Status.ACTIVE
    )
    for enrollment in enrollments:
        day = activity.start_time.astimezone(selectors.zone(enrollment.timezone)).date()
        candidates = PlanSession.objects.filter(
            enrollment=enrollment, date=day, status=PlanSession.Status.PLANNED
        )
        for session in candidates:
            distance = _fit(session, activity)
            if distance is not None and (best is None or distance < best[0]):
                best = (distance, session)
    if best is None or not _complete(best[1], activity):
        return None
    return PlanSession.objects.get(pk=best[1].pk)


def _match_day(*, enrollment: PlanEnrollment, day: date) -> None:
    """Let the activities of a day complete the sessions of that day they fit."""
    activities = selectors.activities_on_day(
        owner_id=enrollment.owner_id, day=day, tz_name=enrollment.timezone
    )
    for activity in activities:
        session_complete_for_activity(activity_id=activity.pk)


def session_recheck_for_updated_activity(*, activity_id: int) -> PlanSession | None:
    """A corrected activity (another sport, say) may no longer fit the session it completed,
    or may now fit one. Safe to repeat."""
    done = PlanSession.objects.filter(completed_by_activity_id=activity_id).first()
    activity = Activity.objects.filter(pk=activity_id).first()
    if done is not None and (activity is None or _fit(done, activity) is None):
        session_reopen_for_deleted_activity(activity_id=activity_id)
        return session_complete_for_activity(activity_id=activity_id)
    return done or session_complete_for_activity(activity_id=activity_id)


def session_reopen_for_deleted_activity(*, activity_id: int) -> list[PlanSession]:
    """A deleted activity no longer completes its session: reopen it, and let another activity
    of that day complete it if one fits. Safe to repeat."""
    reopened = []
    for session in PlanSession.objects.filter(completed_by_activity_id=activity_id).select_related(
        "enrollment"
    ):
        PlanSession.objects.filter(pk=session.pk, completed_by_activity_id=activity_id).update(
            status=PlanSession.Status.PLANNED,
            activity=None,
            completed_by_activity_id=None,
            completed_at=None,
        )
        if session.enrollment.status == PlanEnrollment.Status.ACTIVE:
            _match_day(enrollment=session.enrollment, day=session.date)
        reopened.append(PlanSession.objects.get(pk=session.pk))
    return reopened


# --- Weekly adaptation ----------------------------------------------------------------------


def _week_summary(
    enrollment: PlanEnrollment, plan: catalog.PlanTemplate, week: int, factor: float
) -> adaptation.WeekSummary:
    sessions = list(PlanSession.objects.filter(enrollment=enrollment, week=week))
    first, last = selectors.week_bounds(enrollment=enrollment, week=week)
    start, _end = selectors.local_day_bounds(first, enrollment.timezone)
    _start, end = selectors.local_day_bounds(last, enrollment.timezone)
    Status = PlanSession.Status
    hard_efforts, max_effort = selectors.efforts_between(
        owner_id=enrollment.owner_id,
        start=start,
        end=end,
        birth_year=accounts_selectors.profile_for(user=enrollment.owner).birth_year,
    )
    return adaptation.WeekSummary(
        enrollment_id=enrollment.pk,
        owner_id=enrollment.owner_id,
        plan_slug=enrollment.plan_slug,
        week=week,
        sessions_planned=len(sessions),
        sessions_done=sum(s.status == Status.DONE for s in sessions),
        sessions_skipped=sum(s.status == Status.SKIPPED for s in sessions),
        planned_load=round(sum(s.planned_load for s in sessions), 1),
        actual_load=round(
            selectors.training_load_between(owner_id=enrollment.owner_id, start=start, end=end), 1
        ),
        volume_factor=factor,
        planned_volume=catalog.week_volume(
            plan, week, threshold_pace_s=enrollment.threshold_pace_s
        ),
        next_planned_volume=catalog.week_volume(
            plan, week + 1, threshold_pace_s=enrollment.threshold_pace_s
        ),
        hard_planned=sum(s.kind in adaptation.HARD_KINDS for s in sessions),
        hard_done=sum(
            s.kind in adaptation.HARD_KINDS and s.status == Status.DONE for s in sessions
        ),
        hard_efforts=hard_efforts,
        max_effort=max_effort,
        recent_long_m=PlanSession.objects.filter(
            enrollment=enrollment,
            kind="long",
            status=Status.DONE,
            week__gte=week - 2,
            week__lte=week,
        ).aggregate(m=Max("target_distance_m"))["m"],
        last_long_m=max(
            (s.target_distance_m or 0 for s in sessions if s.kind == "long"), default=None
        )
        or None,
        next_sessions=_next_sessions(enrollment, plan, week + 1),
    )


def _next_sessions(
    enrollment: PlanEnrollment, plan: catalog.PlanTemplate, week: int
) -> tuple[adaptation.SessionPlan, ...]:
    out = []
    for index in PlanSession.objects.filter(
        enrollment=enrollment, week=week, status=PlanSession.Status.PLANNED
    ).values_list("index", flat=True):
        template = plan.sessions[index]
        steps = catalog.session_steps(template, threshold_pace_s=enrollment.threshold_pace_s)
        targets = catalog.session_targets(steps, threshold_pace_s=enrollment.threshold_pace_s)
        out.append(
            adaptation.SessionPlan(
                index=index,
                kind=template.kind,
                sport=template.sport,
                distance_m=targets.distance_m,
                load=targets.load,
            )
        )
    return tuple(sorted(out, key=lambda s: s.index))


SESSION_FACTOR_BOUNDS = (0.5, 1.0)  # a session adjustment only ever takes volume away


def _session_adjustments(
    adjustments, week_sessions: dict[int, str]
) -> dict[int, adaptation.SessionAdjustment]:
    """What an adapter asked for, kept to the sane: known actions, planned sessions of the
    week, a swap only for a hard session, a cap only for a long run, never more volume."""
    low, high = SESSION_FACTOR_BOUNDS
    out = {}
    for adj in adjustments or ():
        kind = week_sessions.get(adj.index)
        if kind is None or adj.action not in adaptation.SESSION_ACTIONS:
            continue
        if adj.action == "easy" and kind not in adaptation.HARD_KINDS:
            continue
        if adj.action == "cap" and kind != "long":
            continue
        factor = round(min(max(float(adj.factor), low), high), 3)
        out[adj.index] = adaptation.SessionAdjustment(
            adj.index, adj.action, factor, str(adj.reason)[:40], dict(adj.params or {})
        )
    return out


def _replan_week(
    enrollment: PlanEnrollment,
    plan: catalog.PlanTemplate,
    week: int,
    factor: float,
    adjustments: tuple[adaptation.SessionAdjustment, ...] = (),
) -> None:
    pace = enrollment.threshold_pace_s
    sessions = list(
        PlanSession.objects.filter(
            enrollment=enrollment, week=week, status=PlanSession.Status.PLANNED
        )
    )
    wanted = _session_adjustments(
        adjustments, {s.index: plan.sessions[s.index].kind for s in sessions}
    )
    for session in sessions:
        template = plan.sessions[session.index]
        adj = wanted.get(session.index)
        session.kind = template.kind
        session.adjustment, session.adjustment_reason, session.adjustment_params = "", "", {}
        if adj is not None and adj.action == "easy":
            steps = catalog.session_steps(template, factor=factor, threshold_pace_s=pace)
            session.steps = catalog.easy_steps(steps, factor=adj.factor, threshold_pace_s=pace)
            session.kind = "easy"
        else:
            session_factor = factor * (adj.factor if adj is not None else 1.0)
            session.steps = catalog.session_steps(
                template, factor=session_factor, threshold_pace_s=pace
            )
        if adj is not None:
            session.adjustment = adj.action
            session.adjustment_reason = adj.reason
            session.adjustment_params = {**adj.params, "was": template.kind}
        targets = catalog.session_targets(session.steps, threshold_pace_s=pace)
        session.target_distance_m = targets.distance_m
        session.target_duration_s = targets.duration_s
        session.planned_load = targets.load
        session.save(
            update_fields=[
                "kind",
                "steps",
                "target_distance_m",
                "target_duration_s",
                "planned_load",
                "adjustment",
                "adjustment_reason",
                "adjustment_params",
            ]
        )


def enrollment_adapt(
    *, enrollment: PlanEnrollment, adapter: adaptation.Adapter | None = None
) -> list[PlanAdaptation]:
    """For every plan week that has ended (in the athlete's time zone) and whose next week was
    not adjusted yet, ask the adapter how the next week changes, re-plan its open sessions and
    record why. A plan whose last day has passed is completed. Safe to repeat."""
    adapter = adapter or adaptation.current()
    plan = catalog.plan_get(enrollment.plan_slug)
    made: list[PlanAdaptation] = []
    with transaction.atomic():
        locked = PlanEnrollment.objects.select_for_update().filter(pk=enrollment.pk).first()
        if locked is None or locked.status != PlanEnrollment.Status.ACTIVE or plan is None:
            return made
        today = selectors.local_today(locked.timezone)
        done = {a.week: a for a in PlanAdaptation.objects.filter(enrollment=locked)}
        factor = 1.0
        for week in range(plan.weeks - 1):
            if week in done:
                factor = done[week].factor_after
            _first, last = selectors.week_bounds(enrollment=locked, week=week)
            if last >= today:
                break
            if week + 1 in done:
                continue
            summary = _week_summary(locked, plan, week, factor)
            adjustment = adapter.adjust(summary)
            new_factor = adaptation.clamp(adjustment.volume_factor)
            _replan_week(locked, plan, week + 1, new_factor, adjustment.sessions)
            made.append(
                PlanAdaptation.objects.create(
                    enrollment=locked,
                    week=week + 1,
                    adapter=adapter.name,
                    decision=adjustment.decision,
                    reason=adjustment.reason,
                    compliance=round(summary.compliance, 3),
                    planned_load=summary.planned_load,
                    actual_load=summary.actual_load,
                    factor_before=factor,
                    factor_after=new_factor,
                )
            )
            done[week + 1] = made[-1]
            locked.volume_factor = new_factor
        if locked.start_date + timedelta(days=plan.days - 1) < today:
            locked.status = PlanEnrollment.Status.COMPLETED
            locked.ended_at = timezone.now()
        locked.save(update_fields=["volume_factor", "status", "ended_at", "modified"])
    enrollment.refresh_from_db()
    return made


def plans_adapt_due() -> int:
    """Adapt every active enrollment whose week ended; the number of weeks adjusted."""
    count = 0
    for enrollment in selectors.enrollments_to_adapt():
        count += len(enrollment_adapt(enrollment=enrollment))
    return count
