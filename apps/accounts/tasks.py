from celery import shared_task

from apps.accounts import services
from apps.core.tasks import TRANSIENT_RETRY


@shared_task(name="accounts.data_export_build", **TRANSIENT_RETRY)
def data_export_build_task(*, export_id: int) -> str:
    return services.data_export_build(export_id=export_id).status


@shared_task(name="accounts.data_export_purge_expired", **TRANSIENT_RETRY)
def data_export_purge_expired_task() -> int:
    return services.data_export_purge_expired()
