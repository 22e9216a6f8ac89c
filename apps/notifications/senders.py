"""One function per channel: send one notification to one person, or raise a DeliveryFailure.

Secrets (the bot token, the VAPID private key) never appear in a reason or a log line: network
errors are reduced to their class name and HTTP status before they leave this module.
"""

from __future__ import annotations

import json
import logging
import smtplib

import requests
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from apps.notifications import kinds, realtime, rendering
from apps.notifications.exceptions import NothingToSend, PermanentFailure, TransientFailure
from apps.notifications.models import PushSubscription, TelegramLink

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- in-app -------------------------------------------------------------------------------
def in_app_payload(notification, user, *, unread_count: int) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": rendering.in_app_text(notification, user),
        "actor_count": notification.actor_count,
        "created": notification.created.isoformat(),
        "read": notification.read_at is not None,
        "unread_count": unread_count,
    }


def send_in_app(delivery, *, unread_count: int, pushes: list | None = None, **_) -> None:
    """Push to the person's open sockets; a batch collects `pushes` to send them together."""
    notification = delivery.notification
    event = "notification.created" if delivery.round == 1 else "notification.updated"
    payload = in_app_payload(notification, delivery.user, unread_count=unread_count)
    if pushes is not None:
        pushes.append((delivery.user_id, event, payload))
    else:
        realtime.push_to_user(delivery.user_id, event, payload)


# --- e-mail -------------------------------------------------------------------------------
def build_email(notification, user, *, connection=None) -> EmailMultiAlternatives:
    kind = kinds.get(notification.kind)
    extra = {}
    headers = {}
    if not kind.transactional:
        url = absolute(
            reverse(
                "notifications-unsubscribe",
                args=[unsubscribe_token(user_id=user.pk, kind=kind.name)],
            )
        )
        extra["unsubscribe_url"] = url
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    extra["preferences_url"] = absolute(reverse("notifications-preferences"))
    subject = " ".join(
        rendering.render(notification, user, "email_subject.txt", extra=extra).split()
    )
    text = rendering.render(notification, user, "email.txt", extra=extra)
    html = rendering.render(notification, user, "email.html", extra=extra)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def send_email(delivery, *, connection=None, **_) -> None:
    user = delivery.user
    if not user.email:
        raise NothingToSend("no e-mail address")
    message = build_email(delivery.notification, user, connection=connection)
    _send_mail_message(message)


def _send_mail_message(message) -> None:
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPRecipientsRefused, AnymailRecipientsRefused) as exc:
        raise PermanentFailure("the mail server refused the address") from exc
    except (smtplib.SMTPException, OSError, AnymailAPIError) as exc:
        raise TransientFailure(f"mail server error ({type(exc).__name__})") from exc


# --- web push -----------------------------------------------------------------------------
def send_push(delivery, **_) -> None:
    from pywebpush import WebPushException, webpush

    if not (settings.WEBPUSH_VAPID_PRIVATE_KEY and settings.WEBPUSH_VAPID_PUBLIC_KEY):
        raise NothingToSend("web push is not configured")
    subscriptions = list(PushSubscription.objects.filter(user_id=delivery.user_id))
    if not subscriptions:
        raise NothingToSend("no push subscription")
    notification, user = delivery.notification, delivery.user
    payload = json.dumps(
        {
            "title": settings.SITE_NAME,
            "body": rendering.render(notification, user, "push.txt"),
            "url": reverse("notifications-page"),
            "tag": f"{notification.kind}:{notification.pk}",
        }
    )
    delivered, transient = 0, None
    for sub in subscriptions:
        try:
            webpush(
                subscription_info={
                    "endpoint": sub.endpoint,
                    "keys": {"p256dh": sub.p256dh, "auth": sub.auth},
                },
                data=payload,
                vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
                timeout=10,
                ttl=24 * 3600,
            )
            delivered += 1
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in (404, 410):
                # The browser dropped the subscription: forget it (RFC 8030 §6.2 says 410).
                PushSubscription.objects.filter(pk=sub.pk).delete()
                logger.info("push subscription %s expired (%s), removed", sub.pk, status)
            elif status is not None and 400 <= status < 500 and status != 429:
                PushSubscription.objects.filter(pk=sub.pk).delete()
                logger.warning("push subscription %s refused (%s), removed", sub.pk, status)
            else:
                transient = TransientFailure(f"push service error ({status or 'no answer'})")
        except requests.RequestException as exc:
            transient = TransientFailure(f"push service unreachable ({type(exc).__name__})")
    if delivered:
        return
    if transient:
        raise transient
    raise NothingToSend("every push subscription had expired")


# --- Telegram -----------------------------------------------------------------------------
def telegram_call(method: str, payload: dict) -> dict:
    """Call the Bot API. Errors carry the HTTP status and Telegram's description, never the URL
    (it contains the token)."""
    token = settings.TELEGRAM_BOT_TOKEN
    if not token:
        raise NothingToSend("Telegram is not configured")
    url = f"{settings.TELEGRAM_API_BASE.rstrip('/')}/bot{token}/{method}"
    try:
        response = requests.post(url, json=payload, timeout=10)
    except requests.RequestException as exc:
        raise TransientFailure(f"Telegram unreachable ({type(exc).__name__})") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 200 and body.get("ok"):
        return body.get("result") or {}
    description = str(body.get("description") or "")[:200].replace(token, "[redacted]")
    status = response.status_code
    if status == 429:
        retry_after = (body.get("parameters") or {}).get("retry_after")
        raise TransientFailure("Telegram rate limit", retry_after=retry_after)
    if status == 403 or (status == 400 and "chat not found" in description.lower()):
        raise PermanentFailure(f"Telegram: {description or status}")
    if status == 400:
        raise PermanentFailure(f"Telegram: {description or status}", disable=False)
    raise TransientFailure(f"Telegram error {status}")


def send_telegram(delivery, **_) -> None:
    link = TelegramLink.objects.filter(user_id=delivery.user_id).first()
    if link is None:
        raise NothingToSend("Telegram is not linked")
    text = rendering.render(delivery.notification, delivery.user, "telegram.txt")
    telegram_call("sendMessage", {"chat_id": link.chat_id, "text": text[:4096]})


SENDERS = {
    kinds.Channel.IN_APP: send_in_app,
    kinds.Channel.EMAIL: send_email,
    kinds.Channel.PUSH: send_push,
    kinds.Channel.TELEGRAM: send_telegram,
}
