from celery import shared_task

from apps.challenges import services
from apps.core.tasks import TRANSIENT_RETRY


@shared_task(name="challenges.segment_backfill", **TRANSIENT_RETRY)
def segment_backfill_task(*, segment_id: int) -> int:
    return services.segment_backfill(segment_id=segment_id)
