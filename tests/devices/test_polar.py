"""Polar AccessLink through the provider pipeline against a local fake (real HTTP): OAuth with
user registration, the signed PING and EXERCISE webhooks, a forged signature refused, the FIT
file downloaded and imported (semicircles, cadence per leg), local time offsets, the same
workout from Polar and Strava as one activity, and deregistration on disconnect."""

import json

import pytest

from apps.devices.models import Connection, WebhookEvent
from apps.devices.providers.polar import utc_offset_zone
from apps.training.models import Activity
from tests.devices.fakes.polar import fake_polar
from tests.devices.fakes.strava import fake_strava
from tests.devices.files import fit_run
from tests.training.tracks import START

__all__ = ["fake_polar", "fake_strava"]  # fixtures
pytestmark = pytest.mark.django_db
POLAR_USER = 475


def connect(client, fake, user_id=POLAR_USER):
    start = client.post("/api/v1/connections/polar/authorize/", {}, format="json")
    assert start.status_code == 200, start.content
    return client.post(
        "/api/v1/connections/polar/complete/",
        {"code": fake.authorize(user_id), "state": start.json()["state"]},
        format="json",
    )


@pytest.fixture
def connected(fake_polar, token_client, user):
    response = connect(token_client(user), fake_polar)
    assert response.status_code == 201, response.content
    return Connection.objects.get(user=user, provider="polar")


def post(client, raw, headers, capture):
    with capture(execute=True) as queued:
        response = client.post(
            "/webhooks/polar/", raw, content_type="application/json", headers=headers
        )
    return response, queued


def exercise(entity="aQlC83", user_id=POLAR_USER):
    return {
        "event": "EXERCISE",
        "user_id": user_id,
        "entity_id": entity,
        "timestamp": "2026-06-01T10:20:24Z",
        "url": f"https://www.polaraccesslink.com/v3/exercises/{entity}",
    }


def test_oauth_registers_the_user(fake_polar, token_client, user):
    response = connect(token_client(user), fake_polar)

    assert response.status_code == 201
    assert response.json()["external_id"] == str(POLAR_USER)
    assert POLAR_USER in fake_polar.registered
    assert fake_polar.count("POST", "/v3/users") == 1


def test_oauth_bad_code(fake_polar, token_client, user):
    client = token_client(user)
    state = client.post("/api/v1/connections/polar/authorize/", {}, format="json").json()["state"]
    response = client.post(
        "/api/v1/connections/polar/complete/", {"code": "nope", "state": state}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "OAUTH_CODE_REFUSED"
    assert not Connection.objects.exists()


def test_the_ping_on_creation_is_answered(fake_polar, client, django_capture_on_commit_callbacks):
    raw, headers = fake_polar.webhook({"timestamp": "2026-06-01T10:00:00Z", "event": "PING"})

    response, _queued = post(client, raw, headers, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert WebhookEvent.objects.get().status == "ignored"


def test_a_signed_exercise_becomes_an_activity_from_its_fit_file(
    fake_polar, connected, client, user, django_capture_on_commit_callbacks
):
    fake_polar.add_exercise(POLAR_USER, "aQlC83", fit_run())
    raw, headers = fake_polar.webhook(exercise())

    response, _queued = post(client, raw, headers, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    activity = Activity.objects.get(owner=user, provider="polar", external_id="aQlC83")
    assert activity.start_time == START  # the FIT file's UTC timestamps
    assert activity.distance_m == pytest.approx(1800, abs=1)  # from semicircle positions
    assert activity.avg_cadence == 170  # FIT's 85 strides a minute, two legs
    assert activity.timezone == "Etc/GMT-2"  # UTC+2 from the exercise's offset
    assert activity.device_name == "Polar Vantage V3"
    event = WebhookEvent.objects.get()
    assert event.headers == {"Content-Type": "application/json", "Polar-Webhook-Event": "EXERCISE"}


@pytest.mark.parametrize("forge", ["wrong-secret", "tampered", "unsigned"])
def test_a_forged_webhook_stores_and_queues_nothing(
    fake_polar, connected, client, forge, django_capture_on_commit_callbacks
):
    secret = "guess" if forge == "wrong-secret" else "fake-polar-webhook-secret"
    raw, headers = fake_polar.webhook(exercise(), secret=secret)
    if forge == "tampered":
        raw = raw.replace(b"aQlC83", b"aQlC84")
    if forge == "unsigned":
        headers.pop("Polar-Webhook-Signature")

    response, queued = post(client, raw, headers, django_capture_on_commit_callbacks)

    assert response.status_code == 401
    assert queued == [] and not WebhookEvent.objects.exists()


def test_the_same_workout_from_polar_and_strava_is_one_activity(
    fake_polar,
    fake_strava,
    connected,
    client,
    token_client,
    user,
    django_capture_on_commit_callbacks,
):
    from tests.devices.test_strava import ATHLETE
    from tests.devices.test_strava import connect as strava_connect

    assert strava_connect(token_client(user), fake_strava).status_code == 201
    fake_polar.add_exercise(POLAR_USER, "aQlC83", fit_run())
    post(client, *fake_polar.webhook(exercise()), django_capture_on_commit_callbacks)
    # Strava got the same run from the watch, two seconds off.
    fake_strava.add_run(ATHLETE, 777, start=START.replace(second=2), minutes=10)
    body = fake_strava.event(owner_id=ATHLETE, object_id=777)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/webhooks/strava/", json.dumps(body), content_type="application/json")

    activities = Activity.objects.filter(owner=user)
    assert [(a.provider, a.external_id) for a in activities] == [("polar", "aQlC83")]
    strava_event = WebhookEvent.objects.get(provider="strava")
    assert (strava_event.status, strava_event.activity_id) == ("done", activities[0].pk)


def test_disconnect_deregisters_the_user(fake_polar, connected, token_client, user):
    response = token_client(user).delete(f"/api/v1/connections/{connected.pk}/")

    assert response.status_code == 204
    assert POLAR_USER not in fake_polar.registered
    assert fake_polar.count("DELETE", f"/v3/users/{POLAR_USER}") == 1


@pytest.mark.parametrize(
    ("minutes", "zone"),
    [(120, "Etc/GMT-2"), (-300, "Etc/GMT+5"), (0, "Etc/GMT"), (330, ""), (None, "")],
)
def test_utc_offsets_become_zones(minutes, zone):
    assert utc_offset_zone(minutes) == zone


def test_deleted_at_strava_removes_only_the_strava_source(
    fake_polar,
    fake_strava,
    connected,
    client,
    token_client,
    user,
    django_capture_on_commit_callbacks,
):
    from apps.training.models import ActivitySource
    from tests.devices.test_strava import ATHLETE
    from tests.devices.test_strava import connect as strava_connect

    assert strava_connect(token_client(user), fake_strava).status_code == 201
    fake_polar.add_exercise(POLAR_USER, "aQlC83", fit_run())
    post(client, *fake_polar.webhook(exercise()), django_capture_on_commit_callbacks)
    fake_strava.add_run(ATHLETE, 777, start=START.replace(second=2), minutes=10)
    for aspect, at in (("create", 1_780_000_000), ("delete", 1_780_000_100)):
        body = fake_strava.event(owner_id=ATHLETE, object_id=777, aspect=aspect, event_time=at)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/webhooks/strava/", json.dumps(body), content_type="application/json")
        if aspect == "create":  # both sources, Polar's FIT primary
            assert list(
                ActivitySource.objects.order_by("pk").values_list("provider", "is_primary")
            ) == [("polar", True), ("strava", False)]

    activity = Activity.objects.get(owner=user)
    assert (activity.provider, activity.external_id) == ("polar", "aQlC83")
    assert list(ActivitySource.objects.values_list("provider", "external_id")) == [
        ("polar", "aQlC83")
    ]
    assert WebhookEvent.objects.filter(provider="strava", status="done").count() == 2
