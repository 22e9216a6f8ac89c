"""Provider webhooks: how fast Stride acknowledges a burst of signed deliveries, and how long an
event takes to become an activity through a real Celery worker.

- Acknowledgement: a burst of BURST signed sandbox deliveries, one after another, each through
  the whole view (HMAC check on the raw body, the event stored under its unique key, the job
  queued on the broker after commit, the JSON answer). Jobs are queued, not run (Celery not
  eager), so this is what the provider waits for. Per-request p50 / p99 / max.
- Event to activity: LAG_EVENTS deliveries posted; a `celery worker` process (solo pool) on the
  Redis broker fetches, generates the workout (~1,300 GPS points), records it. Per-event time
  from the POST to the event's row saying done. Needs PostgreSQL and Redis (skipped otherwise).

    .venv/bin/pytest bench/test_provider_webhooks.py -p no:randomly --benchmark-only -q -s
"""

import statistics
import time

import pytest
from django.test import Client

from apps.devices.models import Connection, WebhookEvent
from apps.devices.providers.sandbox import SandboxProvider
from config.celery import app as celery_app
from tests.accounts.factories import UserFactory
from tests.conftest import services_available
from tests.core.test_real_stack import celery_worker_process  # noqa: F401 - the fixture

BURST = 300
LAG_EVENTS = 20
IDLE_EVENTS = 5

pytestmark = pytest.mark.benchmark(group="provider webhooks")


def _connection() -> tuple[SandboxProvider, str]:
    user = UserFactory()
    adapter = SandboxProvider()
    tokens = adapter.sandbox_tokens(user_id=user.pk)
    Connection.objects.create(
        user=user,
        provider="sandbox",
        external_id=tokens.external_id,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
    )
    return adapter, tokens.external_id


def _deliveries(adapter, athlete: str, count: int, day0: int = 1_780_300_800) -> list:
    out = []
    for i in range(count):
        body, headers = adapter.events_body(
            athlete=athlete, events=[("activity.created", f"{day0 + i * 86400}-run-{i}")]
        )
        out.append((body, {k: v for k, v in headers.items() if k != "Content-Type"}))
    return out


def _post(client: Client, body: bytes, headers: dict) -> float:
    started = time.perf_counter()
    response = client.post(
        "/webhooks/sandbox/", body, content_type="application/json", headers=headers
    )
    took = time.perf_counter() - started
    assert response.status_code == 200
    return took


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
    return (
        f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms over {len(ordered)}"
    )


@pytest.mark.django_db(transaction=True)
def test_acknowledgement_under_a_burst(benchmark, settings):
    adapter, athlete = _connection()
    celery_app.conf.task_always_eager = False  # queue the jobs, do not run them here
    client = Client()
    _post(client, *_deliveries(adapter, athlete, 1, day0=1_700_000_000)[0])  # warm-up
    timings: list[float] = []
    batches = iter(_deliveries(adapter, athlete, BURST * 3)[i::3] for i in range(3))

    def burst():
        for body, headers in next(batches):
            timings.append(_post(client, body, headers))

    try:
        benchmark.pedantic(burst, rounds=3, iterations=1)
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    assert WebhookEvent.objects.count() == BURST * 3 + 1
    benchmark.extra_info["ack"] = _percentiles(timings)
    print(f"\nwebhook acknowledgement ({settings.DATABASES['default']['ENGINE']}): "
          f"{_percentiles(timings)}")  # fmt: skip


@pytest.fixture
def real_services():
    ok, why = services_available()
    if not ok:
        pytest.skip(f"real services not configured: {why}")


@pytest.mark.services
def test_event_to_activity_through_a_real_worker(benchmark, real_services, celery_worker_process):  # noqa: F811
    adapter, athlete = _connection()
    client = Client()
    deliveries = _deliveries(adapter, athlete, LAG_EVENTS + IDLE_EVENTS)
    idle: list[float] = []
    lags: list[float] = []

    def wait(posted: dict, into: list[float]) -> None:
        pending = set(posted)
        deadline = time.monotonic() + 180
        while pending and time.monotonic() < deadline:
            done = WebhookEvent.objects.filter(pk__in=pending, status="done").values_list(
                "pk", flat=True
            )
            now = time.perf_counter()
            for pk in done:
                into.append(now - posted[pk])
                pending.discard(pk)
            time.sleep(0.02)
        assert not pending, "the worker did not finish in time"

    def post(body, headers) -> dict:
        _post(client, body, headers)
        return {WebhookEvent.objects.latest("pk").pk: time.perf_counter()}

    def run():
        for body, headers in deliveries[:IDLE_EVENTS]:  # one at a time, the worker idle
            wait(post(body, headers), idle)
        posted = {}
        for body, headers in deliveries[IDLE_EVENTS:]:  # a burst queued at once
            posted.update(post(body, headers))
        wait(posted, lags)

    benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info["idle"] = _percentiles(idle)
    benchmark.extra_info["burst"] = _percentiles(lags)
    print(f"\nevent to activity, worker idle: {_percentiles(idle)}")
    print(f"event to activity, burst of {LAG_EVENTS}: {_percentiles(lags)}")
