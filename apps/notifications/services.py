"""Writes of the notifications app. `notify()` is the one entry point for every other app.

Flow: `notify()` (inside the caller's transaction) stores or collapses the in-app row and one
Delivery row per allowed channel; after commit one Celery task per due delivery runs
`delivery_send()`, which claims its row with a conditional UPDATE before sending, so a retried
or redelivered task never sends twice. Quiet hours and collapse delays set `not_before`; the
beat task `deliveries_release_due` enqueues what has come due (and what a lost task left).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core import metrics as core_metrics
from apps.core.tasks import bounded_countdown
from apps.notifications import hooks, kinds, rendering, selectors, senders
from apps.notifications.exceptions import (
    InvalidUnsubscribeToken,
    NothingToSend,
    PermanentFailure,
    TelegramNotConfigured,
    TransientFailure,
    UnknownKind,
)
from apps.notifications.kinds import Channel
from apps.notifications.models import (
    Announcement,
    ChannelState,
    Delivery,
    DeliverySettings,
    Notification,
    Preference,
    PushSubscription,
    TelegramLink,
    TelegramLinkToken,
)

logger = logging.getLogger(__name__)

Status = Delivery.Status
OPEN = (*Delivery.SENDABLE, Status.HELD)
TELEGRAM_TOKEN_TTL = timedelta(minutes=15)
LOST_TASK_AFTER = timedelta(minutes=15)
RETRY_DELAYS = (5, 30, 120, 600, 1800, 3600)  # seconds before attempt 2, 3, ...


# --- notify ---------------------------------------------------------------------------------
def _kind(name: str) -> kinds.Kind:
    try:
        return kinds.get(name)
    except LookupError:
        raise UnknownKind() from None


def quiet_until(*, start: time | None, end: time | None, zone, now: datetime) -> datetime | None:
    """The end of the quiet hours `now` falls in (aware, UTC), or None when it is not quiet."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(zone)
    t = local.time().replace(tzinfo=None)
    if start < end:
        quiet = start <= t < end
        day = local.date()
    else:  # over midnight, e.g. 22:00 to 07:00
        quiet = t >= start or t < end
        day = local.date() + timedelta(days=1) if t >= start else local.date()
    if not quiet:
        return None
    return datetime.combine(day, end, tzinfo=zone).astimezone(UTC)


def _channels(kind: kinds.Kind, r: selectors.Recipient, *, consented: bool) -> list[str]:
    chosen = []
    for channel in Channel:
        if not r.preferences.get(channel, kind.default_for(channel)) or channel in r.disabled:
            continue
        if channel != Channel.IN_APP and kind.marketing and not consented:
            continue
        if (
            (channel == Channel.EMAIL and not r.user.email)
            or (channel == Channel.PUSH and not r.has_push)
            or (channel == Channel.TELEGRAM and not r.has_telegram)
        ):
            continue
        chosen.append(channel.value)
    return chosen


def _schedule(kind, r: selectors.Recipient, channel: str, now) -> tuple[str, datetime | None]:
    if channel == Channel.IN_APP or kind.transactional:
        return Status.PENDING, None
    if channel == Channel.EMAIL and r.digest != DeliverySettings.Digest.OFF:
        return Status.HELD, None
    if r.quiet_start is not None:
        until = quiet_until(
            start=r.quiet_start, end=r.quiet_end, zone=hooks.time_zone(r.user), now=now
        )
        if until:
            return Status.DEFERRED, until
    if kind.collapse_delay:
        return Status.PENDING, now + timedelta(seconds=kind.collapse_delay)
    return Status.PENDING, None


def _consenting(kind: kinds.Kind, user_ids: list[int]) -> set[int]:
    if not kind.marketing:
        return set(user_ids)
    return hooks.marketing_consent_many(user_ids)


def notify(
    user, kind: str, context: dict | None = None, *, collapse_key: str = ""
) -> Notification | None:
    """Tell a person something: store it in-app (or collapse it into the unread one about the
    same object) and deliver it on every channel they allow, after the caller's commit."""
    spec = _kind(kind)
    context = dict(context or {})
    json.dumps(context)  # fail here, in the caller, if it cannot be stored
    now = timezone.now()
    with transaction.atomic():
        found = selectors.recipients(user_ids=[user.pk], kind=spec.name)
        if not found:
            return None
        r = found[0]
        channels = _channels(spec, r, consented=bool(_consenting(spec, [user.pk])))
        if not channels:
            return None
        notification, previous = _store(spec, r.user, context, collapse_key, channels, now)
        planned = []
        for channel in channels:
            if channel in previous.get("open", set()):
                continue  # the message still waiting will carry the new count
            status, not_before = _schedule(spec, r, channel, now)
            planned.append(
                Delivery(
                    notification=notification,
                    user_id=r.user.pk,
                    channel=channel,
                    round=previous.get("rounds", {}).get(channel, 0) + 1,
                    status=status,
                    not_before=not_before,
                )
            )
        Delivery.objects.bulk_create(planned)
        _enqueue_after_commit([d for d in planned if d.status == Status.PENDING], now)
    return notification


def _store(spec, user, context, collapse_key, channels, now) -> tuple[Notification, dict]:
    visible = Channel.IN_APP in channels
    key = collapse_key if spec.collapse else ""
    if key:
        for _attempt in range(2):
            existing = (
                Notification.objects.select_for_update()
                .filter(user=user, kind=spec.name, collapse_key=key, read_at__isnull=True)
                .first()
            )
            if existing is not None:
                Notification.objects.filter(pk=existing.pk).update(
                    actor_count=F("actor_count") + 1,
                    context=context,
                    created=now,
                    visible=existing.visible or visible,
                )
                existing.refresh_from_db()
                rows = Delivery.objects.filter(notification=existing)
                rounds = dict(
                    rows.values("channel").annotate(m=Max("round")).values_list("channel", "m")
                )
                open_ = set(rows.filter(status__in=OPEN).values_list("channel", flat=True))
                return existing, {"rounds": rounds, "open": open_}
            try:
                with transaction.atomic():
                    return Notification.objects.create(
                        user=user,
                        kind=spec.name,
                        context=context,
                        collapse_key=key,
                        visible=visible,
                    ), {}
            except IntegrityError:
                continue  # someone else created the unread row just now: collapse into it
    return Notification.objects.create(
        user=user, kind=spec.name, context=context, visible=visible
    ), {}


def notify_many(*, user_ids: Iterable[int], kind: str, context: dict | None = None) -> int:
    """The same notification to many people (announcements): a fixed number of queries per
    chunk of 500, one task per chunk per channel. Returns how many people it reached."""
    spec = _kind(kind)
    context = dict(context or {})
    json.dumps(context)
    ids = list(user_ids)
    reached = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        now = timezone.now()
        with transaction.atomic():
            found = selectors.recipients(user_ids=chunk, kind=spec.name)
            consenting = _consenting(spec, [r.user.pk for r in found])
            plans = []
            for r in found:
                channels = _channels(spec, r, consented=r.user.pk in consenting)
                if channels:
                    plans.append((r, channels))
            notifications = Notification.objects.bulk_create(
                [
                    Notification(
                        user_id=r.user.pk,
                        kind=spec.name,
                        context=context,
                        visible=Channel.IN_APP in channels,
                    )
                    for r, channels in plans
                ]
            )
            deliveries = []
            for (r, channels), notification in zip(plans, notifications, strict=True):
                for channel in channels:
                    status, not_before = _schedule(spec, r, channel, now)
                    deliveries.append(
                        Delivery(
                            notification=notification,
                            user_id=r.user.pk,
                            channel=channel,
                            status=status,
                            not_before=not_before,
                        )
                    )
            Delivery.objects.bulk_create(deliveries)
            due = [d.pk for d in deliveries if d.status == Status.PENDING and not d.not_before]
            transaction.on_commit(lambda due=due: _enqueue_batches(due), robust=True)
            reached += len(plans)
    return reached


def _enqueue_after_commit(deliveries: list[Delivery], now) -> None:
    from apps.notifications.tasks import delivery_send_task

    def enqueue():
        for d in deliveries:
            delay = (d.not_before - now).total_seconds() if d.not_before else 0
            delivery_send_task.apply_async(
                kwargs={"delivery_id": d.pk},
                countdown=bounded_countdown(delay) if delay > 0 else None,
            )

    if deliveries:
        transaction.on_commit(enqueue, robust=True)


def _enqueue_batches(delivery_ids: list[int], size: int = 100) -> None:
    from apps.notifications.tasks import delivery_send_many_task

    for start in range(0, len(delivery_ids), size):
        delivery_send_many_task.delay(delivery_ids=delivery_ids[start : start + size])


# --- delivery -------------------------------------------------------------------------------
def _claimable(now):
    return Delivery.objects.filter(status__in=Delivery.SENDABLE).exclude(
        status=Status.DEFERRED, not_before__gt=now
    )


def _attempt(
    delivery: Delivery, *, connection, unread_count: int, allowed: bool, pushes=None
) -> str:
    """Send a claimed delivery once; record the outcome. TransientFailure propagates."""
    if not allowed:
        return _finish(delivery, Status.SKIPPED, "turned off before sending")
    try:
        senders.SENDERS[delivery.channel](
            delivery, connection=connection, unread_count=unread_count, pushes=pushes
        )
    except NothingToSend as exc:
        return _finish(delivery, Status.SKIPPED, exc.reason)
    except PermanentFailure as exc:
        if exc.disable:
            channel_disable(user=delivery.user, channel=delivery.channel, reason=exc.reason)
        core_metrics.notification_failed(channel=delivery.channel)
        return _finish(delivery, Status.FAILED, exc.reason)
    core_metrics.notification_sent(channel=delivery.channel)
    return Status.SENT


def _mark_retrying(delivery: Delivery, exc: TransientFailure, now) -> None:
    delay = exc.retry_after or RETRY_DELAYS[min(delivery.attempts, len(RETRY_DELAYS)) - 1]
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Status.RETRYING, error=exc.reason, not_before=now + timedelta(seconds=delay)
    )
    exc.retry_after = delay


def delivery_send(*, delivery_id: int, connection=None, final_attempt: bool = False) -> str:
    """Send one delivery at most once and return its status afterwards. The row is claimed
    with a conditional UPDATE first: a retried or redelivered task finds it taken and stops.
    A transient failure marks the row for retry and re-raises for the task to retry."""
    now = timezone.now()
    claimed = (
        _claimable(now)
        .filter(pk=delivery_id)
        .update(status=Status.SENDING, attempts=F("attempts") + 1)
    )
    if not claimed:
        # Sent, failed or claimed by another run already, or not due yet: nothing to do.
        return Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
    delivery = Delivery.objects.select_related("notification", "user").get(pk=delivery_id)
    unread = 0
    if delivery.channel == Channel.IN_APP:
        unread = selectors.notification_unread_count(user=delivery.user)
    try:
        status = _attempt(
            delivery, connection=connection, unread_count=unread, allowed=_still_allowed(delivery)
        )
    except TransientFailure as exc:
        if final_attempt:
            return _finish(delivery, Status.FAILED, exc.reason)
        _mark_retrying(delivery, exc, now)
        raise
    if status == Status.SENT:
        _finish(delivery, Status.SENT, "")
    return status


def _still_allowed(delivery: Delivery) -> bool:
    """A person may turn a channel off while a message waits (quiet hours, collapse delay)."""
    if ChannelState.objects.filter(user_id=delivery.user_id, channel=delivery.channel).exists():
        return False
    chosen = (
        Preference.objects.filter(
            user_id=delivery.user_id, kind=delivery.notification.kind, channel=delivery.channel
        )
        .values_list("enabled", flat=True)
        .first()
    )
    return True if chosen is None else chosen


def _finish(delivery: Delivery, status: str, error: str) -> str:
    Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
        status=status,
        error=error,
        sent_at=timezone.now() if status == Status.SENT else None,
    )
    return status


def delivery_send_many(*, delivery_ids: list[int]) -> dict[str, int]:
    """Send a batch: claimed together, facts read together, e-mail over one connection, the
    sent rows marked together, so the queries per delivery stay flat. A transient failure
    gets its own retrying task."""
    from django.core.mail import get_connection
    from django.db.models import Count

    from apps.notifications.tasks import delivery_send_task

    now = timezone.now()
    with transaction.atomic():
        ids = list(
            _claimable(now)
            .select_for_update(skip_locked=True)
            .filter(pk__in=delivery_ids)
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=ids).update(
            status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now
        )
    deliveries = list(
        Delivery.objects.filter(pk__in=ids).select_related("notification", "user").order_by("pk")
    )
    user_ids = {d.user_id for d in deliveries}
    disabled = set(
        ChannelState.objects.filter(user_id__in=user_ids).values_list("user_id", "channel")
    )
    chosen = {
        (u, k, c): e
        for u, k, c, e in Preference.objects.filter(
            user_id__in=user_ids, kind__in={d.notification.kind for d in deliveries}
        ).values_list("user_id", "kind", "channel", "enabled")
    }
    in_app_users = {d.user_id for d in deliveries if d.channel == Channel.IN_APP}
    unread = (
        dict(
            Notification.objects.filter(
                user_id__in=in_app_users, visible=True, read_at__isnull=True
            )
            .values("user_id")
            .annotate(n=Count("id"))
            .values_list("user_id", "n")
        )
        if in_app_users
        else {}
    )
    outcome: dict[str, int] = {}
    sent: list[int] = []
    pushes: list = []
    with get_connection() as connection:
        for d in deliveries:
            allowed = (d.user_id, d.channel) not in disabled and chosen.get(
                (d.user_id, d.notification.kind, d.channel), True
            )
            try:
                status = _attempt(
                    d,
                    connection=connection,
                    unread_count=unread.get(d.user_id, 0),
                    allowed=allowed,
                    pushes=pushes,
                )
            except TransientFailure as exc:
                status = Status.RETRYING
                _mark_retrying(d, exc, now)
                delivery_send_task.apply_async(
                    kwargs={"delivery_id": d.pk}, countdown=bounded_countdown(exc.retry_after)
                )
            if status == Status.SENT:
                sent.append(d.pk)
            outcome[status] = outcome.get(status, 0) + 1
    Delivery.objects.filter(pk__in=sent, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), error=""
    )
    from apps.notifications import realtime

    realtime.push_many(pushes)
    return outcome


def delivery_give_up(*, delivery_id: int, reason: str) -> None:
    Delivery.objects.filter(pk=delivery_id, status__in=Delivery.SENDABLE).update(
        status=Status.FAILED, error=reason[:300]
    )


def deliveries_release_due(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Enqueue deliveries that came due (quiet hours over, retry time reached) or whose task was
    lost. Enqueuing twice is harmless: the claim lets one run send."""
    from django.db.models import Q

    now = now or timezone.now()
    lost = now - LOST_TASK_AFTER
    due = list(
        Delivery.objects.filter(status__in=Delivery.SENDABLE)
        .filter(
            Q(not_before__lte=now, status=Status.DEFERRED)
            | Q(not_before__lte=lost)
            | Q(not_before__isnull=True, created__lte=lost)
        )
        .order_by("not_before")
        .values_list("pk", flat=True)[:limit]
    )
    if due:
        Delivery.objects.filter(pk__in=due, status=Status.DEFERRED).update(
            status=Status.PENDING, not_before=None
        )
        _enqueue_batches(due)
    # A worker that died between claiming and finishing may or may not have sent: never guess
    # twice. Such rows end as failed, visibly, instead of staying "sending" forever.
    Delivery.objects.filter(status=Status.SENDING, claimed_at__lte=lost).update(
        status=Status.FAILED, error="interrupted while sending; not retried to avoid a duplicate"
    )
    return len(due)


def channel_disable(*, user, channel: str, reason: str) -> None:
    """Turn a channel off for a person after a permanent failure, keeping the reason to show."""
    ChannelState.objects.get_or_create(
        user=user, channel=channel, defaults={"disabled_reason": reason[:300]}
    )
    logger.info("notification channel %s disabled for user %s", channel, user.pk)


def channel_enable(*, user, channel: str) -> None:
    ChannelState.objects.filter(user=user, channel=channel).delete()


# --- in-app ---------------------------------------------------------------------------------
def notification_mark_read(*, user, notification_id: int) -> bool:
    """Mark one of the person's notifications read. False when it is not theirs."""
    updated = Notification.objects.filter(
        user=user, pk=notification_id, read_at__isnull=True
    ).update(read_at=timezone.now())
    exists = updated or Notification.objects.filter(user=user, pk=notification_id).exists()
    if updated:
        _push_unread(user)
    return bool(exists)


def notification_mark_all_read(*, user) -> int:
    updated = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if updated:
        _push_unread(user)
    return updated


def _push_unread(user) -> None:
    from apps.notifications import realtime

    def push():
        count = selectors.notification_unread_count(user=user)
        realtime.push_to_user(user.pk, "notifications.read", {"unread_count": count})

    transaction.on_commit(push, robust=True)


# --- preferences ------------------------------------------------------------------------------
def preference_set(*, user, kind: str, channel: str, enabled: bool) -> Preference:
    """Turn one kind on or off on one channel for a person."""
    spec = _kind(kind)
    if channel not in Channel.values:
        raise ValueError(channel)
    preference, _created = Preference.objects.update_or_create(
        user=user, kind=spec.name, channel=channel, defaults={"enabled": enabled}
    )
    return preference


def delivery_settings_update(*, user, **changes) -> DeliverySettings:
    """Quiet hours (`quiet_start`, `quiet_end`, local times) and the e-mail `digest`."""
    allowed = {"quiet_start", "quiet_end", "digest"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    with transaction.atomic():
        row, _created = DeliverySettings.objects.select_for_update().get_or_create(user=user)
        for name, value in changes.items():
            setattr(row, name, value)
        row.full_clean(exclude=["user"])
        row.save()
        if changes.get("digest") == DeliverySettings.Digest.OFF:
            # Whatever waited for the digest goes out now.
            held = list(
                Delivery.objects.filter(user=user, status=Status.HELD).values_list("pk", flat=True)
            )
            Delivery.objects.filter(pk__in=held).update(status=Status.PENDING)
            transaction.on_commit(lambda: _enqueue_batches(held), robust=True)
    return row


def unsubscribe_token_read(*, token: str) -> tuple[int, str]:
    try:
        data = signing.loads(token, salt=senders.UNSUBSCRIBE_SALT)
        return int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidUnsubscribeToken() from None


def unsubscribe(*, token: str) -> Preference:
    """One-click unsubscribe (RFC 8058): the kind's e-mail off for the signed user."""
    user_id, kind = unsubscribe_token_read(token=token)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise InvalidUnsubscribeToken()
    try:
        return preference_set(user=user, kind=kind, channel=Channel.EMAIL, enabled=False)
    except UnknownKind:
        raise InvalidUnsubscribeToken() from None


# --- web push -------------------------------------------------------------------------------
def push_subscription_save(
    *, user, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> tuple[PushSubscription, bool]:
    """Store a browser's subscription; the same endpoint again updates it (idempotent)."""
    with transaction.atomic():
        subscription, created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
        )
        channel_enable(user=user, channel=Channel.PUSH)
    return subscription, created


def push_subscription_delete(*, user, subscription_id: int) -> bool:
    deleted, _ = PushSubscription.objects.filter(user=user, pk=subscription_id).delete()
    return bool(deleted)


# --- Telegram -------------------------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def telegram_link_start(*, user) -> tuple[str, datetime]:
    """A one-time deep link `https://t.me/<bot>?start=<token>`; only the token's hash is kept."""
    if not (settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME):
        raise TelegramNotConfigured()
    token = secrets.token_urlsafe(32)  # 43 characters of [A-Za-z0-9_-], as Telegram allows
    expires_at = timezone.now() + TELEGRAM_TOKEN_TTL
    TelegramLinkToken.objects.create(
        user=user, token_hash=_token_hash(token), expires_at=expires_at
    )
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={token}", expires_at


def telegram_update_handle(*, update: dict) -> TelegramLink | None:
    """A bot update from the webhook: `/start <token>` links that chat to the token's owner."""
    message = update.get("message") or {}
    text = str(message.get("text") or "")
    chat = message.get("chat") or {}
    if not text.startswith("/start ") or chat.get("type", "private") != "private":
        return None
    token = text.split(" ", 1)[1].strip()
    chat_id = chat.get("id")
    if not token or not isinstance(chat_id, int):
        return None
    now = timezone.now()
    with transaction.atomic():
        claimed = TelegramLinkToken.objects.filter(
            token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not claimed:
            return None
        owner = (
            TelegramLinkToken.objects.select_related("user").get(token_hash=_token_hash(token)).user
        )
        TelegramLink.objects.filter(chat_id=chat_id).exclude(user=owner).delete()
        link, _created = TelegramLink.objects.update_or_create(
            user=owner,
            defaults={
                "chat_id": chat_id,
                "username": str((message.get("from") or {}).get("username") or "")[:64],
            },
        )
        channel_enable(user=owner, channel=Channel.TELEGRAM)
    with translation.override(hooks.language(owner)):
        text = _("Your Stride account is linked. Notifications will arrive here.")
    transaction.on_commit(lambda: _telegram_reply(chat_id, text), robust=True)
    return link


def _telegram_reply(chat_id: int, text: str) -> None:
    try:
        senders.telegram_call("sendMessage", {"chat_id": chat_id, "text": text})
    except (NothingToSend, PermanentFailure, TransientFailure) as exc:
        logger.warning("Telegram confirmation not sent: %s", exc.reason)


def telegram_unlink(*, user) -> bool:
    deleted, _ = TelegramLink.objects.filter(user=user).delete()
    return bool(deleted)


# --- digests --------------------------------------------------------------------------------
def digest_send(*, user_id: int) -> int:
    """One e-mail with everything held for a person's digest; the held rows become digested."""
    from django.core.mail import EmailMultiAlternatives

    with transaction.atomic():
        held = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(user_id=user_id, status=Status.HELD, channel=Channel.EMAIL)
            .select_related("notification", "user")
            .order_by("created", "pk")
        )
        if not held:
            return 0
        user = held[0].user
        language = hooks.language(user)
        items = [rendering.in_app_text(d.notification, user, language=language) for d in held]
        context = {
            "items": items,
            "site_name": settings.SITE_NAME,
            "preferences_url": senders.absolute("/notifications/preferences/"),
        }
        subject = " ".join(
            rendering.render_named(
                "notifications/digest/email_subject.txt", context, language=language
            ).split()
        )
        message = EmailMultiAlternatives(
            subject=subject,
            body=rendering.render_named(
                "notifications/digest/email.txt", context, language=language
            ),
            to=[user.email],
        )
        message.attach_alternative(
            rendering.render_named("notifications/digest/email.html", context, language=language),
            "text/html",
        )
        Delivery.objects.filter(pk__in=[d.pk for d in held]).update(
            status=Status.DIGESTED, sent_at=timezone.now(), attempts=F("attempts") + 1
        )
        # Sent inside the transaction: if the mail server fails, the rows stay held.
        senders._send_mail_message(message)
    return len(held)


def digest_user_ids(*, period: str) -> list[int]:
    return list(
        Delivery.objects.filter(
            status=Status.HELD,
            user__notification_settings__digest=period,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


# --- announcements --------------------------------------------------------------------------
def announcement_recipients(*, announcement: Announcement) -> list[int]:
    users = get_user_model().objects.filter(is_active=True)
    if announcement.language:
        users = users.filter(language=announcement.language)
    if announcement.country:
        # The profile is the accounts app's; read through the relation, never imported.
        users = users.filter(profile__country=announcement.country.upper())
    return list(users.order_by("pk").values_list("pk", flat=True))


def announcement_send(*, announcement_id: int) -> int:
    """Send an announcement to its segment once; a second call does nothing."""
    now = timezone.now()
    claimed = Announcement.objects.filter(pk=announcement_id, sent_at__isnull=True).update(
        sent_at=now
    )
    if not claimed:
        return 0
    announcement = Announcement.objects.get(pk=announcement_id)
    reached = notify_many(
        user_ids=announcement_recipients(announcement=announcement),
        kind="announcement",
        context={"title": announcement.title, "body": announcement.body},
    )
    Announcement.objects.filter(pk=announcement_id).update(recipients=reached)
    return reached
