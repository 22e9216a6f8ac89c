"""Proof that the real stack works: PostgreSQL, Redis cache, a Celery worker process consuming
the real broker, and the channel layer through Redis. Skipped without the services; CI sets
STRIDE_REQUIRE_SERVICES=1, which turns a skip into a failure."""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from apps.core import events
from apps.core.models import AnalyticsEvent, IdempotencyRecord
from config.celery import app as celery_app

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("real_services")]
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real `celery worker` process on the test database, consuming the real broker."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": str(ROOT),
    }
    hostname = f"test-{os.getpid()}@%h"
    worker = subprocess.Popen(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "default,sync,notifications,ml",
            "--pool",
            "solo",
            "-n",
            hostname,
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    celery_app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                pytest.fail(f"the worker exited with {worker.returncode}")
            if celery_app.control.ping(timeout=1.0):
                break
        else:
            pytest.fail("the Celery worker did not answer a ping within 60 s")
        yield worker
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0  # persistent connections


def test_the_cache_is_redis_and_shared():
    from django.core.cache import cache, caches
    from redis import Redis

    cache.set("real-stack-probe", "through redis", timeout=30)

    assert caches["default"].__class__.__name__ == "RedisCache"
    keys = Redis.from_url(settings.REDIS_URL).keys("*real-stack-probe*")
    assert len(keys) == 1


def test_a_task_runs_in_a_real_worker_through_the_broker(celery_worker_process):
    from datetime import timedelta

    from django.utils import timezone

    from apps.core.tasks import purge_idempotency_keys_task

    old = IdempotencyRecord.objects.create(scope="s", key="old", fingerprint="f", state="done")
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created=timezone.now() - settings.IDEMPOTENCY_KEY_TTL - timedelta(minutes=5)
    )

    result = purge_idempotency_keys_task.delay()

    assert result.get(timeout=30) == 1  # the worker's answer, through the result backend
    assert not IdempotencyRecord.objects.filter(pk=old.pk).exists()


def test_a_committed_event_is_handled_by_the_worker(celery_worker_process):
    events.subscribe("real_stack_checked")(_handler())
    try:
        with transaction.atomic():
            event = events.publish("real_stack_checked", run=1)

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if AnalyticsEvent.objects.filter(properties__event_id=event.id).exists():
                break
            time.sleep(0.2)
        row = AnalyticsEvent.objects.get(properties__event_id=event.id)
        assert row.name == "handled_by_worker"
        assert row.properties == {"event_id": event.id, "run": 1}
    finally:
        events._subscriptions.pop("real_stack_checked", None)


def _handler():
    from tests.core.handlers import record_in_worker

    return record_in_worker


async def test_the_channel_layer_is_redis_and_survives_idle_sockets():
    """The deployed layer is channels_redis' pub/sub layer (config/settings/base.py), and a
    socket idle longer than any socket timeout still gets the next group message."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    assert layer.__class__.__name__ == "RedisPubSubChannelLayer"

    channel = await layer.new_channel()
    await layer.group_add("real-stack", channel)
    receiving = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(7)  # longer than the blocking pop and the old socket timeout
    assert not receiving.done()

    await layer.group_send("real-stack", {"type": "probe", "n": 1})
    message = await asyncio.wait_for(receiving, timeout=5)

    assert message == {"type": "probe", "n": 1}
    await layer.group_discard("real-stack", channel)
