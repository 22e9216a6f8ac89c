"""Core Celery tasks and the defaults every task in Stride follows.

Global defaults (config/settings/base.py): acks_late with reject_on_worker_lost, so a task
can run twice and must be idempotent; hard and soft time limits; prefetch 1. `TRANSIENT_RETRY`
gives exponential backoff with jitter, bounded retries and a ceiling under the broker's
visibility timeout. Tasks take ids, never model instances.
"""

import logging

from celery import shared_task
from celery.signals import task_postrun, task_prerun, worker_process_shutdown
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.core import analytics, db_router

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
)
RETRY_BACKOFF_MAX = 600
TRANSIENT_RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 6,
}


def bounded_countdown(seconds: float) -> int:
    """A delay that never exceeds the broker's visibility timeout (else it runs twice)."""
    ceiling = settings.CELERY_VISIBILITY_TIMEOUT - 60
    return int(max(0, min(seconds, ceiling)))


@shared_task(name="core.run_event_handler", **TRANSIENT_RETRY)
def run_event_handler_task(*, handler: str, event: dict) -> None:
    """Run one subscriber of one domain event (see apps.core.events)."""
    from apps.core.events import DomainEvent

    import_string(handler)(DomainEvent(**event))


@shared_task(name="core.purge_idempotency_keys")
def purge_idempotency_keys_task() -> int:
    """Delete idempotency records older than their time to live."""
    from apps.core.models import IdempotencyRecord

    cutoff = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
    deleted, _ = IdempotencyRecord.objects.filter(created__lt=cutoff).delete()
    return deleted


@task_prerun.connect
def _replica_reads_start_afresh(**kwargs) -> None:
    """Read-your-writes is per task: a write in an earlier task of this worker process does
    not keep later tasks' marked reads on the primary (apps.core.db_router)."""
    db_router.unit_of_work_start()


@task_postrun.connect
def _flush_analytics_after_task(**kwargs) -> None:
    backend = analytics.get_backend()
    if backend.due():
        backend.flush()


@worker_process_shutdown.connect
def _flush_analytics_on_shutdown(**kwargs) -> None:
    analytics.flush()
