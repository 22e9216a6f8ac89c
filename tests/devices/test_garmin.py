"""Garmin through the provider pipeline against a local fake (real HTTP): OAuth 2 with PKCE
(a wrong verifier is refused), ping notifications whose FIT file is pulled from the callback
URL, push notifications with the summary inline (local time offset → zone), notifications not
from our client or pointing off Garmin's host refused with nothing stored, deregistration,
and refresh with a rotated token."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from apps.devices.models import Connection, WebhookEvent
from apps.training.models import Activity
from tests.devices.fakes.garmin import fake_garmin
from tests.devices.files import fit_run
from tests.training.tracks import START

__all__ = ["fake_garmin"]
pytestmark = pytest.mark.django_db
GARMIN_USER = "7f1f4f7c-3b2e-4f3e-a8a4-2d4b1f0c9e11"


def connect(client, fake, *, verifier_ok=True):
    start = client.post("/api/v1/connections/garmin/authorize/", {}, format="json").json()
    query = parse_qs(urlsplit(start["authorize_url"]).query)
    assert query["code_challenge_method"] == ["S256"]
    challenge = query["code_challenge"][0] if verifier_ok else "someone-elses-challenge"
    return client.post(
        "/api/v1/connections/garmin/complete/",
        {"code": fake.authorize(GARMIN_USER, challenge), "state": start["state"]},
        format="json",
    )


@pytest.fixture
def connected(fake_garmin, token_client, user):
    response = connect(token_client(user), fake_garmin)
    assert response.status_code == 201, response.content
    return Connection.objects.get(user=user, provider="garmin")


def deliver(client, raw, headers, capture):
    with capture(execute=True) as queued:
        response = client.post(
            "/webhooks/garmin/", raw, content_type="application/json", headers=headers
        )
    return response, queued


def test_oauth_with_pkce(fake_garmin, token_client, user):
    response = connect(token_client(user), fake_garmin)

    assert response.status_code == 201
    assert response.json()["external_id"] == GARMIN_USER
    assert response.json()["scopes"] == "ACTIVITY_EXPORT HEALTH_EXPORT"


def test_a_code_without_the_right_verifier_is_refused(fake_garmin, token_client, user):
    response = connect(token_client(user), fake_garmin, verifier_ok=False)

    assert response.status_code == 400 and response.json()["code"] == "OAUTH_CODE_REFUSED"
    assert not Connection.objects.exists()


def test_a_ping_pulls_the_fit_file(
    fake_garmin, connected, client, user, django_capture_on_commit_callbacks
):
    url = fake_garmin.add_file("12345-file", fit_run())
    body = {
        "activityFiles": [
            {
                "userId": GARMIN_USER,
                "summaryId": "12345-file",
                "activityId": 12345,
                "fileType": "FIT",
                "callbackURL": url,
                "startTimeInSeconds": int(START.timestamp()),
                "manual": False,
            }
        ]
    }

    response, _ = deliver(
        client, *fake_garmin.notification(body), django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    activity = Activity.objects.get(owner=user, provider="garmin")
    assert (activity.external_id, activity.start_time) == ("12345", START)
    assert activity.distance_m == pytest.approx(1800, abs=1)
    assert activity.avg_cadence == 170
    connected.refresh_from_db()
    assert connected.last_sync_at is not None


def test_a_push_summary_with_its_local_offset(
    fake_garmin, connected, client, user, django_capture_on_commit_callbacks
):
    body = {
        "activities": [
            {
                "userId": GARMIN_USER,
                "summaryId": "5001",
                "activityId": 5001,
                "activityName": "Tokyo Running",
                "activityType": "RUNNING",
                "startTimeInSeconds": int(START.timestamp()),
                "startTimeOffsetInSeconds": 32400,
                "durationInSeconds": 1800,
                "distanceInMeters": 5000.0,
                "averageHeartRateInBeatsPerMinute": 148,
                "maxHeartRateInBeatsPerMinute": 171,
                "averageRunCadenceInStepsPerMinute": 172.0,
                "activeKilocalories": 350,
                "deviceName": "Forerunner 965",
            }
        ]
    }

    deliver(client, *fake_garmin.notification(body), django_capture_on_commit_callbacks)

    activity = Activity.objects.get(owner=user, provider="garmin", external_id="5001")
    assert (activity.sport, activity.title, activity.timezone) == (
        "run",
        "Tokyo Running",
        "Etc/GMT-9",
    )
    assert (activity.elapsed_s, activity.distance_m, activity.avg_cadence) == (1800, 5000.0, 172)
    assert fake_garmin.count("GET", "/wellness-api/rest/activityFile") == 0  # data came inline


@pytest.mark.parametrize("forgery", ["other-client", "off-host-callback"])
def test_forged_notifications_store_nothing(
    fake_garmin, connected, client, forgery, django_capture_on_commit_callbacks
):
    url = fake_garmin.add_file("9-file", fit_run())
    if forgery == "off-host-callback":
        url = "http://127.0.0.2:9/steal?token=x"
    body = {
        "activityFiles": [
            {"userId": GARMIN_USER, "summaryId": "9-file", "fileType": "FIT", "callbackURL": url}
        ]
    }
    raw, headers = fake_garmin.notification(
        body, client_id="someone-else" if forgery == "other-client" else "garmin-client-5f0e"
    )

    response, queued = deliver(client, raw, headers, django_capture_on_commit_callbacks)

    assert response.status_code == 401
    assert queued == [] and not WebhookEvent.objects.exists()


def test_deregistration_revokes_the_connection(
    fake_garmin, connected, client, django_capture_on_commit_callbacks
):
    body = {"deregistrations": [{"userId": GARMIN_USER}]}

    deliver(client, *fake_garmin.notification(body), django_capture_on_commit_callbacks)

    connected.refresh_from_db()
    assert (connected.status, connected.access_token, connected.refresh_token) == (
        "revoked",
        "",
        "",
    )


def test_refresh_rotates_the_token(
    fake_garmin, connected, client, user, django_capture_on_commit_callbacks
):
    old = connected.refresh_token
    Connection.objects.filter(pk=connected.pk).update(token_expires_at=timezone.now())
    url = fake_garmin.add_file("77-file", fit_run())
    body = {
        "activityFiles": [
            {
                "userId": GARMIN_USER,
                "summaryId": "77-file",
                "activityId": 77,
                "fileType": "FIT",
                "callbackURL": url,
            }
        ]
    }

    deliver(client, *fake_garmin.notification(body), django_capture_on_commit_callbacks)

    connected.refresh_from_db()
    assert connected.refresh_token != old and old not in fake_garmin.refresh
    assert Activity.objects.filter(owner=user, external_id="77").exists()


def test_disconnect_deletes_the_registration(fake_garmin, connected, token_client, user):
    assert token_client(user).delete(f"/api/v1/connections/{connected.pk}/").status_code == 204
    assert GARMIN_USER not in fake_garmin.registered
