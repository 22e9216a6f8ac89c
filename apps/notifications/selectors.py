"""Reads of the notifications app."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet

from apps.notifications import kinds
from apps.notifications.models import (
    ChannelState,
    DeliverySettings,
    Notification,
    Preference,
    PushSubscription,
    TelegramLink,
)


def notification_list(*, user) -> QuerySet[Notification]:
    """The in-app list, newest first (cursor pagination orders by -created, -pk)."""
    return Notification.objects.filter(user=user, visible=True)


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, visible=True, read_at__isnull=True).count()


def notification_get(*, user, notification_id: int) -> Notification | None:
    return Notification.objects.filter(user=user, pk=notification_id, visible=True).first()


@dataclass
class Recipient:
    """What deciding the channels of one notification needs to know about one person."""

    user: object
    preferences: dict[str, bool] = field(default_factory=dict)  # channel → enabled
    disabled: dict[str, str] = field(default_factory=dict)  # channel → reason
    has_push: bool = False
    has_telegram: bool = False
    quiet_start: time | None = None
    quiet_end: time | None = None
    digest: str = DeliverySettings.Digest.OFF


def _related_for_time_zone() -> list[str]:
    model = get_user_model()
    names = {f.name for f in model._meta.get_fields()}
    return ["profile"] if "profile" in names else []


def recipients(*, user_ids: list[int], kind: str) -> list[Recipient]:
    """Everyone in `user_ids` with their preferences for `kind`, disabled channels, links and
    delivery settings: four queries, whatever the number of people."""
    users = (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .select_related(*_related_for_time_zone())
        .annotate(
            _has_push=Exists(PushSubscription.objects.filter(user=OuterRef("pk"))),
            _has_telegram=Exists(TelegramLink.objects.filter(user=OuterRef("pk"))),
        )
        .order_by("pk")
    )
    found = {
        u.pk: Recipient(user=u, has_push=u._has_push, has_telegram=u._has_telegram) for u in users
    }
    if not found:
        return []
    ids = list(found)
    for user_id, channel, enabled in Preference.objects.filter(
        user_id__in=ids, kind=kind
    ).values_list("user_id", "channel", "enabled"):
        found[user_id].preferences[channel] = enabled
    for user_id, channel, reason in ChannelState.objects.filter(user_id__in=ids).values_list(
        "user_id", "channel", "disabled_reason"
    ):
        found[user_id].disabled[channel] = reason
    for user_id, start, end, digest in DeliverySettings.objects.filter(user_id__in=ids).values_list(
        "user_id", "quiet_start", "quiet_end", "digest"
    ):
        r = found[user_id]
        r.quiet_start, r.quiet_end, r.digest = start, end, digest
    return list(found.values())


def preference_matrix(*, user) -> list[dict]:
    """Every kind and channel with the person's choice or the default."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in Preference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    rows = []
    for kind in kinds.all_kinds():
        for channel in kinds.Channel:
            rows.append(
                {
                    "kind": kind.name,
                    "kind_label": str(kind.label),
                    "category": kind.category,
                    "channel": channel.value,
                    "enabled": chosen.get((kind.name, channel.value), kind.default_for(channel)),
                }
            )
    return rows


def delivery_settings_for(*, user) -> DeliverySettings:
    return DeliverySettings.objects.filter(user=user).first() or DeliverySettings(user=user)


def channel_states(*, user) -> dict[str, str]:
    return dict(ChannelState.objects.filter(user=user).values_list("channel", "disabled_reason"))


def push_subscription_list(*, user) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user=user).order_by("-created", "-pk")


def telegram_link_for(*, user) -> TelegramLink | None:
    return TelegramLink.objects.filter(user=user).first()
