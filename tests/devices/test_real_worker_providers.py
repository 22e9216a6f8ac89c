"""The provider pipeline through the real stack: a signed sandbox webhook answered by the view,
the event queued after commit on the Redis broker, and a separate `celery worker` process
fetching, normalizing and recording it. Skipped without the services (see tests/conftest)."""

import time

import pytest
from django.test import Client

from apps.devices.models import Connection, WebhookEvent
from apps.devices.providers.sandbox import SandboxProvider
from apps.training.models import Activity
from tests.accounts.factories import UserFactory
from tests.core.test_real_stack import celery_worker_process  # noqa: F401 - the fixture

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("real_services")]


def test_a_signed_webhook_becomes_an_activity_in_a_worker(celery_worker_process):  # noqa: F811
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
    body, headers = adapter.events_body(
        athlete=tokens.external_id, events=[("activity.created", "1780300800-run-31337")]
    )

    response = Client().post(
        "/webhooks/sandbox/",
        body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )

    assert response.status_code == 200 and response.json() == {"received": 1}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        event = WebhookEvent.objects.get()
        if event.status not in ("received", "processing"):
            break
        time.sleep(0.2)
    assert event.status == "done"
    activity = Activity.objects.get(owner=user, provider="sandbox")
    assert (activity.external_id, event.activity_id) == ("1780300800-run-31337", activity.pk)
