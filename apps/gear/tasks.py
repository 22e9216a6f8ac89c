"""Celery jobs of the gear app."""

from celery import shared_task

from apps.core.tasks import TRANSIENT_RETRY
from apps.gear import services


@shared_task(
    name="gear.catalog_import_run", soft_time_limit=1800, time_limit=1830, **TRANSIENT_RETRY
)
def catalog_import_run_task(*, report_id: int) -> None:
    """Import one stored product feed and write its report."""
    services.catalog_import_run(report_id=report_id)
