"""Celery jobs of the file import (routed to the "sync" queue by config/celery.py)."""

import logging

from celery import shared_task
from django.conf import settings

from apps.core.tasks import TRANSIENT_RETRY, bounded_countdown
from apps.devices import services
from apps.devices.exceptions import ConnectionInactive
from apps.devices.providers.base import ProviderError, RateLimited

logger = logging.getLogger(__name__)


@shared_task(
    name="devices.upload_process",
    soft_time_limit=settings.UPLOAD_TIME_LIMIT_S,
    time_limit=settings.UPLOAD_TIME_LIMIT_S + 30,
    **TRANSIENT_RETRY,
)
def upload_process_task(*, upload_id: int) -> None:
    """Turn one uploaded file into an activity (or expand one archive)."""
    services.upload_process(upload_id=upload_id)


@shared_task(
    name="devices.archive_expand",
    soft_time_limit=settings.UPLOAD_TIME_LIMIT_S * 10,
    time_limit=settings.UPLOAD_TIME_LIMIT_S * 10 + 30,
    **TRANSIENT_RETRY,
)
def archive_expand_task(*, upload_id: int) -> None:
    """Unpack one export archive into an upload per workout file (a longer time limit: it
    stores every file, it parses none)."""
    services.upload_process(upload_id=upload_id)


@shared_task(name="devices.requeue_stuck_uploads")
def uploads_requeue_stuck_task() -> int:
    """Re-queue (or fail) uploads a dead worker left "processing"."""
    return services.uploads_requeue_stuck()


@shared_task(name="devices.webhook_event_process", **TRANSIENT_RETRY)
def webhook_event_process_task(*, event_id: int) -> str | None:
    """Fetch, normalize and record what one provider webhook event announced. Provider
    trouble is rescheduled by the service itself (429 after the reset, 5xx with backoff)."""
    return services.webhook_event_process(event_id=event_id)


@shared_task(name="devices.webhook_events_release_due")
def webhook_events_release_due_task() -> int:
    """Queue the webhook events whose retry time came (beat, every minute)."""
    return services.webhook_events_release_due()


@shared_task(name="devices.connections_reconcile", **TRANSIENT_RETRY)
def connections_reconcile_task() -> int:
    """Nightly: list recent activities at providers that allow it, to heal missed webhooks."""
    return services.connections_reconcile()


@shared_task(bind=True, name="devices.connection_backfill", **TRANSIENT_RETRY)
def connection_backfill_task(self, *, connection_id: int) -> int:
    """A new connection brings in the last days' workouts where the provider allows listing.
    Over the provider's budget: again after its reset; other provider trouble is logged (the
    nightly reconciliation lists the same days again)."""
    try:
        return services.connection_backfill(connection_id=connection_id)
    except RateLimited as exc:
        raise self.retry(countdown=bounded_countdown(exc.reset_s), max_retries=3) from None
    except (ProviderError, ConnectionInactive) as exc:
        logger.warning("devices: backfill of connection %s skipped: %s", connection_id, exc.code)
        return 0


@shared_task(name="devices.sandbox_workouts_send", **TRANSIENT_RETRY)
def sandbox_workouts_send_task(*, connection_id: int, count: int) -> list[int]:
    """The sandbox platform delivers signed webhooks for `count` new workouts."""
    return services.sandbox_workouts_send(connection_id=connection_id, count=count)
