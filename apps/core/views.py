"""Operational endpoints and the page shell (home for visitors, dashboard for members)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView

from apps.core.health import run_checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and serving; touches no dependency."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to take traffic: database, cache and broker each answer."""
    checks = run_checks()
    ready = all(c["status"] == "ok" for c in checks.values())
    failing = [name for name, c in checks.items() if c["status"] != "ok"]
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=200 if ready else 503)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and constant_time_compare(header[7:], token):
        return True
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    # Behind a proxy the socket peer is the proxy: only trust it when no forwarded-for
    # header says the request came from outside.
    if request.headers.get("X-Forwarded-For"):
        return False
    return any(
        client in ipaddress.ip_network(net, strict=False)
        for net in settings.METRICS_ALLOWED_NETWORKS
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics for the internal network or a bearer token, never the public."""
    if not _metrics_allowed(request):
        return JsonResponse(
            {"code": "FORBIDDEN", "message": _("Metrics are only served to the monitoring.")},
            status=403,
        )
    return ExportToDjangoView(request)


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "core/home.html")
