"""Pages: the notification list, preferences, one-click unsubscribe; the Telegram webhook."""

import hmac
import json
import logging
from datetime import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.notifications import hooks, kinds, rendering, selectors, services
from apps.notifications.exceptions import InvalidUnsubscribeToken
from apps.notifications.models import DeliverySettings

logger = logging.getLogger(__name__)
PAGE_SIZE = 30


@login_required
def notification_page(request):
    items = list(
        selectors.notification_list(user=request.user).order_by("-created", "-pk")[:PAGE_SIZE]
    )
    language = get_language()
    rows = [
        {
            "id": n.pk,
            "text": rendering.in_app_text(n, request.user, language=language),
            "url": (n.context or {}).get("url") or "",
            "created": n.created,
            "read": n.read_at is not None,
        }
        for n in items
    ]
    return render(request, "notifications/page.html", {"rows": rows})


@login_required
@require_POST
def mark_all_read(request):
    services.notification_mark_all_read(user=request.user)
    return redirect("notifications-page")


@login_required
@require_http_methods(["GET", "POST"])
def preferences_page(request):
    user = request.user
    matrix = selectors.preference_matrix(user=user)
    if request.method == "POST":
        for row in matrix:
            wanted = request.POST.get(f"{row['kind']}:{row['channel']}") == "on"
            if wanted != row["enabled"]:
                services.preference_set(
                    user=user, kind=row["kind"], channel=row["channel"], enabled=wanted
                )
        changes = {}
        digest = request.POST.get("digest", DeliverySettings.Digest.OFF)
        if digest in DeliverySettings.Digest.values:
            changes["digest"] = digest
        start, end = _time(request.POST.get("quiet_start")), _time(request.POST.get("quiet_end"))
        if (start is None) == (end is None):  # both or neither
            changes.update(quiet_start=start, quiet_end=end)
        services.delivery_settings_update(user=user, **changes)
        for channel in request.POST.getlist("enable_channel"):
            if channel in kinds.Channel.values:
                services.channel_enable(user=user, channel=channel)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications-preferences")
    by_kind: dict[str, dict] = {}
    for row in matrix:
        entry = by_kind.setdefault(row["kind"], {"label": row["kind_label"], "cells": []})
        entry["cells"].append(row)
    return render(
        request,
        "notifications/preferences.html",
        {
            "kinds": list(by_kind.values()),
            "channels": kinds.Channel.choices,
            "settings_row": selectors.delivery_settings_for(user=user),
            "time_zone": str(hooks.time_zone(user)),
            "digest_choices": DeliverySettings.Digest.choices,
            "disabled": selectors.channel_states(user=user),
            "telegram_link": selectors.telegram_link_for(user=user),
            "vapid_public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY,
        },
    )


def _time(value: str | None):
    try:
        return time.fromisoformat(value or "")
    except ValueError:
        return None


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET shows a confirmation; POST (one click, no login) turns that e-mail off."""
    try:
        _user_id, kind_name = services.unsubscribe_token_read(token=token)
        kind = kinds.get(kind_name)
    except (InvalidUnsubscribeToken, LookupError):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except InvalidUnsubscribeToken:
            return render(request, "notifications/unsubscribe_invalid.html", status=400)
        return render(request, "notifications/unsubscribed.html", {"kind": kind})
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "token": token})


def service_worker(request):
    """The push service worker, served from /notifications/ so that is its scope."""
    path = finders.find("js/notifications-sw.js")
    if not path:
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="application/javascript")  # noqa: SIM115
    response["Cache-Control"] = "no-cache"
    return response


@csrf_exempt
@require_POST
def telegram_webhook(request):
    """Bot API updates. Telegram proves itself with the secret_token given to setWebhook."""
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponseForbidden()
    try:
        update = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponse(status=400)
    if isinstance(update, dict):
        services.telegram_update_handle(update=update)
    return JsonResponse({"ok": True})
