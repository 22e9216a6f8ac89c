"""A task for the worker-crash test, loaded into the worker with `--include`.

Each start is logged to a file (so the test sees a worker pick it up); the work itself is one
idempotent write (a row unique on (scope, key)) done after a pause in which the test kills
the worker. With acks_late the broker keeps the message until the task returns, so a killed
worker's task is delivered again; the unique row makes a second delivery a no-op."""

import time
from pathlib import Path

from celery import shared_task

from apps.core.models import IdempotencyRecord


@shared_task(name="tests.ops.transfer_once", acks_late=True)
def transfer_once(*, key: str, log: str, pause_s: float) -> str:
    with Path(log).open("a") as f:
        f.write(f"start {key}\n")
    time.sleep(pause_s)  # the worker is killed here on the first delivery
    _, created = IdempotencyRecord.objects.get_or_create(
        scope="ops-crash-test", key=key, defaults={"fingerprint": "x", "state": "done"}
    )
    with Path(log).open("a") as f:
        f.write(f"done {key} created={created}\n")
    return "created" if created else "already done"
