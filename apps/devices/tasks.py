"""Celery jobs of the file import (routed to the "sync" queue by config/celery.py)."""

from celery import shared_task
from django.conf import settings

from apps.core.tasks import TRANSIENT_RETRY
from apps.devices import services


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
