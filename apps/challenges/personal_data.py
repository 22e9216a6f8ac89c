"""What challenges holds about a person: participations, badges, points, leaderboard rows and
the opt-out; all erased with them (nothing here is relied on by others)."""

from __future__ import annotations

from apps.challenges.models import (
    ActivityContribution,
    BadgeAward,
    FlaggedActivity,
    LeaderboardEntry,
    LeaderboardSettings,
    Participation,
    PointsLedger,
)
from apps.core.personal_data import ExportPart, eraser, exporter


@exporter("challenges")
def export_challenges(user_id: int) -> ExportPart:
    return ExportPart(
        data={
            "participations": [
                {
                    "challenge": p.challenge.slug,
                    "joined_at": p.joined_at.isoformat(),
                    "progress": p.progress,
                    "completed_at": p.completed_at.isoformat() if p.completed_at else None,
                }
                for p in Participation.objects.filter(user_id=user_id).select_related("challenge")
            ],
            "badges": [
                {"badge": a.badge.slug, "awarded_at": a.awarded_at.isoformat()}
                for a in BadgeAward.objects.filter(user_id=user_id).select_related("badge")
            ],
            "points": list(PointsLedger.objects.filter(user_id=user_id).values("points", "reason")),
            "hidden_from_leaderboards": LeaderboardSettings.objects.filter(
                user_id=user_id, hidden=True
            ).exists(),
        }
    )


@eraser("challenges", order=45)
def erase_challenges(user_id: int) -> None:
    for model in (
        Participation,
        BadgeAward,
        PointsLedger,
        LeaderboardEntry,
        LeaderboardSettings,
        ActivityContribution,
        FlaggedActivity,
    ):
        field = "owner_id" if model is FlaggedActivity else "user_id"
        model.objects.filter(**{field: user_id}).delete()
