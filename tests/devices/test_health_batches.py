"""Apple Health / Health Connect batches from the mobile app: workouts with routes and heart
rate become activities once, deletions on the phone remove them, one bad workout is rejected
with a reason while the rest go in, and a retried batch answers the first result."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.training.models import Activity
from tests.accounts.factories import UserFactory
from tests.training.tracks import METRES_PER_DEGREE

pytestmark = pytest.mark.django_db

URL = "/api/v1/health/batches/"


def _run(workout_id: str, start, minutes: int = 20, speed: float = 3.0) -> dict:
    seconds = minutes * 60
    return {
        "id": workout_id,
        "sport": "running",
        "start": start.isoformat(),
        "end": (start + timedelta(seconds=seconds)).isoformat(),
        "device": "Apple Watch",
        "route": [
            {
                "time": (start + timedelta(seconds=t)).isoformat(),
                "lat": 48 + speed * t / METRES_PER_DEGREE,
                "lng": 11.5,
            }
            for t in range(0, seconds + 1, 2)
        ],
        "heart_rate": [{"time": t, "bpm": 150} for t in range(1, seconds, 5)],
    }


def test_a_batch_records_workouts_and_a_retry_replays(token_client):
    client = token_client(UserFactory())
    start = timezone.now() - timedelta(days=1)
    batch = {
        "platform": "apple_health",
        "workouts": [
            _run("HK-1", start),
            {
                "id": "HK-2",
                "sport": "yoga",
                "start": (start + timedelta(hours=5)).isoformat(),
                "end": (start + timedelta(hours=5, minutes=40)).isoformat(),
            },
        ],
    }

    first = client.post(URL, batch, format="json", HTTP_IDEMPOTENCY_KEY="b1")
    retried = client.post(URL, batch, format="json", HTTP_IDEMPOTENCY_KEY="b1")
    again = client.post(URL, batch, format="json", HTTP_IDEMPOTENCY_KEY="b2")

    assert first.status_code == 200, first.content
    assert [w["status"] for w in first.json()["workouts"]] == ["created", "created"]
    assert retried.json() == first.json() and retried["Idempotent-Replayed"] == "true"
    assert [w["status"] for w in again.json()["workouts"]] == ["duplicate", "duplicate"]
    run = Activity.objects.get(external_id="HK-1")
    assert (run.provider, run.sport, run.device_name) == ("apple_health", "run", "Apple Watch")
    assert run.distance_m == pytest.approx(3600, abs=1)  # 20 min at 3 m/s
    assert run.avg_heart_rate == 150
    assert Activity.objects.get(external_id="HK-2").sport == "yoga"


def test_deleted_on_the_phone_is_deleted_here_and_only_mine(token_client):
    owner, other = UserFactory(), UserFactory()
    start = timezone.now() - timedelta(days=2)
    token_client(owner).post(
        URL,
        {"platform": "health_connect", "workouts": [_run("hc-9", start)]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="x",
    )

    theirs = token_client(other).post(
        URL,
        {"platform": "health_connect", "deleted": ["hc-9"]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="y",
    )
    mine = token_client(owner).post(
        URL,
        {"platform": "health_connect", "deleted": ["hc-9"]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="z",
    )

    assert theirs.json()["deleted"] == [
        {"id": "hc-9", "status": "not_found", "activity_id": None, "reason": ""}
    ]
    assert mine.json()["deleted"][0]["status"] == "deleted"
    assert not Activity.objects.exists()


def test_a_bad_workout_is_rejected_with_a_reason_and_the_rest_go_in(token_client):
    client = token_client(UserFactory())
    start = timezone.now() - timedelta(days=3)
    future = timezone.now() + timedelta(days=3)
    batch = {
        "platform": "apple_health",
        "workouts": [
            _run("ok", start),
            {**_run("later", future), "route": []},
            {
                "id": "backwards",
                "sport": "running",
                "start": start.isoformat(),
                "end": (start - timedelta(minutes=5)).isoformat(),
            },
        ],
    }

    response = client.post(URL, batch, format="json", HTTP_IDEMPOTENCY_KEY="k")

    results = {w["id"]: w for w in response.json()["workouts"]}
    assert results["ok"]["status"] == "created"
    assert results["later"]["status"] == "rejected"
    assert "future" in results["later"]["reason"]
    assert results["backwards"] == {
        "id": "backwards",
        "status": "rejected",
        "activity_id": None,
        "reason": "The workout ends before it starts.",
    }
    assert Activity.objects.count() == 1


def test_batches_need_a_known_platform_and_a_bounded_size(token_client):
    client = token_client(UserFactory())

    unknown = client.post(URL, {"platform": "fitbit"}, format="json", HTTP_IDEMPOTENCY_KEY="q")
    too_many = client.post(
        URL,
        {"platform": "apple_health", "workouts": [_run(str(i), timezone.now()) for i in range(26)]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="r",
    )

    assert unknown.status_code == 400 and "platform" in unknown.json()["fields"]
    assert too_many.status_code == 400 and "workouts" in too_many.json()["fields"]
