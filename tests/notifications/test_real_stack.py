"""On the real stack (PostgreSQL, Redis broker, a real Celery worker process): a delivery that
fails once, is retried by Celery and is redelivered twice more still reaches the person once."""

import time

import pytest
from django.db import transaction

from apps.notifications import services
from apps.notifications.models import Delivery
from apps.notifications.tasks import delivery_send_task
from tests.accounts.factories import UserFactory
from tests.core.test_real_stack import celery_worker_process  # noqa: F401 - fixture
from tests.notifications.conftest import BOT_TOKEN, link_telegram
from tests.notifications.fakes import FakeBotApi

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("real_services")]


@pytest.fixture
def worker_bot_api(monkeypatch, settings):
    """The fake Bot API, configured for this process and for the worker it starts."""
    server = FakeBotApi()
    for name, value in {
        "TELEGRAM_API_BASE": server.url,
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_BOT_USERNAME": "StrideTestBot",
    }.items():
        monkeypatch.setenv(name, value)
        setattr(settings, name, value)
    # The worker must queue its retries on the broker, not run them inline.
    monkeypatch.setenv("CELERY_TASK_ALWAYS_EAGER", "false")
    yield server
    server.close()


@pytest.fixture
def worker(worker_bot_api, celery_worker_process):  # noqa: F811 - the imported fixture
    return celery_worker_process


def _wait_for(predicate, timeout=40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_retried_and_redelivered_delivery_is_sent_once(worker_bot_api, worker):
    user = UserFactory(language="en")
    link_telegram(user, chat_id=31337)
    for channel in ("in_app", "email"):
        services.preference_set(user=user, kind="data_export_ready", channel=channel, enabled=False)
    services.preference_set(user=user, kind="data_export_ready", channel="telegram", enabled=True)
    worker_bot_api.fail_next(502, "Bad Gateway")

    with transaction.atomic():
        notification = services.notify(user, "data_export_ready", {})
    delivery = Delivery.objects.get(notification=notification, channel="telegram")

    # The first attempt fails (502) and Celery schedules a retry in a few seconds.
    assert _wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == "retrying"), (
        Delivery.objects.filter(pk=delivery.pk).values("status", "attempts", "error").first(),
        worker_bot_api.requests,
    )
    # Meanwhile the broker redelivers the message twice (e.g. a worker was lost, acks_late).
    delivery_send_task.delay(delivery_id=delivery.pk)
    delivery_send_task.delay(delivery_id=delivery.pk)

    assert _wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == "sent")
    time.sleep(8)  # let the scheduled retry run as well

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    texts = [m["text"] for m in worker_bot_api.sent]
    assert texts == ["Your data export is ready to download for 7 days."] * 2  # failed + sent
    assert [r["headers"].get("content-type") for r in worker_bot_api.requests] == [
        "application/json"
    ] * 2
