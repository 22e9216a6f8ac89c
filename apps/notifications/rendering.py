"""Render a notification for a channel in the recipient's language.

Text parts (`in_app.txt`, `email_subject.txt`, `email.txt`, `push.txt`, `telegram.txt`) are plain
text (their templates switch autoescaping off; clients and the bot send them as text, never as
markup). `email.html` is escaped as any HTML template. A channel without its own template falls
back to `in_app.txt`.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string, select_template
from django.utils import translation

from apps.notifications import hooks, kinds


def context_for(notification, user) -> dict:
    count = notification.actor_count
    return {
        **(notification.context or {}),
        "count": count,
        "others": count - 1,
        "recipient_name": str(user),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "notification": notification,
    }


def render(notification, user, part: str, *, language: str | None = None, extra=None) -> str:
    kind = kinds.get(notification.kind)
    names = [kind.template(part)]
    if part in ("push.txt", "telegram.txt"):
        names.append(kind.template("in_app.txt"))
    elif part.startswith("email"):
        names.append(f"notifications/default/{part}")
    context = context_for(notification, user) | (extra or {})
    with translation.override(language or hooks.language(user)):
        if part.startswith("email"):
            context["text"] = in_app_text(notification, user, language=translation.get_language())
            context["kind_label"] = str(kind.label)
        text = select_template(names).render(context)
    return text.strip()


def in_app_text(notification, user, *, language: str | None = None) -> str:
    return " ".join(render(notification, user, "in_app.txt", language=language).split())


def render_named(template: str, context: dict, *, language: str) -> str:
    with translation.override(language):
        return render_to_string(template, context).strip()
