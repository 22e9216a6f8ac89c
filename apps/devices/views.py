"""Import pages: upload several workout files at once (a plain multi-file form, with drag and
drop and per-file progress added by static/js/uploads.js), and follow their jobs. Provider
connections (connect, callback, disconnect, the sandbox's consent page) and the inbound
provider webhooks."""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.exceptions import StrideError
from apps.devices import presenters, providers, selectors, services
from apps.devices.exceptions import OAuthStateInvalid
from apps.devices.metrics import WEBHOOK_ACK

RECENT = 30


@login_required
def upload_list(request):
    if request.method == "POST":
        result = services.upload_files(owner=request.user, files=request.FILES.getlist("files"))
        if result.uploads:
            count = len(result.uploads)
            messages.success(
                request,
                ngettext(
                    "%(count)d file is queued for import.",
                    "%(count)d files are queued for import.",
                    count,
                )
                % {"count": count},
            )
        for name, reason in result.rejected:
            messages.error(request, _("%(name)s: %(reason)s") % {"name": name, "reason": reason})
        if not result.uploads and not result.rejected:
            messages.error(request, _("Choose at least one file."))
        return redirect("devices-uploads")
    uploads = [
        presenters.upload_summary(u) for u in selectors.upload_list(owner=request.user)[:RECENT]
    ]
    return render(
        request,
        "devices/upload_list.html",
        {
            "uploads": uploads,
            # while some are waiting, htmx refreshes the list every few seconds
            "pending": any(u["status"] in ("queued", "processing") for u in uploads),
            "max_bytes": settings.UPLOAD_MAX_BYTES,
            "archive_max_bytes": settings.UPLOAD_ARCHIVE_MAX_BYTES,
        },
    )


@login_required
def upload_detail(request, upload_id: int):
    upload = selectors.upload_get(owner=request.user, upload_id=upload_id)
    if upload is None:
        raise Http404
    files = [
        presenters.upload_summary(u)
        for u in selectors.upload_list(owner=request.user, archive_id=upload.pk)
    ]
    return render(
        request,
        "devices/upload_detail.html",
        {"upload": presenters.upload_summary(upload), "files": files},
    )


# --- Provider connections -------------------------------------------------------------------

SESSION_STATES = "devices_oauth_states"


def _callback_url(request, provider: str) -> str:
    return request.build_absolute_uri(reverse("devices-connection-callback", args=[provider]))


@login_required
def connection_list(request):
    """My connections (status, last sync, last error) and the providers I can connect."""
    connections = [
        presenters.connection_summary(c) for c in selectors.connection_list(user=request.user)
    ]
    live = {c["provider"] for c in connections if c["status"] == "active"}
    available = [p for p in providers.enabled() if p.name not in live]
    return render(
        request,
        "devices/connection_list.html",
        {"connections": connections, "available": available},
    )


@login_required
@require_POST
def connection_connect(request, provider: str):
    try:
        start = services.connection_authorize(
            user=request.user, provider=provider, redirect_uri=_callback_url(request, provider)
        )
    except StrideError as exc:
        messages.error(request, exc.message)
        return redirect("devices-connections")
    # The state is also bound to this browser session: a callback elsewhere is refused.
    request.session[SESSION_STATES] = [*request.session.get(SESSION_STATES, [])[-4:], start.state]
    return redirect(start.url)


@login_required
def connection_callback(request, provider: str):
    state = request.GET.get("state", "")
    states = request.session.get(SESSION_STATES, [])
    if request.GET.get("error"):
        messages.error(request, _("The connection was not allowed."))
        return redirect("devices-connections")
    try:
        if not state or state not in states:
            raise OAuthStateInvalid()
        request.session[SESSION_STATES] = [s for s in states if s != state]
        connection = services.connection_complete(
            user=request.user, provider=provider, code=request.GET.get("code", ""), state=state
        )
    except StrideError as exc:
        messages.error(request, exc.message)
    else:
        label = presenters.connection_summary(connection)["provider_label"]
        messages.success(
            request,
            _("%(provider)s is connected. New workouts arrive by themselves.")
            % {"provider": label},
        )
    return redirect("devices-connections")


@login_required
@require_POST
def connection_disconnect(request, connection_id: int):
    connection = selectors.connection_get(user=request.user, connection_id=connection_id)
    if connection is None:
        raise Http404
    services.connection_disconnect(connection=connection)
    messages.success(request, _("Disconnected. Your imported activities stay."))
    return redirect("devices-connections")


@login_required
@require_POST
def sandbox_send(request, connection_id: int):
    connection = selectors.connection_get(user=request.user, connection_id=connection_id)
    if connection is None:
        raise Http404
    try:
        services.sandbox_workouts_request(connection=connection)
    except StrideError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The sandbox is sending a new workout."))
    return redirect("devices-connections")


@login_required
def sandbox_consent(request):
    """The sandbox platform's own consent page (it lives inside Stride: no keys needed)."""
    adapter = providers.get("sandbox")
    if adapter is None or not adapter.enabled():
        raise Http404
    redirect_uri = request.GET.get("redirect_uri", "")
    expected = reverse("devices-connection-callback", args=["sandbox"])
    parsed = urlsplit(redirect_uri)
    if parsed.path != expected or not url_has_allowed_host_and_scheme(
        redirect_uri, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        raise Http404  # never an open redirect
    state = request.GET.get("state", "")
    if request.method == "POST":
        if request.POST.get("allow"):
            code = adapter.consent_code(
                user_id=request.user.pk, code_challenge=request.GET.get("code_challenge", "")
            )
            query = urlencode({"code": code, "state": state})
        else:
            query = urlencode({"error": "access_denied", "state": state})
        return redirect(f"{redirect_uri}?{query}")
    return render(request, "devices/sandbox_consent.html", {"label": adapter.label})


# --- Provider webhooks (no session, no CSRF: the provider proves itself per adapter) --------


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request, provider: str):
    started = time.perf_counter()
    try:
        if request.method == "GET":
            answer = services.webhook_handshake(provider=provider, params=request.GET)
            if answer is None:
                return JsonResponse({"code": "HANDSHAKE_REFUSED"}, status=403)
            if isinstance(answer, int):  # a bare status (Fitbit: 204 or 404)
                return HttpResponse(status=answer)
            return JsonResponse(answer) if isinstance(answer, dict) else HttpResponse(answer)
        new = services.webhook_receive(
            provider=provider, body=request.body, headers=request.headers
        )
    except StrideError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.status)
    WEBHOOK_ACK.labels(provider).observe(time.perf_counter() - started)
    adapter = providers.get(provider)
    status = adapter.ack_for(request.body) if adapter is not None else 200
    if status != 200:  # a bare status (Fitbit, Google Health: 204; Google's endpoint check: 201)
        return HttpResponse(status=status)
    return JsonResponse({"received": len(new)})
