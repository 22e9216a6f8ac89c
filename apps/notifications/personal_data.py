"""What notifications holds about a person, for the data export (apps.core.personal_data)."""

from apps.core.personal_data import ExportPart, exporter
from apps.notifications.models import (
    DeliverySettings,
    Notification,
    Preference,
    PushSubscription,
    TelegramLink,
)


def _iso(value):
    return value.isoformat() if value else None


@exporter("notifications")
def export_notifications(user_id: int) -> ExportPart:
    settings_row = DeliverySettings.objects.filter(user_id=user_id).first()
    link = TelegramLink.objects.filter(user_id=user_id).first()
    return ExportPart(
        data={
            "notifications": [
                {
                    "kind": n.kind,
                    "context": n.context,
                    "actor_count": n.actor_count,
                    "created": _iso(n.created),
                    "read_at": _iso(n.read_at),
                }
                for n in Notification.objects.filter(user_id=user_id).order_by("created", "pk")
            ],
            "preferences": [
                {"kind": kind, "channel": channel, "enabled": enabled}
                for kind, channel, enabled in Preference.objects.filter(user_id=user_id)
                .order_by("kind", "channel")
                .values_list("kind", "channel", "enabled")
            ],
            "delivery_settings": (
                {
                    "quiet_start": _iso(settings_row.quiet_start),
                    "quiet_end": _iso(settings_row.quiet_end),
                    "digest": settings_row.digest,
                }
                if settings_row
                else None
            ),
            "push_subscriptions": [
                {"browser": s.user_agent, "created": _iso(s.created)}
                for s in PushSubscription.objects.filter(user_id=user_id).order_by("created")
            ],
            "telegram": (
                {"chat_id": link.chat_id, "username": link.username, "linked": _iso(link.created)}
                if link
                else None
            ),
        }
    )
