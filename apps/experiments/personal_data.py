"""GDPR: the experiments a person was in and what they converted on."""

from apps.core.personal_data import ExportPart, eraser, exporter
from apps.experiments import selectors, services


@exporter("experiments")
def export_experiments(user_id: int) -> ExportPart:
    return ExportPart(
        data={
            "assignments": [
                {
                    "experiment": a.experiment.key,
                    "variant": a.variant.key,
                    "assigned_at": a.assigned_at.isoformat(),
                }
                for a in selectors.assignments_of(user_id=user_id)
            ],
            "conversions": [
                {
                    "experiment": c.experiment.key,
                    "variant": c.variant.key,
                    "metric": c.metric,
                    "converted_at": c.converted_at.isoformat(),
                }
                for c in selectors.conversions_of(user_id=user_id)
            ],
        }
    )


@eraser("experiments")
def erase_experiments(user_id: int) -> None:
    services.subject_forget(user_id=user_id)
