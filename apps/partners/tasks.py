"""Celery jobs of the partners app: send one webhook delivery; pick up the due retries."""

from celery import shared_task

from apps.core.tasks import TRANSIENT_RETRY
from apps.partners import services


@shared_task(name="partners.delivery_attempt", soft_time_limit=60, time_limit=90, **TRANSIENT_RETRY)
def delivery_attempt_task(*, delivery_id: int) -> None:
    """Send one pending webhook delivery (a no-op if it is done or another worker has it)."""
    services.delivery_attempt(delivery_id=delivery_id)


@shared_task(name="partners.deliveries_dispatch", soft_time_limit=240, time_limit=300)
def deliveries_dispatch_task() -> int:
    """Beat, every 30 s: queue each delivery whose retry came due (and any lost first try)."""
    ids = services.deliveries_due_ids()
    for delivery_id in ids:
        delivery_attempt_task.delay(delivery_id=delivery_id)
    return len(ids)
