import datetime as dt
import json

import pytest
from django.test import Client

from apps.devices.models import Upload
from apps.partners import services
from apps.training.models import Activity
from tests.accounts.factories import UserFactory
from tests.partners.factories import make_partner
from tests.partners.helpers import authorize

pytestmark = pytest.mark.django_db

RUN = {
    "external_id": "acme-1",
    "sport": "run",
    "start_time": "2026-05-01T07:30:00Z",
    "elapsed_s": 3000,
    "distance_m": 10000,
    "title": "Morning run",
}


@pytest.fixture
def partner_client():
    partner, creds = make_partner()
    owner = partner.owners.get()
    token = authorize(
        owner, creds.client_id, creds.client_secret, "activities:read activities:write"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    client.partner, client.owner = partner, owner
    return client


def _post(client, body, key="k-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        "/api/v1/partner/activities/", json.dumps(body), content_type="application/json", **headers
    )


def test_create_then_replay_with_the_same_key_makes_one_activity(partner_client):
    first = _post(partner_client, RUN)
    again = _post(partner_client, RUN)

    assert first.status_code == 201
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    activity = Activity.objects.get(owner=partner_client.owner)
    assert activity.provider == f"partner-{partner_client.partner.pk}"
    assert activity.external_id == "acme-1"
    assert activity.distance_m == 10000
    assert first.json()["id"] == activity.pk
    assert first["RateLimit-Limit"] == "600"
    assert first["RateLimit-Remaining"] == "599"


def test_same_key_with_another_body_is_422(partner_client):
    _post(partner_client, RUN)
    response = _post(partner_client, {**RUN, "title": "Other"})
    assert response.status_code == 422
    assert response.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_a_create_without_a_key_is_400(partner_client):
    response = _post(partner_client, RUN, key=None)
    assert response.status_code == 400
    assert response.json()["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    assert not Activity.objects.exists()


def test_same_external_id_with_a_new_key_upserts(partner_client):
    created = _post(partner_client, RUN, key="a")
    updated = _post(partner_client, {**RUN, "title": "Renamed"}, key="b")

    assert created.status_code == 201
    assert updated.status_code == 200
    assert updated.json()["id"] == created.json()["id"]
    assert Activity.objects.get().title == "Renamed"


def test_bad_input_is_a_400_with_fields(partner_client):
    response = _post(partner_client, {**RUN, "sport": "flying", "elapsed_s": -1})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"sport", "elapsed_s"}


def test_read_scope_only_cannot_write():
    partner, creds = make_partner()
    token = authorize(partner.owners.get(), creds.client_id, creds.client_secret, "activities:read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    response = _post(client, RUN)
    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_sandbox_credentials_do_not_act_for_real_athletes():
    _partner, creds = make_partner()
    stranger = UserFactory()
    token = authorize(stranger, creds.client_id, creds.client_secret, "activities:write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    response = _post(client, RUN)
    assert response.status_code == 403
    assert response.json()["code"] == "SANDBOX_ONLY"


def test_production_credentials_act_for_anyone_who_authorized():
    partner, _ = make_partner()
    prod = services.partner_approve(partner=partner)
    athlete = UserFactory()
    token = authorize(athlete, prod.client_id, prod.client_secret, "activities:write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    assert _post(client, RUN).status_code == 201
    assert Activity.objects.get().owner == athlete


def _gpx() -> bytes:
    start = dt.datetime(2026, 5, 2, 7, 0, tzinfo=dt.UTC)
    points = []
    for i in range(120):
        stamp = (start + dt.timedelta(seconds=i * 5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        points.append(f'<trkpt lat="{52.5 + i * 0.0001}" lon="13.4"><time>{stamp}</time></trkpt>')
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type><trkseg>'
        + "".join(points)
        + "</trkseg></trk></gpx>"
    ).encode()


def test_file_upload_goes_into_the_devices_pipeline(
    partner_client, django_capture_on_commit_callbacks
):
    gpx = _gpx()
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = partner_client.post(
            "/api/v1/partner/uploads/",
            {"file": SimpleUploadedFile("run.gpx", gpx)},
            HTTP_IDEMPOTENCY_KEY="u-1",
        )
    assert response.status_code == 202, response.content
    upload = Upload.objects.get(pk=response.json()["id"])
    upload.refresh_from_db()
    assert upload.owner == partner_client.owner
    assert upload.status == Upload.Status.DONE
    assert upload.activity.sport == "run"


def test_read_back_one_activity_and_not_anothers(partner_client):
    mine = _post(partner_client, RUN).json()
    assert partner_client.get(f"/api/v1/partner/activities/{mine['id']}/").json()[
        "external_id"
    ] == ("acme-1")
    fields = {k: v for k, v in RUN.items() if k != "external_id"}
    fields["start_time"] = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    other = services.activity_upsert(
        partner=None, owner=UserFactory(), external_id="x", fields=fields
    )
    assert partner_client.get(f"/api/v1/partner/activities/{other.activity.pk}/").status_code == 404


def test_two_partners_with_the_same_key_do_not_share_replays(partner_client):
    _other, creds = make_partner(owner=partner_client.owner, name="Other")
    scopes = "activities:write"
    token = authorize(partner_client.owner, creds.client_id, creds.client_secret, scopes)
    other_client = Client(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")

    first = _post(partner_client, RUN, key="same")
    second = _post(other_client, RUN, key="same")

    assert first.status_code == 201
    assert "Idempotent-Replayed" not in second  # its own request, not the other's replay
    assert second.status_code == 200  # the same workout, recognised by record_activity
    assert second.json()["id"] == first.json()["id"]


def test_a_key_whose_first_request_is_in_flight_is_409(partner_client):
    import hashlib

    from apps.core.models import IdempotencyRecord

    partner = partner_client.partner
    payload = json.dumps(
        {"method": "POST", "path": "/api/v1/partner/activities/", "data": RUN},
        sort_keys=True,
        default=str,
    )
    IdempotencyRecord.objects.create(
        scope=f"user:{partner_client.owner.pk}:client:{partner.sandbox_application_id}",
        key="busy",
        fingerprint=hashlib.sha256(payload.encode()).hexdigest(),
        state=IdempotencyRecord.State.IN_PROGRESS,
    )
    response = _post(partner_client, RUN, key="busy")
    assert response.status_code == 409
    assert response.json()["code"] == "IDEMPOTENCY_REQUEST_IN_PROGRESS"
    assert not Activity.objects.exists()
