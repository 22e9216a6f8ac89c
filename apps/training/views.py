"""Training pages: my activities, typing one in, one activity, and the dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import selectors as accounts_selectors
from apps.training import charts, presenters, progress, routes, selectors, services
from apps.training.exceptions import ActivityInvalid
from apps.training.forms import (
    FORM_FIELD_OF,
    ActivityEditForm,
    ManualActivityForm,
    RouteUploadForm,
)
from apps.training.metrics import MILE


def _owner_rules():
    return selectors.ViewerRules(True, frozenset(), None)


@login_required
def activity_list(request):
    page = Paginator(selectors.activity_list(owner=request.user), 20).get_page(
        request.GET.get("page")
    )
    units = accounts_selectors.profile_for(user=request.user).units
    return render(request, "training/activity_list.html", {"page": page, "units": units})


@login_required
def activity_new(request):
    profile = accounts_selectors.profile_for(user=request.user)
    form = ManualActivityForm(
        request.POST or None,
        units=profile.units,
        timezone=profile.timezone or "UTC",
        initial={"visibility": profile.activity_visibility, "sport": "run"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.record_manual_activity(owner=request.user, **form.activity_fields())
        except ActivityInvalid as exc:
            for field, errors in (exc.fields or {}).items():
                target = FORM_FIELD_OF.get(field, field)
                for error in errors:
                    form.add_error(target if target in form.fields else None, error)
        else:
            if recorded.created:
                messages.success(request, _("Your activity is saved."))
            else:
                messages.info(request, _("This activity was already recorded."))
            return redirect("training-activity", recorded.activity.pk)
    return render(request, "training/activity_form.html", {"form": form})


def activity_detail(request, activity_id: int):
    activity = selectors.activity_get(viewer=request.user, activity_id=activity_id)
    if activity is None:
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        raise Http404
    rules = selectors.viewer_rules(viewer=request.user, activity=activity)
    units = (
        accounts_selectors.profile_for(user=request.user).units
        if request.user.is_authenticated
        else "metric"
    )
    data = presenters.activity_detail(activity, rules, units=units)
    streams = selectors.activity_streams(
        activity=activity,
        rules=rules,
        keys={"distance", "altitude", "heart_rate", "time"},
        resolution=400,
    )
    distance = streams.get("distance") or []
    chart = {}
    if len(distance) > 1:
        for name in ("altitude", "heart_rate"):
            if streams.get(name):
                chart[name] = charts.line_path(distance, streams[name])
        if streams.get("time") and not rules.hide_pace:
            chart["speed"] = charts.line_path(
                distance, charts.smoothed_speed(streams["time"], distance)
            )
    return render(
        request,
        "training/activity_detail.html",
        {
            "activity": activity,
            "data": data,
            "is_owner": rules.is_owner,
            "sources": presenters.activity_sources_for_page(activity) if rules.is_owner else [],
            "map_paths": charts.map_paths(data["map"]),
            "chart": chart,
            "unit_m": MILE if units == "imperial" else 1000,
            "units": units,
            "edit_form": ActivityEditForm(
                initial={
                    "title": activity.title,
                    "sport": activity.sport,
                    "notes": activity.notes,
                    "perceived_effort": activity.perceived_effort,
                    "visibility": activity.visibility,
                }
            )
            if rules.is_owner
            else None,
        },
    )


def _owned_or_404(request, activity_id: int):
    activity = selectors.activity_owned(owner=request.user, activity_id=activity_id)
    if activity is None:
        raise Http404
    return activity


@login_required
@require_POST
def activity_edit(request, activity_id: int):
    activity = _owned_or_404(request, activity_id)
    form = ActivityEditForm(request.POST)
    if form.is_valid():
        services.update_activity(activity=activity, **form.cleaned_data)
        messages.success(request, _("Your changes are saved."))
    else:
        messages.error(request, _("The changes could not be saved; check the fields."))
    return redirect("training-activity", activity.pk)


@login_required
@require_POST
def activity_delete(request, activity_id: int):
    services.delete_activity(activity=_owned_or_404(request, activity_id))
    messages.success(request, _("The activity is deleted."))
    return redirect("training-activities")


def activity_gpx(request, activity_id: int):
    activity = selectors.activity_get(viewer=request.user, activity_id=activity_id)
    if activity is None:
        raise Http404
    rules = selectors.viewer_rules(viewer=request.user, activity=activity)
    response = HttpResponse(
        presenters.activity_gpx(activity, rules), content_type="application/gpx+xml"
    )
    response["Content-Disposition"] = f'attachment; filename="stride-{activity.pk}.gpx"'
    return response


@login_required
def activities_csv(request):
    response = StreamingHttpResponse(
        presenters.activities_csv(
            selectors.activity_list(owner=request.user).iterator(chunk_size=500)
        ),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="stride-activities.csv"'
    return response


@login_required
def dashboard(request):
    data = progress.summary(owner=request.user, kind="week")
    weeks = data["weeks"]
    curve = data["curve"]
    days = list(range(len(curve)))
    return render(
        request,
        "training/dashboard.html",
        {
            "progress": data,
            "recent": selectors.activity_list(owner=request.user)[:5],
            "records": selectors.personal_records(owner=request.user),
            "week_bars": list(
                zip(weeks, charts.bars([w["distance_m"] for w in weeks]), strict=True)
            ),
            "fitness_path": charts.line_path(days, [p["fitness"] for p in curve]),
            "fatigue_path": charts.line_path(days, [p["fatigue"] for p in curve]),
            "form_now": curve[-1] if curve else None,
        },
    )


# --- Routes ----------------------------------------------------------------------------------


@login_required
def route_list(request):
    form = RouteUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            route = routes.route_from_gpx(
                owner=request.user,
                upload=form.cleaned_data["gpx"],
                name=form.cleaned_data["name"],
                visibility=form.cleaned_data["visibility"],
            )
        except ActivityInvalid as exc:
            for errors in (exc.fields or {}).values():
                for error in errors:
                    form.add_error("gpx", error)
        else:
            messages.success(request, _("The route is saved."))
            return redirect("training-route", route.pk)
    page = Paginator(routes.routes_of(owner=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "training/route_list.html", {"page": page, "form": form})


@login_required
@require_POST
def route_from_activity(request, activity_id: int):
    activity = _owned_or_404(request, activity_id)
    try:
        route = routes.route_from_activity(owner=request.user, activity=activity)
    except ActivityInvalid as exc:
        messages.error(request, " ".join(m for ms in (exc.fields or {}).values() for m in ms))
        return redirect("training-activity", activity.pk)
    messages.success(request, _("The route is saved."))
    return redirect("training-route", route.pk)


def route_detail(request, route_id: int):
    route = routes.route_get(viewer=request.user, route_id=route_id)
    if route is None:
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        raise Http404
    runs = routes.route_points(route=route, viewer=request.user)
    return render(
        request,
        "training/route_detail.html",
        {
            "route": route,
            "is_owner": request.user.is_authenticated and request.user.pk == route.owner_id,
            "map_paths": charts.map_paths([[(p[0], p[1]) for p in run] for run in runs]),
        },
    )


def route_gpx(request, route_id: int):
    route = routes.route_get(viewer=request.user, route_id=route_id)
    if route is None:
        raise Http404
    response = HttpResponse(
        routes.route_gpx(route=route, viewer=request.user), content_type="application/gpx+xml"
    )
    response["Content-Disposition"] = f'attachment; filename="stride-route-{route.pk}.gpx"'
    return response


@login_required
@require_POST
def route_delete(request, route_id: int):
    route = routes.route_get(viewer=request.user, route_id=route_id)
    if route is None or route.owner_id != request.user.pk:
        raise Http404
    routes.route_delete(route=route)
    messages.success(request, _("The route is deleted."))
    return redirect("training-routes")
