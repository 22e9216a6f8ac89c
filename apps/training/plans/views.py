"""Plan pages: the catalog, a plan, my schedule (with skip, move, calendar and stop), and the
private calendar feed. Thin: forms validate, services write, selectors read."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import StrideError
from apps.training.plans import adaptation, catalog, ics, selectors, services
from apps.training.plans.forms import EnrollForm, RescheduleForm
from apps.training.plans.models import PlanEnrollment


def _plan_or_404(slug: str) -> catalog.PlanTemplate:
    plan = catalog.plan_get(slug)
    if plan is None:
        raise Http404
    return plan


def _enrollment_or_404(request, enrollment_id: int) -> PlanEnrollment:
    enrollment = selectors.enrollment_get(owner=request.user, enrollment_id=enrollment_id)
    if enrollment is None:
        raise Http404
    return enrollment


def _error_text(exc: StrideError) -> str:
    details = [m for messages_ in (exc.fields or {}).values() for m in messages_]
    return " ".join(details) or exc.message


def plan_list(request):
    mine = []
    if request.user.is_authenticated:
        mine = list(selectors.enrollment_list(owner=request.user).filter(status="active"))
        for enrollment in mine:
            enrollment.plan = catalog.plan_get(enrollment.plan_slug)
    return render(request, "plans/list.html", {"plans": catalog.PLANS.values(), "mine": mine})


def plan_detail(request, slug: str):
    plan = _plan_or_404(slug)
    weeks = [
        {
            "number": week + 1,
            "sessions": [
                {
                    "day": template.day + 1,
                    "title": catalog.session_title(template.kind, template.focus),
                    "steps": [catalog.describe_step(s) for s in catalog.session_steps(template)],
                }
                for template in plan.sessions_in_week(week)
            ],
        }
        for week in range(plan.weeks)
    ]
    active = None
    if request.user.is_authenticated:
        active = selectors.enrollment_active(owner=request.user, plan_slug=slug)
    return render(
        request,
        "plans/detail.html",
        {"plan": plan, "weeks": weeks, "form": EnrollForm(), "active": active},
    )


@login_required
@require_POST
def plan_enroll(request, slug: str):
    plan = _plan_or_404(slug)
    form = EnrollForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the dates as year, month and day."))
        return redirect("plans-detail", slug=slug)
    try:
        enrolled = services.plan_enroll(owner=request.user, plan_slug=slug, **form.cleaned_data)
    except StrideError as exc:
        messages.error(request, _error_text(exc))
        return redirect("plans-detail", slug=slug)
    if enrolled.created:
        messages.success(request, _("You are enrolled in %(plan)s.") % {"plan": plan.name})
    else:
        messages.info(request, _("You already follow this plan."))
    return redirect("plans-schedule", enrollment_id=enrolled.enrollment.pk)


@login_required
def schedule(request, enrollment_id: int):
    enrollment = _enrollment_or_404(request, enrollment_id)
    plan = catalog.plan_get(enrollment.plan_slug)
    current = selectors.current_week(enrollment=enrollment)
    try:
        week = int(request.GET.get("week", current + 1)) - 1
    except ValueError:
        week = current
    week = min(max(week, 0), plan.weeks - 1)
    first, last = selectors.week_bounds(enrollment=enrollment, week=week)
    sessions = list(
        selectors.session_list(enrollment=enrollment, start=first, end=last).select_related(
            "activity"
        )
    )
    today = selectors.local_today(enrollment.timezone)
    taken = {s.date for s in sessions if s.status != s.Status.SKIPPED}
    # Where a session may move: the free days of its week from today on.
    free_days = [
        day
        for day in (first + timedelta(days=n) for n in range(7))
        if day >= today and day not in taken
    ]
    for session in sessions:
        session.title = catalog.session_title(session.kind, session.focus)
        session.lines = [catalog.describe_step(s) for s in session.steps]
        session.free_days = free_days
        session.adjustment_text = adaptation.session_reason_text(
            session.adjustment_reason, session.adjustment_params
        )
        was = (session.adjustment_params or {}).get("was")
        session.adjusted_from = catalog.session_title(was) if session.adjustment == "easy" else ""
    adjusted = selectors.adjusted_sessions(enrollment=enrollment)
    notes = [
        {
            "week": record.week + 1,
            "decision": record.get_decision_display(),
            "text": adaptation.reason_text(
                record.reason,
                compliance=record.compliance,
                planned_load=record.planned_load,
                actual_load=record.actual_load,
            ),
            "sessions": [
                {
                    "date": s.date,
                    "title": catalog.session_title(s.kind, s.focus),
                    "adjustment": s.get_adjustment_display(),
                    "text": adaptation.session_reason_text(
                        s.adjustment_reason, s.adjustment_params
                    ),
                }
                for s in adjusted.get(record.week, [])
            ],
        }
        for record in selectors.adaptation_list(enrollment=enrollment)
    ]
    calendar = request.build_absolute_uri(
        reverse("plans-calendar", kwargs={"token": enrollment.calendar_token})
    )
    return render(
        request,
        "plans/schedule.html",
        {
            "enrollment": enrollment,
            "plan": plan,
            "week": week + 1,
            "weeks": range(1, plan.weeks + 1),
            "current_week": current + 1,
            "first": first,
            "last": last,
            "sessions": sessions,
            "compliance": selectors.compliance(enrollment=enrollment),
            "notes": notes,
            "calendar_url": calendar,
            "today": today,
            "active": enrollment.status == PlanEnrollment.Status.ACTIVE,
        },
    )


def _back(enrollment_id: int, week: int | None = None):
    url = reverse("plans-schedule", kwargs={"enrollment_id": enrollment_id})
    return redirect(f"{url}?week={week + 1}" if week is not None else url)


def _session_or_404(request, enrollment_id: int, session_id: int):
    enrollment = _enrollment_or_404(request, enrollment_id)
    session = selectors.session_get(enrollment=enrollment, session_id=session_id)
    if session is None:
        raise Http404
    return session


@login_required
@require_POST
def session_skip(request, enrollment_id: int, session_id: int):
    session = _session_or_404(request, enrollment_id, session_id)
    try:
        services.session_skip(session=session)
    except StrideError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The session is skipped."))
    return _back(enrollment_id, session.week)


@login_required
@require_POST
def session_reschedule(request, enrollment_id: int, session_id: int):
    session = _session_or_404(request, enrollment_id, session_id)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a day to move the session to."))
        return _back(enrollment_id, session.week)
    try:
        services.session_reschedule(session=session, new_date=form.cleaned_data["date"])
    except StrideError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The session is moved."))
    return _back(enrollment_id, session.week)


@login_required
@require_POST
def calendar_regenerate(request, enrollment_id: int):
    enrollment = _enrollment_or_404(request, enrollment_id)
    services.calendar_token_regenerate(enrollment=enrollment)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return _back(enrollment_id)


@login_required
@require_POST
def enrollment_abandon(request, enrollment_id: int):
    enrollment = _enrollment_or_404(request, enrollment_id)
    services.enrollment_abandon(enrollment=enrollment)
    messages.success(request, _("You no longer follow this plan."))
    return redirect("plans-list")


def calendar_feed(request, token: str):
    """The schedule as iCalendar, for calendar apps: the token in the address is the key."""
    enrollment = selectors.enrollment_by_calendar_token(token=token)
    if enrollment is None:
        raise Http404
    sessions = list(selectors.session_list(enrollment=enrollment))
    response = HttpResponse(
        ics.calendar_bytes(enrollment=enrollment, sessions=sessions),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="stride-plan.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
