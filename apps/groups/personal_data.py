"""What the community holds about a person: whom they follow, block and mute, their groups,
RSVPs, kudos and comments, their reports and the moderation decisions about them; and its
erasure (before training's, which removes their activities with the kudos and comments on
them)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from apps.core.personal_data import ExportPart, eraser, exporter
from apps.groups.models import (
    Appeal,
    Block,
    Comment,
    EventRSVP,
    Follow,
    Group,
    Kudos,
    Membership,
    ModerationAction,
    Mute,
    Report,
    Role,
)


def _iso(value):
    return value.isoformat() if value else None


@exporter("community")
def export_community(user_id: int) -> ExportPart:
    return ExportPart(
        data={
            "following": [
                {"person": f, "status": s, "since": _iso(c)}
                for f, s, c in Follow.objects.filter(follower_id=user_id)
                .order_by("pk")
                .values_list("followee_id", "status", "created")
            ],
            "followers": [
                {"person": f, "status": s, "since": _iso(c)}
                for f, s, c in Follow.objects.filter(followee_id=user_id)
                .order_by("pk")
                .values_list("follower_id", "status", "created")
            ],
            "blocked": list(
                Block.objects.filter(blocker_id=user_id)
                .order_by("pk")
                .values_list("blocked_id", flat=True)
            ),
            "muted": list(
                Mute.objects.filter(muter_id=user_id)
                .order_by("pk")
                .values_list("muted_id", flat=True)
            ),
            "groups": [
                {"group": slug, "name": name, "role": role, "status": status, "since": _iso(c)}
                for slug, name, role, status, c in Membership.objects.filter(user_id=user_id)
                .order_by("pk")
                .values_list("group__slug", "group__name", "role", "status", "created")
            ],
            "rsvps": [
                {"event": title, "starts_at": _iso(starts), "answer": answer}
                for title, starts, answer in EventRSVP.objects.filter(user_id=user_id)
                .order_by("pk")
                .values_list("event__title", "event__starts_at", "answer")
            ],
            "kudos_given": list(
                Kudos.objects.filter(user_id=user_id)
                .order_by("pk")
                .values_list("activity_id", flat=True)
            ),
            "comments": [
                {"activity": a, "body": body, "created": _iso(c)}
                for a, body, c in Comment.objects.filter(author_id=user_id)
                .order_by("pk")
                .values_list("activity_id", "body", "created")
            ],
            "reports_made": [
                {"about": f"{t} {i}", "reason": r, "details": d, "status": s}
                for t, i, r, d, s in Report.objects.filter(reporter_id=user_id)
                .order_by("pk")
                .values_list("target_type", "target_id", "reason", "details", "status")
            ],
            "moderation_decisions": [
                {
                    "action": a.kind,
                    "reason": a.reason,
                    "created": _iso(a.created),
                    "suspended_until": _iso(a.suspended_until),
                    "reversed": a.reversed_at is not None,
                    "appeal": a.appeal.text if hasattr(a, "appeal") else None,
                }
                for a in ModerationAction.objects.filter(subject_id=user_id)
                .select_related("appeal")
                .order_by("pk")
            ],
        }
    )


@eraser("community", order=45)
def erase_community(user_id: int) -> None:
    """Everything the person did here goes; a group they alone own passes to its longest
    serving admin or member, and a group left empty is deleted."""
    with transaction.atomic():
        owned = Membership.objects.filter(user_id=user_id, role=Role.OWNER, status="active")
        for membership in owned.select_related("group"):
            group = membership.group
            others = Membership.objects.filter(group=group, status="active").exclude(
                user_id=user_id
            )
            if others.filter(role=Role.OWNER).exists():
                continue
            heir = (
                others.filter(role=Role.ADMIN).order_by("created", "pk").first()
                or others.order_by("created", "pk").first()
            )
            if heir is None:
                Group.objects.filter(pk=group.pk).delete()
            else:
                Membership.objects.filter(pk=heir.pk).update(role=Role.OWNER)
        Membership.objects.filter(user_id=user_id).delete()
        Follow.objects.filter(Q(follower_id=user_id) | Q(followee_id=user_id)).delete()
        Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).delete()
        Mute.objects.filter(Q(muter_id=user_id) | Q(muted_id=user_id)).delete()
        EventRSVP.objects.filter(user_id=user_id).delete()
        Kudos.objects.filter(user_id=user_id).delete()
        Comment.objects.filter(author_id=user_id).delete()
        Report.objects.filter(reporter_id=user_id).delete()
        Appeal.objects.filter(action__subject_id=user_id).delete()
        ModerationAction.objects.filter(subject_id=user_id).delete()
