"""Strava through the provider pipeline, against a local fake Strava over real HTTP
(tests/devices/fakes/strava.py): OAuth, the webhook handshake, events stored once and turned
into owner-only activities, 429 / 5xx / not ready yet, the breaker, token refresh (rotated,
refused, concurrent), deletion, deauthorization, reconciliation, and no token in any log."""

import json
import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from apps.devices import services
from apps.devices.models import Connection, WebhookEvent
from apps.devices.providers import base as provider_base
from apps.devices.providers import strava as strava_adapter
from apps.training.models import Activity
from apps.training.selectors import can_view, visible_activities
from tests.accounts.factories import UserFactory
from tests.devices.concurrency import access_token_from_two_workers
from tests.devices.fakes.strava import VERIFY_TOKEN, a_while_ago, fake_strava

__all__ = ["fake_strava"]  # the fixture
pytestmark = pytest.mark.django_db
ATHLETE = 134815


def connect(client, fake, athlete=ATHLETE):
    """The API flow: authorize → (the person allows on Strava) → complete."""
    start = client.post("/api/v1/connections/strava/authorize/", {}, format="json")
    assert start.status_code == 200, start.content
    code = fake.authorize(athlete)
    return client.post(
        "/api/v1/connections/strava/complete/",
        {"code": code, "state": start.json()["state"]},
        format="json",
    )


@pytest.fixture
def connected(fake_strava, token_client, user):
    response = connect(token_client(user), fake_strava)
    assert response.status_code == 201, response.content
    return Connection.objects.get(user=user, provider="strava")


def deliver(client, body: dict, capture):
    with capture(execute=True):
        return client.post("/webhooks/strava/", json.dumps(body), content_type="application/json")


def run_due(capture, *, later_s: float = 0):
    """Let time pass for the retry schedule, then run the beat job that releases due events."""
    if later_s:
        WebhookEvent.objects.filter(status="retrying").update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
    with capture(execute=True):
        services.webhook_events_release_due()


# --- OAuth --------------------------------------------------------------------------------


def test_oauth_happy_path(fake_strava, token_client, user):
    client = token_client(user)
    start = client.post("/api/v1/connections/strava/authorize/", {}, format="json").json()
    url = urlsplit(start["authorize_url"])
    query = parse_qs(url.query)
    assert url.path == "/oauth/authorize"
    assert query["client_id"] == ["4711"] and query["state"] == [start["state"]]
    assert query["scope"] == ["read,activity:read_all"]
    assert "code_challenge" not in query  # Strava has no PKCE

    response = client.post(
        "/api/v1/connections/strava/complete/",
        {"code": fake_strava.authorize(ATHLETE), "state": start["state"]},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["provider"], body["external_id"], body["status"]) == (
        "strava",
        str(ATHLETE),
        "active",
    )
    assert "token" not in json.dumps(body)
    row = Connection.objects.get(user=user)
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM devices_connection WHERE id = %s", [row.pk])
        stored = cursor.fetchone()[0]
    assert row.access_token in fake_strava.access_tokens
    assert stored != row.access_token and row.access_token not in stored  # encrypted at rest
    # The state was good for one callback only.
    again = client.post(
        "/api/v1/connections/strava/complete/",
        {"code": fake_strava.authorize(ATHLETE), "state": start["state"]},
        format="json",
    )
    assert again.status_code == 400 and again.json()["code"] == "OAUTH_STATE_INVALID"


def test_oauth_bad_code(fake_strava, token_client, user):
    client = token_client(user)
    start = client.post("/api/v1/connections/strava/authorize/", {}, format="json").json()

    response = client.post(
        "/api/v1/connections/strava/complete/",
        {"code": "not-a-code", "state": start["state"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "OAUTH_CODE_REFUSED"
    assert not Connection.objects.exists()


def test_a_strava_account_connects_to_one_stride_account(fake_strava, token_client, connected):
    response = connect(token_client(UserFactory()), fake_strava)
    assert response.status_code == 409
    assert response.json()["code"] == "PROVIDER_ACCOUNT_TAKEN"


def test_strava_is_not_offered_without_keys(token_client, user):
    response = token_client(user).post("/api/v1/connections/strava/authorize/", {}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "PROVIDER_UNKNOWN"


# --- Webhooks -----------------------------------------------------------------------------


def test_subscription_handshake(fake_strava, client):
    good = client.get(
        "/webhooks/strava/",
        {
            "hub.mode": "subscribe",
            "hub.challenge": "15f7d1a91c1f40f8",
            "hub.verify_token": VERIFY_TOKEN,
        },
    )
    assert good.status_code == 200 and good.json() == {"hub.challenge": "15f7d1a91c1f40f8"}
    bad = client.get(
        "/webhooks/strava/",
        {"hub.mode": "subscribe", "hub.challenge": "x", "hub.verify_token": "guess"},
    )
    assert bad.status_code == 403


def test_an_event_becomes_an_owner_only_activity_with_running_cadence(
    fake_strava, connected, client, user, other_user, django_capture_on_commit_callbacks
):
    fake_strava.add_run(ATHLETE, 9001, start=a_while_ago())
    event = fake_strava.event(owner_id=ATHLETE, object_id=9001)

    response = deliver(client, event, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    activity = Activity.objects.get(owner=user, provider="strava", external_id="9001")
    assert activity.sport == "run" and activity.title == "Morning Run"
    assert activity.avg_cadence == 171  # Strava's 85-86 per leg, doubled for a run
    assert activity.timezone == "Europe/Berlin"
    assert activity.distance_m == pytest.approx(179 * 28.0, rel=0.01)
    stored = WebhookEvent.objects.get()
    assert (stored.status, stored.attempts, stored.activity_id) == ("done", 1, activity.pk)
    connected.refresh_from_db()
    assert connected.last_sync_at is not None
    # Strava data is shown to its owner only, whatever the activity's visibility.
    assert can_view(viewer=user, activity=activity)
    assert not can_view(viewer=other_user, activity=activity)
    assert activity not in visible_activities(viewer=other_user, owner_id=user.pk)


def test_the_same_event_three_times_is_one_activity(
    fake_strava, connected, client, user, django_capture_on_commit_callbacks
):
    fake_strava.add_run(ATHLETE, 9002, start=a_while_ago())
    event = fake_strava.event(owner_id=ATHLETE, object_id=9002)

    answers = [deliver(client, event, django_capture_on_commit_callbacks) for _ in range(3)]

    assert [a.json()["received"] for a in answers] == [1, 0, 0]
    assert WebhookEvent.objects.count() == 1
    assert Activity.objects.filter(owner=user).count() == 1
    assert fake_strava.count("GET", "/api/v3/activities/9002") == 2  # detail + streams, once


@pytest.mark.parametrize(
    "body",
    [
        b'{"aspect_type": "create", "object_id": 1, "owner_id": 134815, "subscription_id": 1}',
        b'{"aspect_type": "create", "object_id": 1, "owner_id": 134815}',
        b"not json",
    ],
    ids=["other-subscription", "no-subscription", "garbage"],
)
def test_a_forged_event_stores_nothing_and_queues_nothing(
    fake_strava, connected, client, body, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post("/webhooks/strava/", body, content_type="application/json")

    assert response.status_code == 401
    assert queued == [] and WebhookEvent.objects.count() == 0
    assert fake_strava.count("GET", "/api/v3/") == 0


def test_429_reschedules_after_the_reset_without_spending_a_retry(
    fake_strava, connected, client, user, django_capture_on_commit_callbacks
):
    fake_strava.add_run(ATHLETE, 9003, start=a_while_ago())
    fake_strava.fail_next(
        "/api/v3/activities/9003",
        429,
        body={"message": "Rate Limit Exceeded", "errors": [{"resource": "Application"}]},
        headers={"X-RateLimit-Limit": "600,30000", "X-RateLimit-Usage": "600,1200"},
    )

    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9003),
        django_capture_on_commit_callbacks,
    )

    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts, event.error) == ("retrying", 0, "RATE_LIMITED")
    wait = (event.next_attempt_at - timezone.now()).total_seconds()
    assert 0 < wait <= 15 * 60 + 1  # the end of Strava's 15-minute window
    assert provider_base.budget_get("strava")["usage"] == 600
    # While the budget is used up, nothing is sent to Strava at all.
    calls = len(fake_strava.calls)
    WebhookEvent.objects.update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_event_process(event_id=event.pk)
    assert len(fake_strava.calls) == calls
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("retrying", 0)
    # The window ends: the event goes through.
    from django.core.cache import cache

    cache.delete("devices:budget:strava")
    run_due(django_capture_on_commit_callbacks, later_s=900)
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("done", 1)
    assert Activity.objects.filter(owner=user, external_id="9003").count() == 1


def test_5xx_backs_off_with_jitter_then_succeeds(
    fake_strava, connected, client, user, django_capture_on_commit_callbacks
):
    fake_strava.add_run(ATHLETE, 9004, start=a_while_ago())
    fake_strava.fail_next("/api/v3/activities/9004", 503)

    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9004),
        django_capture_on_commit_callbacks,
    )

    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts, event.error) == ("retrying", 1, "PROVIDER_UNAVAILABLE")
    wait = (event.next_attempt_at - timezone.now()).total_seconds()
    assert 14 <= wait <= 46  # 30 s times 0.5..1.5
    connected.refresh_from_db()
    assert connected.last_error_code == "PROVIDER_UNAVAILABLE"

    run_due(django_capture_on_commit_callbacks)  # not due yet: nothing happens
    assert WebhookEvent.objects.get().status == "retrying"
    run_due(django_capture_on_commit_callbacks, later_s=60)

    event.refresh_from_db()
    assert (event.status, event.attempts) == ("done", 2)
    connected.refresh_from_db()
    assert connected.last_error_code == ""


def test_a_provider_that_keeps_failing_trips_the_breaker_and_exhausts_events(
    fake_strava, connected, client, settings, django_capture_on_commit_callbacks
):
    settings.DEVICES_BREAKER_THRESHOLD = 2
    settings.DEVICES_EVENT_MAX_ATTEMPTS = 2
    for object_id in (9005, 9006, 9007):
        fake_strava.add_run(ATHLETE, object_id, start=a_while_ago(object_id - 9000))
        fake_strava.fail_next(f"/api/v3/activities/{object_id}", 502, times=5)
    for object_id in (9005, 9006):
        deliver(
            client,
            fake_strava.event(owner_id=ATHLETE, object_id=object_id),
            django_capture_on_commit_callbacks,
        )
    assert services.breaker_open_until("strava") is not None
    calls = len(fake_strava.calls)

    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9007),
        django_capture_on_commit_callbacks,
    )

    assert len(fake_strava.calls) == calls  # the breaker kept Strava out of it
    third = WebhookEvent.objects.get(object_id="9007")
    assert (third.status, third.attempts, third.error) == ("retrying", 0, "breaker open")
    # Once the breaker closes, the ones still failing run out of attempts: visible for replay.
    from django.core.cache import cache

    cache.delete("devices:breaker:strava:open")
    run_due(django_capture_on_commit_callbacks, later_s=60)
    first = WebhookEvent.objects.get(object_id="9005")
    assert (first.status, first.attempts) == ("exhausted", 2)


@pytest.fixture
def staff_client():
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())  # the admin asks staff for a second factor
    client = Client()
    client.force_login(staff)
    return client


def test_an_exhausted_event_is_replayed_from_the_admin(
    fake_strava, connected, client, staff_client, user, settings, django_capture_on_commit_callbacks
):
    admin_client = staff_client
    settings.DEVICES_EVENT_MAX_ATTEMPTS = 1
    fake_strava.add_run(ATHLETE, 9008, start=a_while_ago())
    fake_strava.fail_next("/api/v3/activities/9008", 500)
    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9008),
        django_capture_on_commit_callbacks,
    )
    event = WebhookEvent.objects.get()
    assert event.status == "exhausted"
    page = admin_client.get("/admin/devices/webhookevent/?status=exhausted").content.decode()
    assert "9008" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/devices/webhookevent/",
            {"action": "replay", "_selected_action": [event.pk]},
        )

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("done", 1)
    assert Activity.objects.filter(owner=user, external_id="9008").exists()
    detail = admin_client.get(f"/admin/devices/connection/{connected.pk}/change/").content
    assert connected.access_token.encode() not in detail


def test_an_activity_not_ready_yet_is_retried_later(
    fake_strava, connected, client, user, django_capture_on_commit_callbacks
):
    # Announced before Strava serves it: 404 for now.
    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9009),
        django_capture_on_commit_callbacks,
    )
    event = WebhookEvent.objects.get()
    assert (event.status, event.error) == ("retrying", "NOT_READY")

    fake_strava.add_run(ATHLETE, 9009, start=a_while_ago())
    run_due(django_capture_on_commit_callbacks, later_s=60)

    event.refresh_from_db()
    assert event.status == "done"
    assert Activity.objects.filter(owner=user, external_id="9009").exists()


def test_deletion_and_deauthorization(
    fake_strava, connected, client, user, django_capture_on_commit_callbacks
):
    fake_strava.add_run(ATHLETE, 9010, start=a_while_ago())
    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9010),
        django_capture_on_commit_callbacks,
    )
    assert Activity.objects.filter(owner=user).count() == 1

    deliver(
        client,
        fake_strava.event(
            owner_id=ATHLETE, object_id=9010, aspect="delete", event_time=1_780_000_100
        ),
        django_capture_on_commit_callbacks,
    )
    assert Activity.objects.filter(owner=user).count() == 0

    deliver(
        client,
        fake_strava.event(
            owner_id=ATHLETE,
            object_id=ATHLETE,
            object_type="athlete",
            aspect="update",
            updates={"authorized": "false"},
            event_time=1_780_000_200,
        ),
        django_capture_on_commit_callbacks,
    )
    connected.refresh_from_db()
    assert (connected.status, connected.access_token, connected.refresh_token) == (
        "revoked",
        "",
        "",
    )
    # Later events for that athlete change nothing.
    fake_strava.add_run(ATHLETE, 9011, start=a_while_ago(5))
    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9011, event_time=1_780_000_300),
        django_capture_on_commit_callbacks,
    )
    assert WebhookEvent.objects.get(object_id="9011").status == "ignored"
    assert not Activity.objects.filter(owner=user).exists()


def test_an_update_event_renames_the_activity(
    fake_strava, connected, client, user, django_capture_on_commit_callbacks
):
    fake_strava.add_run(ATHLETE, 9012, start=a_while_ago())
    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9012),
        django_capture_on_commit_callbacks,
    )
    fake_strava.activities[9012][1]["name"] = "Sunrise tempo"

    deliver(
        client,
        fake_strava.event(
            owner_id=ATHLETE,
            object_id=9012,
            aspect="update",
            updates={"title": "Sunrise tempo"},
            event_time=1_780_000_500,
        ),
        django_capture_on_commit_callbacks,
    )

    assert Activity.objects.get(owner=user).title == "Sunrise tempo"


# --- Tokens -------------------------------------------------------------------------------


def test_an_expired_token_is_refreshed_and_the_rotated_refresh_token_kept(
    fake_strava, connected, client, user, django_capture_on_commit_callbacks
):
    old_refresh = connected.refresh_token
    Connection.objects.filter(pk=connected.pk).update(token_expires_at=timezone.now())
    fake_strava.add_run(ATHLETE, 9013, start=a_while_ago())

    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9013),
        django_capture_on_commit_callbacks,
    )

    connected.refresh_from_db()
    assert connected.refresh_token != old_refresh
    assert old_refresh not in fake_strava.refresh_tokens  # spent at Strava
    assert connected.refresh_token in fake_strava.refresh_tokens
    assert connected.token_expires_at > timezone.now() + timedelta(hours=5)
    assert WebhookEvent.objects.get().status == "done"


def test_a_refused_refresh_token_asks_the_person_to_reconnect(
    fake_strava, connected, client, token_client, user, django_capture_on_commit_callbacks
):
    Connection.objects.filter(pk=connected.pk).update(token_expires_at=timezone.now())
    fake_strava.refresh_tokens.clear()  # revoked at Strava
    fake_strava.add_run(ATHLETE, 9014, start=a_while_ago())

    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9014),
        django_capture_on_commit_callbacks,
    )

    assert WebhookEvent.objects.get().status == "exhausted"
    body = token_client(user).get("/api/v1/connections/").json()["results"][0]
    assert body["status"] == "error"
    assert body["last_error"]["code"] == "INVALID_GRANT"
    assert "Connect it again" in body["last_error"]["message"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_refresh_once(fake_strava, settings):
    """Single-flight on PostgreSQL's row lock: both workers get the one new token, and the
    rotating refresh token is spent exactly once."""
    if not settings.USES_POSTGRES:
        pytest.skip("row locks need PostgreSQL")
    user = UserFactory()
    tokens = fake_strava.issue(ATHLETE)
    connection = Connection.objects.create(
        user=user,
        provider="strava",
        external_id=str(ATHLETE),
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        token_expires_at=timezone.now() - timedelta(minutes=1),
    )
    fake_strava.refresh_delay_s = 0.3
    results, errors = access_token_from_two_workers(connection.pk)

    assert errors == []
    assert fake_strava.count("POST", "/oauth/token") == 1
    assert len(results) == 2 and results[0] == results[1]
    connection.refresh_from_db()
    assert (connection.status, connection.access_token) == ("active", results[0])


def test_no_token_or_secret_is_ever_logged(
    fake_strava, token_client, client, user, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    connected = connect(token_client(user), fake_strava)
    assert connected.status_code == 201
    connection = Connection.objects.get(user=user)
    first_tokens = (connection.access_token, connection.refresh_token)
    Connection.objects.filter(pk=connection.pk).update(token_expires_at=timezone.now())
    fake_strava.add_run(ATHLETE, 9015, start=a_while_ago())
    fake_strava.fail_next("/api/v3/activities/9015", 503)
    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9015),
        django_capture_on_commit_callbacks,
    )
    run_due(django_capture_on_commit_callbacks, later_s=60)
    connection.refresh_from_db()
    token_client(user).delete(f"/api/v1/connections/{connection.pk}/")

    logged = "\n".join(
        r.getMessage() + str(r.args) + str(getattr(r, "exc_text", "")) for r in caplog.records
    )
    assert caplog.records  # the flow did log
    for secret in (*first_tokens, connection.access_token, connection.refresh_token,
                   "fake-strava-client-secret"):  # fmt: skip
        assert secret and secret not in logged


# --- Disconnect and reconciliation ----------------------------------------------------------


def test_disconnect_revokes_at_strava(fake_strava, connected, token_client, user):
    token = connected.access_token

    response = token_client(user).delete(f"/api/v1/connections/{connected.pk}/")

    assert response.status_code == 204
    assert token not in fake_strava.access_tokens
    assert fake_strava.count("POST", "/oauth/deauthorize") == 1
    connected.refresh_from_db()
    assert (connected.status, connected.access_token) == ("disconnected", "")


def test_nightly_reconciliation_heals_a_missed_webhook(
    fake_strava, connected, client, user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(strava_adapter, "PAGE_SIZE", 1)  # pagination, one per page
    for object_id, hours in ((9020, 3), (9021, 6), (9022, 9)):
        fake_strava.add_run(ATHLETE, object_id, start=a_while_ago(hours))
    deliver(
        client,
        fake_strava.event(owner_id=ATHLETE, object_id=9020),
        django_capture_on_commit_callbacks,
    )

    with django_capture_on_commit_callbacks(execute=True):
        queued = services.connections_reconcile()

    assert queued == 2
    assert sorted(Activity.objects.filter(owner=user).values_list("external_id", flat=True)) == [
        "9020",
        "9021",
        "9022",
    ]
    assert fake_strava.count("GET", "/api/v3/athlete/activities") == 4  # 3 full pages + empty
    with django_capture_on_commit_callbacks(execute=True):
        assert services.connections_reconcile() == 0  # nothing left to heal
