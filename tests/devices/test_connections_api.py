"""The connections list: my connections only, newest first, cursor pages, never a token, a
fixed number of queries whatever the page size; the status page shows last sync and errors;
the webhook endpoint refuses unknown providers and oversized bodies; metrics are exported."""

import pytest
from django.utils import timezone

from apps.devices.models import Connection

pytestmark = pytest.mark.django_db


def _connections(user, n):
    for i in range(n):
        Connection.objects.create(
            user=user,
            provider=f"p{i}",
            external_id=f"athlete-{user.pk}-{i}",
            access_token=f"secret-{i}",
            status="error" if i == 0 else "active",
            last_error_code="INVALID_GRANT" if i == 0 else "",
            last_error_at=timezone.now() if i == 0 else None,
            last_sync_at=timezone.now(),
        )


@pytest.mark.parametrize("count", [3, 30])
def test_list_is_paginated_with_fixed_queries(
    token_client, user, other_user, count, django_assert_max_num_queries
):
    _connections(user, count)
    _connections(other_user, 2)
    client = token_client(user)

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/connections/?page_size=50")

    body = response.json()
    assert response.status_code == 200
    assert len(body["results"]) == count
    assert {r["external_id"] for r in body["results"]} == {
        f"athlete-{user.pk}-{i}" for i in range(count)
    }
    assert "secret-" not in response.content.decode()
    errored = next(r for r in body["results"] if r["status"] == "error")
    assert errored["last_error"]["code"] == "INVALID_GRANT"
    first = client.get("/api/v1/connections/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]


def test_status_page_shows_sync_and_errors(client, user, django_assert_max_num_queries):
    _connections(user, 4)
    client.force_login(user)

    with django_assert_max_num_queries(12):
        page = client.get("/connections/").content.decode()

    assert "The provider no longer accepts Stride&#x27;s access. Connect it again." in page
    assert "Connect Stride Sandbox" in page


def test_webhooks_for_unknown_providers_and_oversized_bodies(client, settings):
    assert client.post("/webhooks/nope/", b"{}", content_type="application/json").status_code == 404
    settings.DEVICES_WEBHOOK_MAX_BYTES = 10
    response = client.post("/webhooks/sandbox/", b"x" * 11, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "WEBHOOK_TOO_LARGE"


def test_metrics_are_exported(client, settings):
    settings.METRICS_TOKEN = ""
    body = client.get("/metrics").content.decode()
    assert "stride_devices_webhook_ack_seconds" in body
    assert "stride_devices_event_to_activity_seconds" in body
