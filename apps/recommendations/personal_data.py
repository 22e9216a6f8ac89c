"""GDPR: a person's recommendation feedback, the features kept about them, their impressions
(product-analytics events) — exported, and erased with the person."""

from apps.core.models import AnalyticsEvent
from apps.core.personal_data import ExportPart, eraser, exporter
from apps.recommendations import selectors, services


@exporter("recommendations")
def export_recommendations(user_id: int) -> ExportPart:
    profile = selectors.profile_get(user_id=user_id)
    return ExportPart(
        data={
            "profile": {
                "country": profile.country,
                "sport_shares": profile.sport_shares,
                "level": profile.level,
            }
            if profile
            else None,
            "interactions": [
                {
                    "kind": i.kind,
                    "item": i.item_key,
                    "action": i.action,
                    "at": i.occurred_at.isoformat(),
                }
                for i in selectors.interactions_of(user_id=user_id)
            ],
            "impressions": [
                {"at": e.occurred_at.isoformat(), **e.properties}
                for e in AnalyticsEvent.objects.filter(
                    user_id=user_id, name=services.IMPRESSION_EVENT
                ).order_by("occurred_at")
            ],
        }
    )


@eraser("recommendations", order=90)
def erase_recommendations(user_id: int) -> None:
    services.personal_data_erase(user_id=user_id)
    # Impressions say what was shown to whom: they go (core's eraser only anonymises).
    AnalyticsEvent.objects.filter(user_id=user_id, name=services.IMPRESSION_EVENT).delete()
