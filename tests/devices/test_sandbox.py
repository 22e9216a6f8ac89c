"""The sandbox provider end to end, as a person in `make run` uses it: connect through its
consent page (state bound to the session, PKCE), it sends SIGNED webhooks for generated
workouts through the same door as any provider, and they become activities in the feed. The
same webhook replayed changes nothing; a forged one is refused and stored nowhere."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from apps.devices import services
from apps.devices.models import Connection, WebhookEvent
from apps.devices.providers import sandbox
from apps.training.models import Activity
from apps.training.selectors import visible_activities

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def connect(client, capture):
    """Connect → the sandbox consent page → allow → the callback; returns the final response."""
    start = client.post("/connections/sandbox/connect/")
    assert start.status_code == 302
    consent_url = start["Location"]
    assert consent_url.startswith("/connections/sandbox/consent/?")
    query = parse_qs(urlsplit(consent_url).query)
    assert query["code_challenge"][0]  # PKCE
    assert client.get(consent_url).status_code == 200
    allowed = client.post(consent_url, {"allow": "1"})
    assert allowed.status_code == 302
    with capture(execute=True):
        return client.get(allowed["Location"])


def test_connecting_the_sandbox_brings_its_workouts_in(
    signed_in, user, other_user, django_capture_on_commit_callbacks
):
    done = connect(signed_in, django_capture_on_commit_callbacks)

    assert done.status_code == 302 and done["Location"] == "/connections/"
    connection = Connection.objects.get(user=user, provider="sandbox")
    assert connection.status == "active"
    assert connection.external_id == f"sbx-{user.pk}"
    assert connection.last_sync_at is not None
    events = WebhookEvent.objects.filter(provider="sandbox")
    assert sorted(events.values_list("status", flat=True)) == ["done", "done", "done"]
    activities = Activity.objects.filter(owner=user, provider="sandbox")
    assert activities.count() == 3
    run = activities.first()
    assert run.distance_m > 4000 and run.avg_heart_rate > 100 and run.summary_polyline
    # In the owner's feed (visible to the owner through the privacy-aware selector).
    assert set(visible_activities(viewer=user, owner_id=user.pk)) == set(activities)
    page = signed_in.get("/connections/").content.decode()
    assert "Stride Sandbox" in page and "Send a workout" in page


def _delivery(user_pk: int, activity_id: str) -> tuple[bytes, dict]:
    return sandbox.SandboxProvider().events_body(
        athlete=f"sbx-{user_pk}", events=[("activity.created", activity_id)]
    )


def _post(client, body: bytes, headers: dict):
    return client.post(
        "/webhooks/sandbox/",
        body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )


def test_the_same_webhook_replayed_changes_nothing(
    signed_in, client, user, django_capture_on_commit_callbacks
):
    connect(signed_in, django_capture_on_commit_callbacks)
    body, headers = _delivery(user.pk, "1780300800-run-424242")

    with django_capture_on_commit_callbacks(execute=True) as first:
        response = _post(client, body, headers)
    assert response.status_code == 200 and response.json() == {"received": 1}
    assert first[0].__qualname__ == "_enqueue_events.<locals>.send"  # queued after commit
    activity = Activity.objects.get(owner=user, external_id="1780300800-run-424242")
    snapshot = (Activity.objects.count(), WebhookEvent.objects.count(), activity.modified)

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True) as again:
            response = _post(client, body, headers)
        assert response.status_code == 200 and response.json() == {"received": 0}
        assert again == []  # nothing queued

    activity.refresh_from_db()
    assert (Activity.objects.count(), WebhookEvent.objects.count(), activity.modified) == snapshot


@pytest.mark.parametrize(
    "forge",
    [
        lambda body, headers: (body, {**headers, sandbox.SIGNATURE_HEADER: ""}),
        lambda body, headers: (body.replace(b"run", b"ride"), headers),  # tampered body
        lambda body, headers: (  # signed with another secret
            body,
            {**headers, sandbox.SIGNATURE_HEADER: "t=1,v1=" + "0" * 64},
        ),
    ],
    ids=["unsigned", "tampered", "wrong-secret"],
)
def test_a_forged_webhook_is_refused_and_stored_nowhere(
    client, user, forge, django_capture_on_commit_callbacks
):
    body, headers = forge(*_delivery(user.pk, "1780300800-run-7"))

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = _post(client, body, headers)

    assert response.status_code == 401
    assert response.json()["code"] == "WEBHOOK_SIGNATURE_INVALID"
    assert queued == []
    assert WebhookEvent.objects.count() == 0
    assert Activity.objects.count() == 0


def test_an_old_signature_is_refused_as_a_replay(client, user, settings):
    body, _headers = _delivery(user.pk, "1780300800-run-8")
    headers = {sandbox.SIGNATURE_HEADER: sandbox.sign(body, timestamp=1_000_000)}

    assert _post(client, body, headers).status_code == 401
    assert WebhookEvent.objects.count() == 0


def test_send_a_workout_button_and_disconnect(signed_in, user, django_capture_on_commit_callbacks):
    connect(signed_in, django_capture_on_commit_callbacks)
    connection = Connection.objects.get(user=user)

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/connections/{connection.pk}/sandbox/send/")
    assert Activity.objects.filter(owner=user, provider="sandbox").count() in (3, 4)
    assert WebhookEvent.objects.count() == 4  # the 4th may overlap a day's run: one activity

    signed_in.post(f"/connections/{connection.pk}/disconnect/")
    connection.refresh_from_db()
    assert (connection.status, connection.access_token, connection.refresh_token) == (
        "disconnected",
        "",
        "",
    )
    # Events for a disconnected account are kept but change nothing.
    body, headers = _delivery(user.pk, "1780400800-run-9")
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_receive(provider="sandbox", body=body, headers=headers)
    assert WebhookEvent.objects.get(object_id="1780400800-run-9").status == "ignored"


def test_the_callback_needs_the_state_of_this_session(
    signed_in, client, user, other_user, django_capture_on_commit_callbacks
):
    start = signed_in.post("/connections/sandbox/connect/")
    allowed = signed_in.post(start["Location"], {"allow": "1"})
    callback = allowed["Location"]
    # Another person's browser with the same callback link: refused, nothing connected.
    client.logout()
    client.force_login(other_user)
    response = client.get(callback)
    assert response.status_code == 302
    assert not Connection.objects.exists()
    # A consent page never redirects off-site.
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    evil = f"/connections/sandbox/consent/?redirect_uri=https://evil.example/cb&state={state}"
    assert client.get(evil).status_code == 404


def test_deletion_and_deauthorization_events(signed_in, user, django_capture_on_commit_callbacks):
    connect(signed_in, django_capture_on_commit_callbacks)
    gone = Activity.objects.filter(owner=user).first()
    adapter = sandbox.SandboxProvider()
    body, headers = adapter.events_body(
        athlete=f"sbx-{user.pk}",
        events=[("activity.deleted", gone.external_id), ("athlete.deauthorized", "")],
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_receive(provider="sandbox", body=body, headers=headers)

    assert not Activity.objects.filter(pk=gone.pk).exists()
    connection = Connection.objects.get(user=user)
    assert (connection.status, connection.access_token) == ("revoked", "")
    assert json.loads(WebhookEvent.objects.last().body)["events"][1]["type"] == (
        "athlete.deauthorized"
    )
