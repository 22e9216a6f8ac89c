"""Prometheus metrics of apps.core.metrics: the business counters wired into the apps, Celery
task outcomes and durations, database time, websocket connections, queue depth, all served
on /metrics."""

from datetime import timedelta

import pytest
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY

from apps.core import metrics
from apps.training.services import record_activity
from apps.training.types import NormalizedActivity
from tests.accounts.factories import UserFactory


def _value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _scrape() -> str:
    response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_recording_an_activity_counts_it_by_source():
    before = _value("stride_activities_imported_total", source="manual")
    record_activity(
        owner=UserFactory(),
        activity=NormalizedActivity(
            sport="run", start_time=timezone.now() - timedelta(hours=2), elapsed_s=600
        ),
    )
    assert _value("stride_activities_imported_total", source="manual") == before + 1
    assert 'stride_activities_imported_total{source="manual"}' in _scrape()


@pytest.mark.django_db
def test_a_delivered_notification_is_counted_by_channel(django_capture_on_commit_callbacks):
    from apps.notifications import services

    before = _value("stride_notifications_sent_total", channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(UserFactory(), "data_export_ready", {})
    assert _value("stride_notifications_sent_total", channel="email") == before + 1


@pytest.mark.django_db
def test_sql_statements_are_timed():
    before = _value("stride_db_query_duration_seconds_count", alias="default")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert _value("stride_db_query_duration_seconds_count", alias="default") >= before + 1


@pytest.mark.django_db
def test_celery_tasks_are_timed_and_counted_by_outcome():
    from apps.core.tasks import purge_idempotency_keys_task

    name = purge_idempotency_keys_task.name
    before = _value("stride_celery_tasks_total", task=name, state="success")
    purge_idempotency_keys_task.delay()  # eager in tests: the same signals fire
    assert _value("stride_celery_tasks_total", task=name, state="success") == before + 1
    assert _value("stride_celery_task_duration_seconds_count", task=name) >= 1
    assert "stride_celery_task_duration_seconds_bucket" in _scrape()


def test_webhook_lag_is_observed():
    before = _value("stride_webhook_lag_seconds_count", provider="test")
    metrics.webhook_received(provider="test", sent_at=timezone.now() - timedelta(seconds=30))
    assert _value("stride_webhook_lag_seconds_count", provider="test") == before + 1
    assert _value("stride_webhook_lag_seconds_sum", provider="test") >= 30


def test_business_events_have_one_line_helpers():
    before = _value("stride_business_events_total", event="coupon_redeemed")
    metrics.coupon_redeemed()
    assert _value("stride_business_events_total", event="coupon_redeemed") == before + 1


@pytest.mark.django_db(transaction=True)
async def test_open_websockets_are_a_gauge():
    from asgiref.sync import sync_to_async
    from rest_framework.test import APIClient

    from config.asgi import application
    from tests.conftest import session_token

    user = await sync_to_async(UserFactory)()
    token = await sync_to_async(session_token)(APIClient(), user.email)
    before = _value("stride_websocket_connections", consumer="notifications")
    socket = WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"x-session-token", token.encode())]
    )
    assert (await socket.connect())[0]
    assert _value("stride_websocket_connections", consumer="notifications") == before + 1
    await socket.disconnect()
    assert _value("stride_websocket_connections", consumer="notifications") == before


@pytest.mark.services
@pytest.mark.usefixtures("real_services")
@pytest.mark.django_db
def test_queue_depth_is_read_from_the_broker(settings):
    from redis import Redis

    redis = Redis.from_url(settings.CELERY_BROKER_URL)
    redis.delete("ml")
    redis.rpush("ml", b"{}", b"{}", b"{}")
    try:
        assert metrics.queue_lengths(settings.CELERY_BROKER_URL)["ml"] == 3
        assert 'stride_celery_queue_length{queue="ml"} 3.0' in _scrape()
    finally:
        redis.delete("ml")


def test_the_dashboard_and_alerts_use_metrics_that_exist():
    import json
    import re
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2] / "deploy" / "monitoring"
    rules = yaml.safe_load((root / "alerts.yaml").read_text())
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    dashboard = json.loads((root / "grafana-dashboard.json").read_text())
    exprs += [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    known = set()
    for family in REGISTRY.collect():
        suffixes = ("", "_total", "_bucket", "_sum", "_count")
        known |= {family.name + suffix for suffix in suffixes}
    known.add("stride_celery_queue_length")  # collected only when the broker is Redis
    used = {n for e in exprs for n in re.findall(r"\b((?:stride|django)_[a-z_]+)\b", e)}
    assert used, "no metric found in the expressions"
    assert used <= known, f"unknown metrics: {sorted(used - known)}"
