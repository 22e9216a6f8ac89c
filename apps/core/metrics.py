"""Prometheus metrics of Stride's own: business counters, Celery tasks and queues, database
time and websocket connections. django-prometheus already counts HTTP requests, responses,
latencies and model writes; /metrics (apps.core.views.metrics) serves both.

Apps record business figures with one-line calls, never touching prometheus_client:

    metrics.activity_imported(source="upload")
    metrics.notification_sent(channel="email")
    metrics.webhook_received(provider="strava", sent_at=event_time)
    metrics.coupon_redeemed(partner=...)        # extension points for the apps to come
    metrics.chat_message_sent() / metrics.live_run_joined()

Label values must come from a small fixed set (a source, a channel, a provider name), never
from user input: every distinct value is a new time series.

Each gunicorn or Celery process keeps its own counters; Prometheus sums them over the pods.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

# --- business figures ---------------------------------------------------------------------
ACTIVITIES_IMPORTED = Counter(
    "stride_activities_imported_total",
    "Activities recorded, by where they came from (manual, upload, a provider's name).",
    ["source"],
)
NOTIFICATIONS_SENT = Counter(
    "stride_notifications_sent_total",
    "Notifications delivered, by channel (in_app, email, push, telegram).",
    ["channel"],
)
NOTIFICATIONS_FAILED = Counter(
    "stride_notifications_failed_total",
    "Notification deliveries that failed, by channel.",
    ["channel"],
)
WEBHOOK_LAG = Histogram(
    "stride_webhook_lag_seconds",
    "Seconds from a provider's event to our receipt of its webhook, by provider.",
    ["provider"],
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600),
)
WEBHOOKS_RECEIVED = Counter(
    "stride_webhooks_received_total", "Provider webhooks received, by provider.", ["provider"]
)
BUSINESS_EVENTS = Counter(
    "stride_business_events_total",
    "Other business events (chat messages, live-run joins, coupon redemptions…), by name.",
    ["event"],
)

# --- websockets ---------------------------------------------------------------------------
WEBSOCKET_CONNECTIONS = Gauge(
    "stride_websocket_connections",
    "Open websocket connections in this process, by consumer.",
    ["consumer"],
    multiprocess_mode="livesum",
)
WEBSOCKET_CONNECTS = Counter(
    "stride_websocket_connects_total",
    "Websocket connections accepted (accepted) or refused (refused), by consumer.",
    ["consumer", "outcome"],
)

# --- Celery -------------------------------------------------------------------------------
CELERY_TASKS = Counter(
    "stride_celery_tasks_total",
    "Celery tasks finished, by task name and state (success, failure, retry).",
    ["task", "state"],
)
CELERY_TASK_DURATION = Histogram(
    "stride_celery_task_duration_seconds",
    "Seconds a Celery task ran in the worker, by task name.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
CELERY_TASK_QUEUE_WAIT = Histogram(
    "stride_celery_task_queue_wait_seconds",
    "Seconds between sending a task and a worker starting it (queue latency), by queue.",
    ["queue"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600),
)

# --- database -----------------------------------------------------------------------------
DB_QUERY_DURATION = Histogram(
    "stride_db_query_duration_seconds",
    "Seconds each SQL statement took, by database alias.",
    ["alias"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)
DB_QUERY_ERRORS = Counter(
    "stride_db_query_errors_total", "SQL statements that raised, by database alias.", ["alias"]
)


# --- one-line calls for the apps ------------------------------------------------------------
def activity_imported(*, source: str) -> None:
    ACTIVITIES_IMPORTED.labels(source=source).inc()


def notification_sent(*, channel: str) -> None:
    NOTIFICATIONS_SENT.labels(channel=channel).inc()


def notification_failed(*, channel: str) -> None:
    NOTIFICATIONS_FAILED.labels(channel=channel).inc()


def webhook_received(*, provider: str, sent_at: datetime | None = None) -> None:
    """A provider's webhook arrived; `sent_at` (the provider's event time) gives the lag."""
    WEBHOOKS_RECEIVED.labels(provider=provider).inc()
    if sent_at is not None:
        lag = (timezone.now() - sent_at).total_seconds()
        WEBHOOK_LAG.labels(provider=provider).observe(max(lag, 0.0))


def business_event(name: str) -> None:
    """Count a named business event (`chat_message_sent`, `live_run_joined`, …)."""
    BUSINESS_EVENTS.labels(event=name).inc()


def chat_message_sent() -> None:
    business_event("chat_message_sent")


def live_run_joined() -> None:
    business_event("live_run_joined")


def coupon_redeemed() -> None:
    business_event("coupon_redeemed")


def websocket_opened(consumer: str) -> None:
    WEBSOCKET_CONNECTIONS.labels(consumer=consumer).inc()
    WEBSOCKET_CONNECTS.labels(consumer=consumer, outcome="accepted").inc()


def websocket_refused(consumer: str) -> None:
    WEBSOCKET_CONNECTS.labels(consumer=consumer, outcome="refused").inc()


def websocket_closed(consumer: str) -> None:
    WEBSOCKET_CONNECTIONS.labels(consumer=consumer).dec()


# --- database time: an execute wrapper on every connection ----------------------------------
def _timed_execute(alias: str):
    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception:
            DB_QUERY_ERRORS.labels(alias=alias).inc()
            raise
        finally:
            DB_QUERY_DURATION.labels(alias=alias).observe(time.perf_counter() - started)

    return wrapper


def install_query_timer(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: time every statement on the new connection."""
    if not any(getattr(w, "stride_query_timer", False) for w in connection.execute_wrappers):
        wrapper = _timed_execute(connection.alias)
        wrapper.stride_query_timer = True
        connection.execute_wrappers.append(wrapper)


# --- Celery: signals record duration, outcome and queue wait ----------------------------------
_started: dict[str, float] = {}


def _task_name(task) -> str:
    return getattr(task, "name", None) or "unknown"


def on_task_prerun(sender=None, task_id=None, task=None, **kwargs) -> None:
    _started[task_id] = time.perf_counter()
    request = getattr(task, "request", None)
    sent = (getattr(request, "headers", None) or {}).get("stride_sent_at") if request else None
    if sent is None and request is not None:
        sent = getattr(request, "stride_sent_at", None)
    if sent:
        queue = ((getattr(request, "delivery_info", None) or {}).get("routing_key")) or "default"
        CELERY_TASK_QUEUE_WAIT.labels(queue=queue).observe(max(time.time() - float(sent), 0.0))


def on_task_postrun(sender=None, task_id=None, task=None, state=None, **kwargs) -> None:
    started = _started.pop(task_id, None)
    name = _task_name(task)
    if started is not None:
        CELERY_TASK_DURATION.labels(task=name).observe(time.perf_counter() - started)
    if state in ("SUCCESS", "FAILURE", "RETRY"):
        CELERY_TASKS.labels(task=name, state=state.lower()).inc()


def on_before_task_publish(sender=None, headers=None, **kwargs) -> None:
    if headers is not None:
        headers["stride_sent_at"] = time.time()


# --- queue depth: read at scrape time from the broker's Redis lists --------------------------
class CeleryQueueCollector:
    """`stride_celery_queue_length{queue}`: messages waiting in each Celery queue.

    The Redis transport keeps a queue as a list named after it (priority lists add a suffix
    and are counted with it). Read at scrape time; nothing when the broker is not Redis."""

    def describe(self):
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        url = getattr(settings, "CELERY_BROKER_URL", "") or ""
        if not url.startswith(("redis://", "rediss://")):
            return
        family = GaugeMetricFamily(
            "stride_celery_queue_length", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        try:
            for queue, length in queue_lengths(url).items():
                family.add_metric([queue], length)
        except Exception as exc:  # a scrape must not fail because the broker blinked
            logger.warning("queue length scrape failed: %s", exc.__class__.__name__)
            return
        yield family


def queue_lengths(broker_url: str) -> dict[str, int]:
    from redis import Redis

    client = Redis.from_url(broker_url, socket_timeout=1, socket_connect_timeout=1)
    try:
        lengths = {}
        for queue in settings.CELERY_TASK_QUEUES_NAMES:
            # kombu's priority steps live in lists named "<queue>\x06\x16<n>".
            names = [queue] + [f"{queue}\x06\x16{n}" for n in (3, 6, 9)]
            with client.pipeline() as pipe:
                for name in names:
                    pipe.llen(name)
                lengths[queue] = sum(pipe.execute())
        return lengths
    finally:
        client.close()


def serve_worker_metrics(sender=None, **kwargs) -> None:
    """`worker_ready`: a Celery worker serves its metrics on CELERY_METRICS_PORT (if set).

    Prefork workers count in their child processes: set PROMETHEUS_MULTIPROC_DIR (an empty,
    writable folder per pod) so the main process serves the sum of its children."""
    import os

    from prometheus_client import CollectorRegistry, start_http_server

    port = getattr(settings, "CELERY_METRICS_PORT", 0)
    if not port:
        return
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(CeleryQueueCollector())
    # The pod network: Prometheus scrapes the pod IP; no Service or Ingress points here.
    addr = "0.0.0.0"  # noqa: S104  # nosec B104
    start_http_server(port, addr=addr, registry=registry)
    logger.info("worker metrics on :%s", port)


_registered = False


def register() -> None:
    """Connect the signals and collectors once per process (CoreConfig.ready)."""
    global _registered
    if _registered:
        return
    _registered = True
    from celery import signals
    from django.db.backends.signals import connection_created

    connection_created.connect(install_query_timer, dispatch_uid="stride-query-timer")
    signals.task_prerun.connect(on_task_prerun, weak=False)
    signals.task_postrun.connect(on_task_postrun, weak=False)
    signals.before_task_publish.connect(on_before_task_publish, weak=False)
    signals.worker_ready.connect(serve_worker_metrics, weak=False)
    REGISTRY.register(CeleryQueueCollector())


@contextmanager
def timed(histogram: Histogram, **labels) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        histogram.labels(**labels).observe(time.perf_counter() - started)
