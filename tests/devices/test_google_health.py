"""Google Health API (Fitbit's successor) through the provider pipeline against a local fake
(real HTTP, tests/devices/fakes/google_health.py): Google OAuth with PKCE and the identity
call, the subscriber's endpoint check (201 with the secret, 401 without), notifications
authenticated by the subscriber secret and, where a key is configured, the ECDSA signature (a
forged one stores and queues nothing) answered 204, a changed day's exercises becoming
activities from their TCX or their summary, the same notification three times, 429, refresh
(Google keeps the refresh token), deletion, revocation on disconnect and backfill."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from apps.devices import services
from apps.devices.models import Connection, WebhookEvent
from apps.devices.providers.google_health import notification_items
from apps.training.models import Activity
from tests.accounts.factories import UserFactory
from tests.devices.concurrency import access_token_from_two_workers
from tests.devices.fakes.google_health import (
    PUBLIC_KEY_PEM,
    SIGNING_KEY,
    WEBHOOK_AUTHORIZATION,
    fake_google_health,
)
from tests.devices.files import tcx_run
from tests.training.tracks import START

__all__ = ["fake_google_health"]
pytestmark = pytest.mark.django_db
HEALTH_USER = "1234567890123456789"
DAY = "2026-06-01"
START_Z = "2026-06-01T06:30:00Z"  # START
END_Z = "2026-06-01T06:40:00Z"
CHANGED = [(START_Z, END_Z)]
HOOK = "/webhooks/google_health/"


def connect(client, fake, *, verifier_ok=True, capture=None):
    start = client.post("/api/v1/connections/google_health/authorize/", {}, format="json")
    assert start.status_code == 200, start.content
    query = parse_qs(urlsplit(start.json()["authorize_url"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["access_type"] == ["offline"]
    assert "googlehealth.activity_and_fitness.readonly" in query["scope"][0]
    challenge = query["code_challenge"][0] if verifier_ok else "someone-elses-challenge"
    code = fake.authorize(HEALTH_USER, challenge)
    body = {"code": code, "state": start.json()["state"]}
    if capture is None:
        return client.post("/api/v1/connections/google_health/complete/", body, format="json")
    with capture(execute=True):
        return client.post("/api/v1/connections/google_health/complete/", body, format="json")


@pytest.fixture
def connected(fake_google_health, token_client, user):
    response = connect(token_client(user), fake_google_health)
    assert response.status_code == 201, response.content
    return Connection.objects.get(user=user, provider="google_health")


def deliver(client, raw, headers, capture):
    with capture(execute=True) as queued:
        response = client.post(HOOK, raw, content_type="application/json", headers=headers)
    return response, queued


def run_due(capture):
    WebhookEvent.objects.filter(status="retrying").update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    with capture(execute=True):
        services.webhook_events_release_due()


# --- OAuth ----------------------------------------------------------------------------------


def test_oauth_with_pkce_names_the_health_user_and_backfills(
    fake_google_health, token_client, user, django_capture_on_commit_callbacks
):
    yesterday = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    fake_google_health.add_exercise(
        HEALTH_USER,
        "9001",
        yesterday.strftime("%Y-%m-%dT%H:%M:%SZ"),
        (yesterday + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        exerciseType="WALKING",
        displayName="Walk",
    )

    response = connect(
        token_client(user), fake_google_health, capture=django_capture_on_commit_callbacks
    )

    assert response.status_code == 201, response.content
    assert response.json()["external_id"] == HEALTH_USER
    connection = Connection.objects.get(user=user, provider="google_health")
    assert connection.refresh_token in fake_google_health.refresh
    activity = Activity.objects.get(owner=user)  # the backfill brought the last days in
    assert (activity.provider, activity.external_id, activity.sport) == (
        "google_health",
        "9001",
        "walk",
    )
    assert WebhookEvent.objects.get(key="exercise:9001").status == "done"


def test_a_code_without_the_right_verifier_is_refused(fake_google_health, token_client, user):
    response = connect(token_client(user), fake_google_health, verifier_ok=False)

    assert response.status_code == 400 and response.json()["code"] == "OAUTH_CODE_REFUSED"
    assert not Connection.objects.exists()
    assert fake_google_health.count("GET", "/v4/users/me/identity") == 0


def test_an_unknown_code_is_refused(fake_google_health, token_client, user):
    client = token_client(user)
    start = client.post("/api/v1/connections/google_health/authorize/", {}, format="json").json()
    response = client.post(
        "/api/v1/connections/google_health/complete/",
        {"code": "4/not-a-code-google-gave", "state": start["state"]},
        format="json",
    )

    assert response.status_code == 400 and response.json()["code"] == "OAUTH_CODE_REFUSED"
    assert not Connection.objects.exists()


# --- The subscriber's endpoint check and authentication -------------------------------------


def test_endpoint_verification(fake_google_health, client):
    body = json.dumps({"type": "verification"})

    with_secret = client.post(
        HOOK,
        body,
        content_type="application/json",
        headers={"Authorization": WEBHOOK_AUTHORIZATION},
    )
    without = client.post(HOOK, body, content_type="application/json")
    wrong = client.post(
        HOOK, body, content_type="application/json", headers={"Authorization": "Bearer guess"}
    )

    assert with_secret.status_code == 201
    assert without.status_code == 401 and wrong.status_code == 401
    assert WebhookEvent.objects.count() == 0


@pytest.mark.parametrize(
    "forgery", ["no-authorization", "wrong-authorization", "other-key", "tampered", "unsigned"]
)
def test_a_forged_notification_stores_nothing_and_queues_nothing(
    fake_google_health, connected, client, settings, forgery, django_capture_on_commit_callbacks
):
    settings.GOOGLE_HEALTH_SIGNING_PUBLIC_KEY = PUBLIC_KEY_PEM
    fake_google_health.add_exercise(HEALTH_USER, "9002", START_Z, END_Z, tcx=tcx_run())
    raw, headers = fake_google_health.notification(
        HEALTH_USER,
        CHANGED,
        authorization={"no-authorization": None, "wrong-authorization": "Bearer guess"}.get(
            forgery, WEBHOOK_AUTHORIZATION
        ),
        key=ec.generate_private_key(ec.SECP256R1()) if forgery == "other-key" else SIGNING_KEY,
    )
    if forgery == "tampered":
        raw = raw.replace(HEALTH_USER.encode(), b"999")
    if forgery == "unsigned":
        del headers["X-HEALTHAPI-SIGNATURE"]
    calls = len(fake_google_health.calls)

    response, queued = deliver(client, raw, headers, django_capture_on_commit_callbacks)

    assert response.status_code == 401
    assert queued == [] and WebhookEvent.objects.count() == 0
    assert len(fake_google_health.calls) == calls
    assert not Activity.objects.exists()


def test_a_signed_notification_is_accepted_when_a_key_is_configured(
    fake_google_health, connected, client, user, settings, django_capture_on_commit_callbacks
):
    settings.GOOGLE_HEALTH_SIGNING_PUBLIC_KEY = PUBLIC_KEY_PEM
    fake_google_health.add_exercise(HEALTH_USER, "9003", START_Z, END_Z, tcx=tcx_run())

    response, _ = deliver(
        client,
        *fake_google_health.notification(HEALTH_USER, CHANGED),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 204
    assert Activity.objects.filter(owner=user, external_id="9003").count() == 1


# --- Notifications become activities --------------------------------------------------------


def test_a_notification_becomes_an_activity_from_the_tcx(
    fake_google_health, connected, client, user, django_capture_on_commit_callbacks
):
    fake_google_health.add_exercise(HEALTH_USER, "9004", START_Z, END_Z, tcx=tcx_run())
    fake_google_health.add_exercise(  # the next day's: not this day's
        HEALTH_USER, "9005", "2026-06-02T05:00:00Z", "2026-06-02T05:30:00Z", tcx=tcx_run()
    )

    response, _ = deliver(
        client,
        *fake_google_health.notification(HEALTH_USER, CHANGED),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 204 and response.content == b""
    day = WebhookEvent.objects.get(key=f"day:{HEALTH_USER}:{DAY}")
    assert (day.kind, day.status, day.object_id) == ("sync", "done", DAY)
    exercise = WebhookEvent.objects.get(key="exercise:9004")
    assert (exercise.kind, exercise.status) == ("activity_create", "done")
    activity = Activity.objects.get(owner=user)
    assert activity == exercise.activity
    assert (activity.provider, activity.external_id, activity.sport) == (
        "google_health",
        "9004",
        "run",
    )
    assert activity.start_time == START
    assert activity.title == "Morning run"
    assert activity.timezone == "Etc/GMT-2"  # startUtcOffset 7200s
    assert activity.distance_m == pytest.approx(1800, abs=5)
    assert activity.calories == 151
    assert fake_google_health.count("GET", "/v4/users/me/dataTypes/exercise/dataPoints/9004") == 1
    connected.refresh_from_db()
    assert connected.last_sync_at is not None


def test_an_exercise_without_a_track_becomes_an_activity_from_its_summary(
    fake_google_health, connected, client, user, django_capture_on_commit_callbacks
):
    fake_google_health.add_exercise(
        HEALTH_USER,
        "9006",
        "2026-06-01T12:15:00Z",
        "2026-06-01T12:45:00Z",
        offset="-18000s",
        exerciseType="HIKING",
        displayName="Hike",
        activeDuration="1740s",
        metricsSummary={
            "distanceMillimeters": 2414016,
            "elevationGainMillimeters": 30480,
            "averageHeartRateBeatsPerMinute": 101,
            "caloriesKcal": 220.6,
        },
    )

    deliver(
        client,
        *fake_google_health.notification(
            HEALTH_USER, [("2026-06-01T12:15:00Z", "2026-06-01T12:45:00Z")]
        ),
        django_capture_on_commit_callbacks,
    )

    activity = Activity.objects.get(owner=user)
    assert (activity.sport, activity.title, activity.external_id) == ("hike", "Hike", "9006")
    assert activity.start_time == START.replace(hour=12, minute=15)
    assert activity.timezone == "Etc/GMT+5"
    assert (activity.elapsed_s, activity.moving_s) == (1800, 1740)
    assert activity.distance_m == pytest.approx(2414.0, abs=1)
    assert activity.elevation_gain_m == pytest.approx(30.5, abs=0.1)
    assert activity.avg_heart_rate == pytest.approx(101)
    assert activity.calories == 221
    assert activity.device_name == "Pixel Watch 4"


def test_the_same_notification_three_times_is_one_activity(
    fake_google_health, connected, client, user, django_capture_on_commit_callbacks
):
    fake_google_health.add_exercise(HEALTH_USER, "9007", START_Z, END_Z, tcx=tcx_run())
    raw, headers = fake_google_health.notification(HEALTH_USER, CHANGED)

    answers = [deliver(client, raw, headers, django_capture_on_commit_callbacks) for _ in "abc"]

    assert [a[0].status_code for a in answers] == [204, 204, 204]
    assert Activity.objects.filter(owner=user).count() == 1
    assert WebhookEvent.objects.filter(kind="sync").count() == 1  # one row per athlete-day
    assert WebhookEvent.objects.filter(key="exercise:9007").count() == 1
    assert fake_google_health.count("GET", "/v4/users/me/dataTypes/exercise/dataPoints/9007") == 1


def test_a_change_spanning_midnight_lists_both_days(
    fake_google_health, connected, client, user, django_capture_on_commit_callbacks
):
    fake_google_health.add_exercise(
        HEALTH_USER, "9008", "2026-06-01T23:30:00Z", "2026-06-02T00:20:00Z"
    )
    fake_google_health.add_exercise(
        HEALTH_USER, "9009", "2026-06-02T00:25:00Z", "2026-06-02T00:50:00Z"
    )

    deliver(
        client,
        *fake_google_health.notification(
            HEALTH_USER, [("2026-06-01T23:30:00Z", "2026-06-02T00:50:00Z")]
        ),
        django_capture_on_commit_callbacks,
    )

    assert set(WebhookEvent.objects.filter(kind="sync").values_list("object_id", flat=True)) == {
        "2026-06-01",
        "2026-06-02",
    }
    assert sorted(Activity.objects.filter(owner=user).values_list("external_id", flat=True)) == [
        "9008",
        "9009",
    ]


def test_other_data_types_are_ignored(
    fake_google_health, connected, client, user, django_capture_on_commit_callbacks
):
    response, _ = deliver(
        client,
        *fake_google_health.notification(HEALTH_USER, CHANGED, data_type="steps"),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 204
    assert WebhookEvent.objects.get().status == "ignored"
    assert fake_google_health.count("GET", "/v4/users/me/dataTypes") == 0


def test_a_malformed_notification_is_a_400(fake_google_health, client):
    response = client.post(
        HOOK,
        json.dumps({"data": {"dataType": "exercise"}}),
        content_type="application/json",
        headers={"Authorization": WEBHOOK_AUTHORIZATION},
    )

    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_the_assumed_notification_shape_is_read_in_one_place():
    changes = notification_items(
        {
            "data": {
                "healthUserId": HEALTH_USER,
                "dataType": "exercise",
                "operation": "DELETE",
                "intervals": [{"physicalTimeInterval": {"startTime": START_Z, "endTime": END_Z}}],
            }
        }
    )

    assert changes == [
        {
            "user": HEALTH_USER,
            "data_type": "exercise",
            "operation": "DELETE",
            "intervals": [(START, START + timedelta(minutes=10))],
        }
    ]


# --- Rate limits and tokens -----------------------------------------------------------------


def test_429_reschedules_after_retry_after_without_spending_a_retry(
    fake_google_health, connected, client, user, django_capture_on_commit_callbacks
):
    fake_google_health.add_exercise(HEALTH_USER, "9020", START_Z, END_Z, tcx=tcx_run())
    fake_google_health.fail_next(
        "/v4/users/me/dataTypes/exercise/dataPoints",
        429,
        body={"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}},
        headers={"Retry-After": "120"},
    )

    deliver(
        client,
        *fake_google_health.notification(HEALTH_USER, CHANGED),
        django_capture_on_commit_callbacks,
    )

    event = WebhookEvent.objects.get(kind="sync")
    assert (event.status, event.attempts, event.error) == ("retrying", 0, "RATE_LIMITED")
    assert 100 < (event.next_attempt_at - timezone.now()).total_seconds() <= 122
    assert not Activity.objects.exists()

    run_due(django_capture_on_commit_callbacks)

    event.refresh_from_db()
    assert (event.status, event.attempts) == ("done", 1)
    assert Activity.objects.filter(owner=user, external_id="9020").count() == 1


def test_an_expired_token_is_refreshed_and_the_refresh_token_kept(
    fake_google_health, connected, client, user, django_capture_on_commit_callbacks
):
    old_access, refresh = connected.access_token, connected.refresh_token
    Connection.objects.filter(pk=connected.pk).update(token_expires_at=timezone.now())
    fake_google_health.add_exercise(HEALTH_USER, "9030", START_Z, END_Z, tcx=tcx_run())

    deliver(
        client,
        *fake_google_health.notification(HEALTH_USER, CHANGED),
        django_capture_on_commit_callbacks,
    )

    connected.refresh_from_db()
    assert connected.access_token != old_access
    assert connected.refresh_token == refresh  # Google sends none with a refresh: kept
    assert connected.token_expires_at > timezone.now() + timedelta(minutes=50)
    assert fake_google_health.count("POST", "/token") == 2  # the code, then one refresh
    assert Activity.objects.filter(owner=user, external_id="9030").count() == 1


def test_a_refused_refresh_token_asks_the_person_to_reconnect(
    fake_google_health, connected, client, token_client, user, django_capture_on_commit_callbacks
):
    Connection.objects.filter(pk=connected.pk).update(token_expires_at=timezone.now())
    fake_google_health.refresh.clear()

    deliver(
        client,
        *fake_google_health.notification(HEALTH_USER, CHANGED),
        django_capture_on_commit_callbacks,
    )

    assert WebhookEvent.objects.get(kind="sync").status == "exhausted"
    body = token_client(user).get("/api/v1/connections/").json()["results"][0]
    assert (body["status"], body["last_error"]["code"]) == ("error", "INVALID_GRANT")


@pytest.mark.django_db(transaction=True)
def test_two_workers_refresh_once(fake_google_health, settings):
    """Single-flight on PostgreSQL's row lock: both workers get the one new access token."""
    if not settings.USES_POSTGRES:
        pytest.skip("row locks need PostgreSQL")
    tokens = fake_google_health.issue(HEALTH_USER)
    connection = Connection.objects.create(
        user=UserFactory(),
        provider="google_health",
        external_id=HEALTH_USER,
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        token_expires_at=timezone.now() - timedelta(minutes=1),
    )
    fake_google_health.refresh_delay_s = 0.3
    results, errors = access_token_from_two_workers(connection.pk)

    assert errors == []
    assert fake_google_health.count("POST", "/token") == 1
    assert len(results) == 2 and results[0] == results[1]
    connection.refresh_from_db()
    assert (connection.status, connection.access_token) == ("active", results[0])
    assert connection.refresh_token == tokens["refresh_token"]


# --- Deletion, revocation, backfill, the web flow -------------------------------------------


def test_an_exercise_deleted_at_google_deletes_the_activity(
    fake_google_health, connected, client, user, django_capture_on_commit_callbacks
):
    fake_google_health.add_exercise(HEALTH_USER, "9040", START_Z, END_Z, tcx=tcx_run())
    fake_google_health.add_exercise(
        HEALTH_USER, "9041", "2026-06-01T17:00:00Z", "2026-06-01T17:30:00Z"
    )
    deliver(
        client,
        *fake_google_health.notification(HEALTH_USER, CHANGED),
        django_capture_on_commit_callbacks,
    )
    assert Activity.objects.filter(owner=user).count() == 2

    fake_google_health.delete_exercise(HEALTH_USER, "9041")
    deliver(
        client,
        *fake_google_health.notification(
            HEALTH_USER, [("2026-06-01T17:00:00Z", "2026-06-01T17:30:00Z")], operation="DELETE"
        ),
        django_capture_on_commit_callbacks,
    )

    assert list(Activity.objects.filter(owner=user).values_list("external_id", flat=True)) == [
        "9040"
    ]
    gone = WebhookEvent.objects.get(key="exercise:9041")
    assert (gone.kind, gone.status, gone.activity) == ("activity_delete", "done", None)


def test_disconnect_revokes_at_google(fake_google_health, connected, token_client, user):
    token = connected.access_token

    response = token_client(user).delete(f"/api/v1/connections/{connected.pk}/")

    assert response.status_code == 204
    assert token not in fake_google_health.access and fake_google_health.refresh == {}
    assert fake_google_health.count("POST", "/revoke") == 1
    connected.refresh_from_db()
    assert (connected.status, connected.access_token, connected.refresh_token) == (
        "disconnected",
        "",
        "",
    )


def test_backfill_follows_the_pages(fake_google_health, connected, user):
    for n in range(30):  # more than one page of 25
        start = START - timedelta(days=2, minutes=n * 20)
        fake_google_health.add_exercise(
            HEALTH_USER,
            str(9100 + n),
            start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            (start + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )

    new = services.connection_backfill(connection_id=connected.pk, days=10_000)

    assert new == 30
    assert fake_google_health.count("GET", "/v4/users/me/dataTypes/exercise/dataPoints") >= 2
    assert services.connection_backfill(connection_id=connected.pk, days=10_000) == 0


def test_the_web_flow_connects_and_disconnects(fake_google_health, client, user):
    client.force_login(user)
    assert b"Connect Google Health (Fitbit)" in client.get("/connections/").content

    start = client.post("/connections/google_health/connect/")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{fake_google_health.url}/o/oauth2/v2/auth?")
    code = fake_google_health.authorize(HEALTH_USER, query["code_challenge"][0])
    done = client.get(
        "/connections/google_health/callback/",
        {"code": code, "state": query["state"][0]},
        follow=True,
    )

    assert b"Google Health (Fitbit) is connected" in done.content
    connection = Connection.objects.get(user=user, provider="google_health", status="active")
    client.post(f"/connections/{connection.pk}/disconnect/")
    connection.refresh_from_db()
    assert connection.status == "disconnected"
    assert fake_google_health.count("POST", "/revoke") == 1


def test_the_nightly_reconciliation_brings_in_a_missed_exercise(
    fake_google_health, connected, user, django_capture_on_commit_callbacks
):
    recent = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    fake_google_health.add_exercise(  # no notification came for it
        HEALTH_USER,
        "9200",
        recent.strftime("%Y-%m-%dT%H:%M:%SZ"),
        (recent + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        tcx=tcx_run(),
    )

    with django_capture_on_commit_callbacks(execute=True):
        queued = services.connections_reconcile(days=2)

    assert queued == 1
    assert Activity.objects.filter(owner=user, external_id="9200").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.connections_reconcile(days=2) == 0


def test_a_notification_for_someone_not_connected_here_is_ignored(
    fake_google_health, client, django_capture_on_commit_callbacks
):
    response, _ = deliver(
        client,
        *fake_google_health.notification("555", CHANGED),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 204
    assert WebhookEvent.objects.get().status == "ignored"
    assert fake_google_health.calls == []


def test_an_odd_data_point_does_not_hold_the_day_back(
    fake_google_health, connected, client, user, django_capture_on_commit_callbacks
):
    fake_google_health.add_exercise(HEALTH_USER, "9300", START_Z, END_Z, tcx=tcx_run())
    odd = fake_google_health.add_exercise(HEALTH_USER, "9301", START_Z, END_Z)
    odd["name"] = ""  # no id to key it by

    deliver(
        client,
        *fake_google_health.notification(HEALTH_USER, CHANGED),
        django_capture_on_commit_callbacks,
    )

    assert WebhookEvent.objects.get(kind="sync").status == "done"
    assert list(Activity.objects.filter(owner=user).values_list("external_id", flat=True)) == [
        "9300"
    ]
