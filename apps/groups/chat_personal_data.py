"""What the chat and live runs hold about a person, and its erasure. Registered from
GroupsConfig.ready() (beside the community's personal_data.py)."""

from __future__ import annotations

from django.db import transaction

from apps.core.personal_data import ExportPart, eraser, exporter
from apps.groups.models import (
    ChatMessage,
    ChatMute,
    ChatReadMarker,
    Conversation,
    LiveParticipant,
    LivePoint,
    LiveShareLink,
)


@exporter("chat_and_live")
def export_chat_and_live(user_id: int) -> ExportPart:
    messages = [
        {
            "id": m.pk,
            "conversation": m.conversation_id,
            "group": m.conversation.group.name if m.conversation.group_id else None,
            "body": m.body,
            "created": m.created.isoformat(),
            "edited": m.edited_at.isoformat() if m.edited_at else None,
            "deleted": m.deleted_at.isoformat() if m.deleted_at else None,
        }
        for m in ChatMessage.objects.filter(sender_id=user_id)
        .select_related("conversation__group")
        .order_by("pk")
    ]
    runs = []
    for p in (
        LiveParticipant.objects.filter(user_id=user_id).select_related("session").order_by("pk")
    ):
        row = next(
            (r for r in p.session.summary.get("runners", []) if r.get("user_id") == user_id), None
        )
        runs.append(
            {
                "session": p.session_id,
                "title": p.session.title,
                "role": p.role,
                "started": p.session.started_at.isoformat() if p.session.started_at else None,
                "activity": p.activity_id,
                "result": row,
                "points_kept": LivePoint.objects.filter(
                    session_id=p.session_id, runner_id=user_id
                ).count(),
            }
        )
    return ExportPart(data={"chat_messages": messages, "live_runs": runs})


@eraser("chat_and_live", order=44)
def erase_chat_and_live(user_id: int) -> None:
    """Group-chat messages stay for the others, without their author; direct conversations,
    read markers, mutes, live positions, share links and participations go."""
    with transaction.atomic():
        ChatMessage.objects.filter(sender_id=user_id).update(sender=None, client_id="")
        Conversation.objects.filter(user_low_id=user_id).delete()
        Conversation.objects.filter(user_high_id=user_id).delete()
        ChatReadMarker.objects.filter(user_id=user_id).delete()
        ChatMute.objects.filter(user_id=user_id).delete()
        LivePoint.objects.filter(runner_id=user_id).delete()
        LiveShareLink.objects.filter(runner_id=user_id).delete()
        LiveParticipant.objects.filter(user_id=user_id).delete()
