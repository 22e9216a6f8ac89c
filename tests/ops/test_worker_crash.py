"""A Celery worker killed mid-task (SIGKILL, no chance to clean up) loses no task: the message
is acked only after the task returns (CELERY_TASK_ACKS_LATE), so the broker hands it to the
next worker, and the task's idempotent write makes it complete exactly once."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from redis import Redis

from apps.core.models import IdempotencyRecord
from config.celery import app as celery_app

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("real_services")]
ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT_S = 4  # short here so the lost message comes back within the test


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def _start_worker(name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": str(ROOT),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
    }
    return subprocess.Popen(  # noqa: S603 - fixed argv
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "-Q", "crash-test", "--pool", "solo", "-n", f"{name}-{os.getpid()}@%h",
            "--include", "tests.ops.crash_tasks",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_a_task_survives_its_worker_being_killed_and_completes_once(transactional_db, tmp_path):
    from tests.ops.crash_tasks import transfer_once

    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    key = uuid.uuid4().hex
    log = tmp_path / "task.log"
    log.touch()
    celery_app.conf.task_always_eager = False
    first = second = None
    try:
        first = _start_worker("doomed")
        transfer_once.apply_async(
            kwargs={"key": key, "log": str(log), "pause_s": 6.0}, queue="crash-test"
        )
        _wait_for(lambda: f"start {key}" in log.read_text(), 60, "the first worker to start")
        os.kill(first.pid, signal.SIGKILL)  # mid-task: no ack, no cleanup
        first.wait(timeout=10)
        assert not IdempotencyRecord.objects.filter(scope="ops-crash-test", key=key).exists()

        # kombu restores unacked messages under a Redis mutex that expires after 5 minutes; a
        # worker killed while holding it (it restores at start and every 10 s) would make the
        # next one wait those 5 minutes. Production waits; the test lets the lock go.
        Redis.from_url(settings.CELERY_BROKER_URL).delete("unacked_mutex")
        second = _start_worker("rescuer")
        _wait_for(
            lambda: IdempotencyRecord.objects.filter(scope="ops-crash-test", key=key).exists(),
            180,  # kombu restores unacked messages every ~10 s, after the visibility timeout
            "the second worker to complete the task",
        )
        _wait_for(lambda: f"done {key}" in log.read_text(), 10, "the task to log its end")
        time.sleep(VISIBILITY_TIMEOUT_S + 2)  # long enough for any stray redelivery to show

        lines = log.read_text().splitlines()
        assert lines.count(f"start {key}") == 2  # killed once, delivered again
        assert [line for line in lines if line.startswith("done")] == [f"done {key} created=True"]
        assert IdempotencyRecord.objects.filter(scope="ops-crash-test", key=key).count() == 1
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        for worker in (first, second):
            if worker is not None:
                _stop(worker)
