"""What plans hold about a person: their enrollments, schedules and adaptations."""

from apps.core.personal_data import ExportPart, eraser, exporter
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
