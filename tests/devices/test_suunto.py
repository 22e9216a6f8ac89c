"""Suunto through the provider pipeline against a local fake (real HTTP): OAuth with Basic
client auth, a signed WORKOUT_CREATED notification becoming an activity from the FIT export
(subscription key sent, UTC offset → zone), forged or tampered notifications refused with
nothing stored, refresh with a rotated token, disconnect."""

import pytest
from django.utils import timezone

from apps.devices.models import Connection, WebhookEvent
from apps.training.models import Activity
from tests.devices.fakes.suunto import fake_suunto
from tests.devices.files import fit_run
from tests.training.tracks import START

__all__ = ["fake_suunto"]
pytestmark = pytest.mark.django_db
USERNAME = "johndoe123"


def connect(client, fake, code=None):
    state = client.post("/api/v1/connections/suunto/authorize/", {}, format="json").json()["state"]
    return client.post(
        "/api/v1/connections/suunto/complete/",
        {"code": code or fake.authorize(USERNAME), "state": state},
        format="json",
    )


@pytest.fixture
def connected(fake_suunto, token_client, user):
    assert connect(token_client(user), fake_suunto).status_code == 201
    return Connection.objects.get(user=user, provider="suunto")


def deliver(client, raw, headers, capture):
    with capture(execute=True) as queued:
        response = client.post(
            "/webhooks/suunto/", raw, content_type="application/json", headers=headers
        )
    return response, queued


def test_oauth_and_bad_code(fake_suunto, token_client, user, other_user):
    bad = connect(token_client(other_user), fake_suunto, code="nope")
    assert bad.status_code == 400 and bad.json()["code"] == "OAUTH_CODE_REFUSED"

    good = connect(token_client(user), fake_suunto)
    assert good.status_code == 201 and good.json()["external_id"] == USERNAME


def test_a_signed_workout_becomes_an_activity(
    fake_suunto, connected, client, user, django_capture_on_commit_callbacks
):
    fake_suunto.add_workout(USERNAME, "67604889401b942184624cb8", fit_run())

    response, _ = deliver(
        client,
        *fake_suunto.notification(USERNAME, "67604889401b942184624cb8"),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 200
    activity = Activity.objects.get(owner=user, provider="suunto")
    assert (activity.external_id, activity.start_time, activity.timezone) == (
        "67604889401b942184624cb8",
        START,
        "Etc/GMT-3",
    )
    assert activity.distance_m == pytest.approx(1800, abs=1)


@pytest.mark.parametrize("forge", ["wrong-secret", "tampered", "unsigned"])
def test_forged_notifications_store_nothing(
    fake_suunto, connected, client, forge, django_capture_on_commit_callbacks
):
    raw, headers = fake_suunto.notification(
        USERNAME,
        "k1",
        secret="guess" if forge == "wrong-secret" else "fake-suunto-notification-secret",
    )
    if forge == "tampered":
        raw = raw.replace(b"k1", b"k2")
    if forge == "unsigned":
        headers = {}

    response, queued = deliver(client, raw, headers, django_capture_on_commit_callbacks)

    assert response.status_code == 401
    assert queued == [] and not WebhookEvent.objects.exists()


def test_refresh_rotates_and_disconnect_revokes(
    fake_suunto, connected, client, token_client, user, django_capture_on_commit_callbacks
):
    old = connected.refresh_token
    Connection.objects.filter(pk=connected.pk).update(token_expires_at=timezone.now())
    fake_suunto.add_workout(USERNAME, "k9", fit_run())

    deliver(client, *fake_suunto.notification(USERNAME, "k9"), django_capture_on_commit_callbacks)

    connected.refresh_from_db()
    assert connected.refresh_token != old and old not in fake_suunto.refresh
    assert Activity.objects.filter(owner=user, external_id="k9").exists()
    token = connected.access_token
    assert token_client(user).delete(f"/api/v1/connections/{connected.pk}/").status_code == 204
    assert token not in fake_suunto.access
