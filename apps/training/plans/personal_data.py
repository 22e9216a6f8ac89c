"""What plans hold about a person: their enrollments, schedules and adaptations."""

from datetime import date

from django.db import transaction

from apps.core.exceptions import StrideError
from apps.core.personal_data import ExportPart, eraser, exporter, importer
from apps.training.plans.models import PlanEnrollment


@exporter("training_plans")
def export_plans(user_id: int) -> ExportPart:
    enrollments = (
        PlanEnrollment.objects.filter(owner_id=user_id)
        .prefetch_related("sessions", "adaptations")
        .order_by("created", "pk")
    )
    return ExportPart(
        data=[
            {
                "plan": e.plan_slug,
                "status": e.status,
                "start_date": e.start_date.isoformat(),
                "race_date": e.race_date.isoformat() if e.race_date else None,
                "timezone": e.timezone,
                "volume_factor": e.volume_factor,
                "created": e.created.isoformat(),
                "sessions": [
                    {
                        "date": s.date.isoformat(),
                        "planned_date": s.planned_date.isoformat(),
                        "sport": s.sport,
                        "kind": s.kind,
                        "focus": s.focus,
                        "steps": s.steps,
                        "status": s.status,
                        "activity_id": s.activity_id,
                        "completed_at": s.completed_at.isoformat() if s.completed_at else None,
                        "adjustment": s.adjustment,
                        "adjustment_reason": s.adjustment_reason,
                        "adjustment_details": s.adjustment_params,
                    }
                    for s in e.sessions.all()
                ],
                "adaptations": [
                    {
                        "week": a.week + 1,
                        "decision": a.decision,
                        "reason": a.reason,
                        "compliance": a.compliance,
                        "planned_load": a.planned_load,
                        "actual_load": a.actual_load,
                        "volume_factor": a.factor_after,
                        "adapter": a.adapter,
                    }
                    for a in e.adaptations.all()
                ],
            }
            for e in enrollments
        ]
    )


@eraser("training_plans", order=50)
def erase_plans(user_id: int) -> None:
    # Before activities go: sessions point at them.
    PlanEnrollment.objects.filter(owner_id=user_id).delete()


@importer("training_plans")
def import_plans(user_id: int, data, files) -> dict:
    """An active plan aimed at a race still ahead is enrolled again for that race day (dated in
    this Stride's time zone of the person); finished or stopped plans, and plans without a race
    day, are history: they stay in the archive, not in the schedule."""
    from django.contrib.auth import get_user_model

    from apps.training.plans import services

    owner = get_user_model().objects.get(pk=user_id)
    summary = {"enrolled": 0, "history_only": 0}
    for entry in data if isinstance(data, list) else []:
        try:
            race_day = date.fromisoformat(entry["race_date"]) if entry.get("race_date") else None
            if entry.get("status") != "active" or race_day is None:
                summary["history_only"] += 1
                continue
            with transaction.atomic():
                services.plan_enroll(owner=owner, plan_slug=str(entry["plan"]), race_date=race_day)
        except (KeyError, TypeError, ValueError, StrideError):
            summary["history_only"] += 1
            continue
        summary["enrolled"] += 1
    return summary
