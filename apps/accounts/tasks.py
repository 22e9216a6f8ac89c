from celery import shared_task

from apps.accounts import services
from apps.core.tasks import TRANSIENT_RETRY


@shared_task(name="accounts.data_export_build", **TRANSIENT_RETRY)
def data_export_build_task(*, export_id: int) -> str:
    return services.data_export_build(export_id=export_id).status


@shared_task(name="accounts.data_export_purge_expired", **TRANSIENT_RETRY)
def data_export_purge_expired_task() -> int:
    return services.data_export_purge_expired()


@shared_task(name="accounts.erase_due_accounts", **TRANSIENT_RETRY)
def erase_due_accounts_task() -> int:
    """Beat: hand every erasure whose grace period is over to its own task."""
    ids = services.due_erasure_ids()
    for erasure_id in ids:
        erase_account_task.delay(erasure_id=erasure_id)
    return len(ids)


@shared_task(name="accounts.erase_account", **TRANSIENT_RETRY)
def erase_account_task(*, erasure_id: int) -> str:
    return services.account_erase(erasure_id=erasure_id).status


@shared_task(name="accounts.data_import_run", **TRANSIENT_RETRY)
def data_import_run_task(*, import_id: int) -> str:
    return services.data_import_run(import_id=import_id).status
