"""Fitbit through the provider pipeline against a local fake Fitbit Web API (real HTTP,
tests/devices/fakes/fitbit.py): OAuth 2 with PKCE and the per-athlete subscriptions, the
subscriber verification (204 / 404), signed notifications (a forged one stores and queues
nothing) answered 204, a day's logs becoming activities from their TCX or their summary, the
same notification three times, a day changing again, 429 with Fitbit's headers and 5xx,
refresh (rotated, concurrent), deletion, deauthorization, disconnect and backfill."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.devices import services
from apps.devices.models import Connection, WebhookEvent
from apps.devices.providers import base as provider_base
from apps.training.models import Activity
from tests.accounts.factories import UserFactory
from tests.devices.concurrency import access_token_from_two_workers
from tests.devices.fakes.fitbit import CLIENT_SECRET, VERIFY_CODE, fake_fitbit
from tests.devices.files import tcx_run
from tests.training.tracks import START

__all__ = ["fake_fitbit"]
pytestmark = pytest.mark.django_db
FITBIT_USER = "228S74"
DAY = "2026-06-01"
LOCAL_START = "2026-06-01T08:30:00.000+02:00"  # START in Central European Summer Time


def connect(client, fake, *, verifier_ok=True, capture=None):
    start = client.post("/api/v1/connections/fitbit/authorize/", {}, format="json")
    assert start.status_code == 200, start.content
    query = parse_qs(urlsplit(start.json()["authorize_url"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"] == ["activity heartrate location profile"]
    challenge = query["code_challenge"][0] if verifier_ok else "someone-elses-challenge"
    code = fake.authorize(FITBIT_USER, challenge)
    body = {"code": code, "state": start.json()["state"]}
    if capture is None:
        return client.post("/api/v1/connections/fitbit/complete/", body, format="json")
    with capture(execute=True):
        return client.post("/api/v1/connections/fitbit/complete/", body, format="json")


@pytest.fixture
def connected(fake_fitbit, token_client, user):
    response = connect(token_client(user), fake_fitbit)
    assert response.status_code == 201, response.content
    return Connection.objects.get(user=user, provider="fitbit")


def deliver(client, raw, headers, capture):
    with capture(execute=True) as queued:
        response = client.post(
            "/webhooks/fitbit/", raw, content_type="application/json", headers=headers
        )
    return response, queued


def run_due(capture):
    WebhookEvent.objects.filter(status="retrying").update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    with capture(execute=True):
        services.webhook_events_release_due()


# --- OAuth and subscriptions --------------------------------------------------------------


def test_oauth_with_pkce_subscribes_and_backfills(
    fake_fitbit, token_client, user, django_capture_on_commit_callbacks
):
    yesterday = (timezone.now() - timedelta(days=1)).replace(microsecond=0).isoformat()
    fake_fitbit.add_log(FITBIT_USER, 1001, yesterday, logType="manual", activityName="Walk")

    response = connect(token_client(user), fake_fitbit, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.content
    assert response.json()["external_id"] == FITBIT_USER
    assert response.json()["scopes"] == "heartrate activity location profile"
    assert fake_fitbit.subscriptions == {
        (FITBIT_USER, "activities"): f"stride-{FITBIT_USER}-a",
        (FITBIT_USER, "userRevokedAccess"): f"stride-{FITBIT_USER}-r",
    }
    activity = Activity.objects.get(owner=user)  # the backfill brought the last days in
    assert (activity.provider, activity.external_id) == ("fitbit", "1001")
    assert WebhookEvent.objects.get(key="log:1001").status == "done"


def test_a_code_without_the_right_verifier_is_refused(fake_fitbit, token_client, user):
    response = connect(token_client(user), fake_fitbit, verifier_ok=False)

    assert response.status_code == 400 and response.json()["code"] == "OAUTH_CODE_REFUSED"
    assert not Connection.objects.exists()
    assert fake_fitbit.subscriptions == {}


def test_a_used_code_is_refused(fake_fitbit, token_client, user):
    client = token_client(user)
    start = client.post("/api/v1/connections/fitbit/authorize/", {}, format="json").json()
    response = client.post(
        "/api/v1/connections/fitbit/complete/",
        {"code": "not-a-code-fitbit-gave", "state": start["state"]},
        format="json",
    )

    assert response.status_code == 400 and response.json()["code"] == "OAUTH_CODE_REFUSED"
    assert not Connection.objects.exists()


# --- Subscriber verification and signatures -----------------------------------------------


def test_subscriber_verification(fake_fitbit, client):
    assert client.get("/webhooks/fitbit/", {"verify": VERIFY_CODE}).status_code == 204
    assert client.get("/webhooks/fitbit/", {"verify": "wrong-code"}).status_code == 404
    assert client.get("/webhooks/fitbit/").status_code == 404


@pytest.mark.parametrize("forgery", ["other-secret", "tampered", "no-header"])
def test_a_forged_notification_stores_nothing_and_queues_nothing(
    fake_fitbit, connected, client, forgery, django_capture_on_commit_callbacks
):
    fake_fitbit.add_log(FITBIT_USER, 1002, LOCAL_START, tcx=tcx_run())
    raw, headers = fake_fitbit.notification(
        ("activities", DAY, FITBIT_USER),
        secret="someone-else" if forgery == "other-secret" else CLIENT_SECRET,
    )
    if forgery == "tampered":
        raw = raw.replace(FITBIT_USER.encode(), b"999XYZ")
    if forgery == "no-header":
        headers = {}
    calls = len(fake_fitbit.calls)

    response, queued = deliver(client, raw, headers, django_capture_on_commit_callbacks)

    assert response.status_code == 401
    assert queued == [] and WebhookEvent.objects.count() == 0
    assert len(fake_fitbit.calls) == calls


# --- Notifications become activities ------------------------------------------------------


def test_a_notification_becomes_an_activity_from_the_tcx(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    fake_fitbit.add_log(FITBIT_USER, 1003, LOCAL_START, tcx=tcx_run())
    fake_fitbit.add_log(FITBIT_USER, 1009, "2026-06-02T07:00:00.000+02:00", tcx=tcx_run())

    response, _ = deliver(
        client,
        *fake_fitbit.notification(("activities", DAY, FITBIT_USER)),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 204 and response.content == b""
    day = WebhookEvent.objects.get(key=f"day:{FITBIT_USER}:{DAY}")
    assert (day.kind, day.status, day.object_id) == ("sync", "done", DAY)
    log = WebhookEvent.objects.get(key="log:1003")
    assert (log.kind, log.status) == ("activity_create", "done")
    activity = Activity.objects.get(owner=user)  # the next day's log is not this day's
    assert activity == log.activity
    assert (activity.provider, activity.external_id, activity.sport) == ("fitbit", "1003", "run")
    assert activity.start_time == START
    assert activity.title == "Run"
    assert activity.timezone == "Etc/GMT-2"
    assert activity.distance_m == pytest.approx(1800, abs=5)
    assert activity.avg_heart_rate == pytest.approx(150)
    assert activity.calories == 151
    assert fake_fitbit.count("GET", "/1/user/-/activities/1003.tcx") == 1
    connected.refresh_from_db()
    assert connected.last_sync_at is not None


def test_a_log_without_a_track_becomes_an_activity_from_its_summary(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    fake_fitbit.add_log(
        FITBIT_USER,
        1004,
        "2026-06-01T07:15:00.000-05:00",
        activityName="Walk",
        logType="auto_detected",
        duration=1_800_000,
        activeDuration=1_740_000,
        distance=1.5,
        distanceUnit="Mile",
        elevationGain=100.0,
        averageHeartRate=101,
    )

    deliver(
        client,
        *fake_fitbit.notification(("activities", DAY, FITBIT_USER)),
        django_capture_on_commit_callbacks,
    )

    activity = Activity.objects.get(owner=user)
    assert (activity.sport, activity.title, activity.external_id) == ("walk", "Walk", "1004")
    assert activity.start_time == START.replace(hour=12, minute=15)
    assert activity.timezone == "Etc/GMT+5"
    assert (activity.elapsed_s, activity.moving_s) == (1800, 1740)
    assert activity.distance_m == pytest.approx(2414.0, abs=1)  # 1.5 miles
    assert activity.elevation_gain_m == pytest.approx(30.5, abs=0.1)  # 100 ft
    assert activity.avg_heart_rate == pytest.approx(101)
    assert fake_fitbit.count("GET", "/1/user/-/activities/1004.tcx") == 1  # tried, empty


def test_a_manual_log_is_not_asked_for_a_tcx(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    fake_fitbit.add_log(FITBIT_USER, 1005, LOCAL_START, logType="manual", activityName="Swim")

    deliver(
        client,
        *fake_fitbit.notification(("activities", DAY, FITBIT_USER)),
        django_capture_on_commit_callbacks,
    )

    assert Activity.objects.get(owner=user).sport == "swim"
    assert fake_fitbit.count("GET", "/1/user/-/activities/1005.tcx") == 0


def test_the_same_notification_three_times_is_one_activity(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    fake_fitbit.add_log(FITBIT_USER, 1006, LOCAL_START, tcx=tcx_run())
    raw, headers = fake_fitbit.notification(("activities", DAY, FITBIT_USER))

    answers = [deliver(client, raw, headers, django_capture_on_commit_callbacks) for _ in "abc"]

    assert [a[0].status_code for a in answers] == [204, 204, 204]
    assert Activity.objects.filter(owner=user).count() == 1
    assert WebhookEvent.objects.filter(kind="sync").count() == 1  # one row per athlete-day
    assert WebhookEvent.objects.filter(key="log:1006").count() == 1
    assert fake_fitbit.count("GET", "/1/user/-/activities/1006.tcx") == 1


def test_a_redelivery_while_the_day_waits_queues_nothing_more(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    fake_fitbit.add_log(FITBIT_USER, 1007, LOCAL_START, tcx=tcx_run())
    raw, headers = fake_fitbit.notification(("activities", DAY, FITBIT_USER))
    with django_capture_on_commit_callbacks(execute=False) as first:  # no worker yet
        client.post("/webhooks/fitbit/", raw, content_type="application/json", headers=headers)

    _, second = deliver(client, raw, headers, django_capture_on_commit_callbacks)

    assert len(first) == 1 and second == []  # the waiting listing will see this change too
    assert WebhookEvent.objects.get(kind="sync").status == "received"


def test_a_day_that_changes_again_is_listed_again(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    fake_fitbit.add_log(FITBIT_USER, 1010, LOCAL_START, tcx=tcx_run())
    deliver(
        client,
        *fake_fitbit.notification(("activities", DAY, FITBIT_USER)),
        django_capture_on_commit_callbacks,
    )
    fake_fitbit.add_log(
        FITBIT_USER, 1011, "2026-06-01T19:00:00.000+02:00", logType="manual", activityName="Yoga"
    )

    deliver(
        client,
        *fake_fitbit.notification(("activities", DAY, FITBIT_USER)),
        django_capture_on_commit_callbacks,
    )

    assert sorted(Activity.objects.filter(owner=user).values_list("external_id", flat=True)) == [
        "1010",
        "1011",
    ]
    assert WebhookEvent.objects.get(kind="sync").status == "done"
    assert fake_fitbit.count("GET", "/1/user/-/activities/1010.tcx") == 1


# --- Rate limits and provider trouble -----------------------------------------------------


def test_429_reschedules_after_fitbits_reset_without_spending_a_retry(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    fake_fitbit.add_log(FITBIT_USER, 1020, LOCAL_START, tcx=tcx_run())
    fake_fitbit.fail_next(
        "/1/user/-/activities/list.json",
        429,
        body={"errors": [{"errorType": "system", "message": "Too Many Requests"}]},
        headers={
            "Fitbit-Rate-Limit-Limit": "150",
            "Fitbit-Rate-Limit-Remaining": "0",
            "Fitbit-Rate-Limit-Reset": "1234",
            "Retry-After": "1234",
        },
    )

    deliver(
        client,
        *fake_fitbit.notification(("activities", DAY, FITBIT_USER)),
        django_capture_on_commit_callbacks,
    )

    event = WebhookEvent.objects.get(kind="sync")
    assert (event.status, event.attempts, event.error) == ("retrying", 0, "RATE_LIMITED")
    wait = (event.next_attempt_at - timezone.now()).total_seconds()
    assert 1200 < wait <= 1236
    # The budget is this athlete's: other Fitbit athletes are not held back.
    assert provider_base.budget_get(f"fitbit:{FITBIT_USER}")["usage"] == 150
    assert provider_base.budget_get("fitbit") is None
    calls = len(fake_fitbit.calls)
    run_due(django_capture_on_commit_callbacks)  # still inside the window: nothing is sent
    assert len(fake_fitbit.calls) == calls
    assert WebhookEvent.objects.get(kind="sync").attempts == 0

    cache.delete(f"devices:budget:fitbit:{FITBIT_USER}")  # the hour ends
    run_due(django_capture_on_commit_callbacks)

    event.refresh_from_db()
    assert (event.status, event.attempts) == ("done", 1)
    assert Activity.objects.filter(owner=user, external_id="1020").count() == 1


def test_5xx_backs_off_then_succeeds(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    fake_fitbit.add_log(FITBIT_USER, 1021, LOCAL_START, tcx=tcx_run())
    fake_fitbit.fail_next("/1/user/-/activities/1021.tcx", 503)

    deliver(
        client,
        *fake_fitbit.notification(("activities", DAY, FITBIT_USER)),
        django_capture_on_commit_callbacks,
    )

    log = WebhookEvent.objects.get(key="log:1021")
    assert (log.status, log.attempts, log.error) == ("retrying", 1, "PROVIDER_UNAVAILABLE")
    assert 14 <= (log.next_attempt_at - timezone.now()).total_seconds() <= 46
    assert not Activity.objects.exists()

    run_due(django_capture_on_commit_callbacks)

    log.refresh_from_db()
    assert (log.status, log.attempts) == ("done", 2)
    assert Activity.objects.filter(owner=user, external_id="1021").count() == 1


# --- Tokens ---------------------------------------------------------------------------------


def test_an_expired_token_is_refreshed_and_the_rotated_refresh_token_kept(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    old_refresh = connected.refresh_token
    Connection.objects.filter(pk=connected.pk).update(token_expires_at=timezone.now())
    fake_fitbit.add_log(FITBIT_USER, 1030, LOCAL_START, tcx=tcx_run())

    deliver(
        client,
        *fake_fitbit.notification(("activities", DAY, FITBIT_USER)),
        django_capture_on_commit_callbacks,
    )

    connected.refresh_from_db()
    assert connected.refresh_token != old_refresh
    assert old_refresh not in fake_fitbit.refresh  # single use: spent at Fitbit
    assert connected.refresh_token in fake_fitbit.refresh
    assert connected.token_expires_at > timezone.now() + timedelta(hours=7)
    assert Activity.objects.filter(owner=user, external_id="1030").count() == 1


def test_a_refused_refresh_token_asks_the_person_to_reconnect(
    fake_fitbit, connected, client, token_client, user, django_capture_on_commit_callbacks
):
    Connection.objects.filter(pk=connected.pk).update(token_expires_at=timezone.now())
    fake_fitbit.refresh.clear()

    deliver(
        client,
        *fake_fitbit.notification(("activities", DAY, FITBIT_USER)),
        django_capture_on_commit_callbacks,
    )

    assert WebhookEvent.objects.get(kind="sync").status == "exhausted"
    body = token_client(user).get("/api/v1/connections/").json()["results"][0]
    assert (body["status"], body["last_error"]["code"]) == ("error", "INVALID_GRANT")


@pytest.mark.django_db(transaction=True)
def test_two_workers_refresh_once(fake_fitbit, settings):
    """Single-flight on PostgreSQL's row lock: Fitbit's refresh token works once, so a second
    refresh would fail; both workers get the one new access token."""
    if not settings.USES_POSTGRES:
        pytest.skip("row locks need PostgreSQL")
    tokens = fake_fitbit.issue(FITBIT_USER)
    connection = Connection.objects.create(
        user=UserFactory(),
        provider="fitbit",
        external_id=FITBIT_USER,
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        token_expires_at=timezone.now() - timedelta(minutes=1),
    )
    fake_fitbit.refresh_delay_s = 0.3
    results, errors = access_token_from_two_workers(connection.pk)

    assert errors == []
    assert fake_fitbit.count("POST", "/oauth2/token") == 1
    assert len(results) == 2 and results[0] == results[1]
    connection.refresh_from_db()
    assert (connection.status, connection.access_token) == ("active", results[0])


# --- Deletion, deauthorization, disconnect ------------------------------------------------


def test_a_log_deleted_at_fitbit_deletes_the_activity(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    fake_fitbit.add_log(FITBIT_USER, 1040, LOCAL_START, tcx=tcx_run())
    fake_fitbit.add_log(
        FITBIT_USER, 1041, "2026-06-01T19:00:00.000+02:00", logType="manual", activityName="Yoga"
    )
    raw, headers = fake_fitbit.notification(("activities", DAY, FITBIT_USER))
    deliver(client, raw, headers, django_capture_on_commit_callbacks)
    assert Activity.objects.filter(owner=user).count() == 2

    fake_fitbit.delete_log(FITBIT_USER, 1041)
    deliver(client, raw, headers, django_capture_on_commit_callbacks)

    assert list(Activity.objects.filter(owner=user).values_list("external_id", flat=True)) == [
        "1040"
    ]
    gone = WebhookEvent.objects.get(key="log:1041")
    assert (gone.kind, gone.status, gone.activity) == ("activity_delete", "done", None)


def test_revoked_access_at_fitbit_revokes_the_connection(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    response, _ = deliver(
        client,
        *fake_fitbit.notification(("userRevokedAccess", DAY, FITBIT_USER)),
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 204
    connected.refresh_from_db()
    assert (connected.status, connected.access_token, connected.refresh_token) == (
        "revoked",
        "",
        "",
    )
    # Later notifications for that athlete change nothing.
    fake_fitbit.add_log(FITBIT_USER, 1050, LOCAL_START, tcx=tcx_run())
    deliver(
        client,
        *fake_fitbit.notification(("activities", DAY, FITBIT_USER)),
        django_capture_on_commit_callbacks,
    )
    assert WebhookEvent.objects.get(kind="sync").status == "ignored"
    assert not Activity.objects.filter(owner=user).exists()


def test_disconnect_unsubscribes_and_revokes_at_fitbit(fake_fitbit, connected, token_client, user):
    token = connected.access_token

    response = token_client(user).delete(f"/api/v1/connections/{connected.pk}/")

    assert response.status_code == 204
    assert fake_fitbit.subscriptions == {}
    assert token not in fake_fitbit.access and fake_fitbit.refresh == {}
    assert fake_fitbit.count("POST", "/oauth2/revoke") == 1
    connected.refresh_from_db()
    assert (connected.status, connected.access_token) == ("disconnected", "")


def test_backfill_follows_the_lists_pages(fake_fitbit, connected, user):
    for n in range(105):  # more than one page of 100
        start = START - timedelta(days=2, minutes=n * 20)
        fake_fitbit.add_log(
            FITBIT_USER, 2000 + n, start.isoformat(), logType="manual", activityName="Walk"
        )

    new = services.connection_backfill(connection_id=connected.pk, days=10_000)

    assert new == 105
    assert fake_fitbit.count("GET", "/1/user/-/activities/list.json") == 2
    assert services.connection_backfill(connection_id=connected.pk, days=10_000) == 0


def test_the_web_flow_connects_and_disconnects(fake_fitbit, client, user):
    client.force_login(user)
    assert b"Connect Fitbit" in client.get("/connections/").content

    start = client.post("/connections/fitbit/connect/")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{fake_fitbit.url}/oauth2/authorize?")
    code = fake_fitbit.authorize(FITBIT_USER, query["code_challenge"][0])
    done = client.get(
        "/connections/fitbit/callback/", {"code": code, "state": query["state"][0]}, follow=True
    )

    assert b"Fitbit is connected" in done.content
    connection = Connection.objects.get(user=user, provider="fitbit", status="active")
    client.post(f"/connections/{connection.pk}/disconnect/")
    connection.refresh_from_db()
    assert connection.status == "disconnected"
    assert fake_fitbit.count("POST", "/oauth2/revoke") == 1


def test_a_change_while_the_day_is_being_listed_queues_a_fresh_listing(
    fake_fitbit, connected, client, user, django_capture_on_commit_callbacks
):
    raw, headers = fake_fitbit.notification(("activities", DAY, FITBIT_USER))
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/webhooks/fitbit/", raw, content_type="application/json", headers=headers)
    row = WebhookEvent.objects.get(kind="sync")
    assert services._event_claim(row.pk) is not None  # a worker is listing the day right now
    fake_fitbit.add_log(FITBIT_USER, 1070, LOCAL_START, tcx=tcx_run())  # synced meanwhile

    deliver(client, raw, headers, django_capture_on_commit_callbacks)

    # The running listing may have missed it: a fresh one ran.
    assert fake_fitbit.count("GET", "/1/user/-/activities/list.json") == 1
    assert Activity.objects.filter(owner=user, external_id="1070").count() == 1
    assert WebhookEvent.objects.get(kind="sync").status == "done"
