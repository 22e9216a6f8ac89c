"""The activities API: typed entry a person understands, and every read through who is looking
(visibility, hidden fields, privacy zones in the map, the streams and the GPX)."""

from datetime import timedelta

import gpxpy
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts import services as accounts_services
from apps.core.geo import haversine_m
from apps.training import selectors, services
from apps.training.models import Activity
from tests.accounts.factories import UserFactory
from tests.training.tracks import meridian_run, run_activity

pytestmark = pytest.mark.django_db

HOME = (48.0, 11.5)  # where the synthetic runs start
ZONE_RADIUS = 200
# Nothing within the zone plus the smallest margin may ever be shown to others.
SAFE_DISTANCE = ZONE_RADIUS + 100


def _public_run_from_home(owner, **fields):
    accounts_services.privacy_zone_create(
        user=owner, name="Home", latitude=HOME[0], longitude=HOME[1], radius_m=ZONE_RADIUS
    )
    return services.record_activity(
        owner=owner,
        activity=run_activity(
            meridian_run(seconds=2000, lat0=HOME[0], lng=HOME[1]),
            visibility="public",
            **fields,
        ),
    ).activity


def _near_home(points) -> list:
    return [p for p in points if haversine_m(HOME[0], HOME[1], p[0], p[1]) < SAFE_DISTANCE]


def test_others_see_a_public_run_without_the_part_near_home(token_client):
    owner, other = UserFactory(), UserFactory()
    activity = _public_run_from_home(owner)
    url = f"/api/v1/activities/{activity.pk}/"

    mine = token_client(owner).get(url).json()
    theirs = token_client(other).get(url).json()

    assert _near_home(mine["map"][0])  # the owner sees where they started
    shown = [p for run in theirs["map"] for p in run]
    assert shown and not _near_home(shown)
    assert theirs["distance_m"] == mine["distance_m"]

    streams = token_client(other).get(url + "streams/").json()["streams"]
    assert not _near_home(list(zip(streams["lat"], streams["lng"], strict=True)))
    assert streams["time"][0] == 0 and streams["distance"][0] == 0  # counted from what is shown
    assert len(streams["lat"]) < len(
        token_client(owner).get(url + "streams/").json()["streams"]["lat"]
    )

    gpx = gpxpy.parse(token_client(other).get(url + "gpx/").content.decode())
    points = [(p.latitude, p.longitude) for p in gpx.tracks[0].segments[0].points]
    assert points and not _near_home(points)
    assert all(p.time is None for p in gpx.tracks[0].segments[0].points)

    anonymous = APIClient().get(url).json()
    assert not _near_home([p for run in anonymous["map"] for p in run])


def test_private_and_followers_only_runs_stay_hidden(token_client, monkeypatch):
    owner, other = UserFactory(), UserFactory()
    private = services.record_activity(
        owner=owner, activity=run_activity(meridian_run(seconds=300), visibility="only_me")
    ).activity
    followers = services.record_activity(
        owner=owner,
        activity=run_activity(
            meridian_run(seconds=300),
            visibility="followers",
            start_time=private.start_time + timedelta(days=1),
        ),
    ).activity
    client = token_client(other)

    assert client.get(f"/api/v1/activities/{private.pk}/").status_code == 404
    assert client.get(f"/api/v1/activities/{followers.pk}/").status_code == 404
    assert APIClient().get(f"/api/v1/activities/{private.pk}/").status_code == 401
    assert client.get(f"/api/v1/users/{owner.pk}/activities/").json()["results"] == []

    # Once the community app tells training who follows whom, followers see theirs.
    monkeypatch.setattr(selectors, "_follows", lambda viewer, owner_id: True)
    monkeypatch.setattr(
        selectors, "_followed_ids", lambda viewer: Activity.objects.values("owner_id")
    )
    assert client.get(f"/api/v1/activities/{followers.pk}/").status_code == 200
    listed = client.get(f"/api/v1/users/{owner.pk}/activities/").json()["results"]
    assert [a["id"] for a in listed] == [followers.pk]


def test_fields_the_owner_hides_are_not_given_to_others(token_client):
    owner, other = UserFactory(), UserFactory()
    accounts_services.profile_update(user=owner, hidden_fields=["heart_rate", "start_time"])
    activity = services.record_activity(
        owner=owner, activity=run_activity(meridian_run(seconds=600), visibility="public")
    ).activity
    url = f"/api/v1/activities/{activity.pk}/"

    theirs = token_client(other).get(url).json()
    mine = token_client(owner).get(url).json()

    assert theirs["avg_heart_rate"] is None and theirs["max_heart_rate"] is None
    assert "heart_rate" not in theirs["zones"]
    assert theirs["start_time"] is None and theirs["start_date"] == "2026-06-01"
    assert all(s["avg_heart_rate"] is None for s in theirs["splits"])
    assert "heart_rate" not in token_client(other).get(url + "streams/").json()["streams"]
    assert mine["avg_heart_rate"] == 150 and mine["start_time"].startswith("2026-06-01T06:30")


def test_a_typed_run_is_recorded_once_even_when_retried(token_client):
    client = token_client(UserFactory())
    body = {
        "sport": "run",
        "start_time": (timezone.now() - timedelta(hours=3)).isoformat(),
        "elapsed_s": 1500,
        "distance_m": 5000,
        "title": "Parkrun",
    }

    first = client.post("/api/v1/activities/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    retried = client.post("/api/v1/activities/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post("/api/v1/activities/", body, format="json")  # same run, no key

    assert first.status_code == 201, first.content
    assert retried.status_code == 201 and retried["Idempotent-Replayed"] == "true"
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"distance_m": 50_000}, "distance_m", "That is 0:36 per km, which is not plausible"),
        ({"sport": "yoga", "distance_m": 3000}, "distance_m", "This sport has no distance"),
        ({"elapsed_s": 20}, "elapsed_s", "An activity lasts at least a minute."),
        ({"distance_m": None}, "distance_m", "Enter the distance."),
        ({"start_time": "2099-01-01T10:00:00Z"}, "start_time", "The start time is in the future."),
        ({"sport": "curling"}, "sport", "is not a valid choice"),
    ],
)
def test_typed_figures_get_errors_a_person_can_act_on(token_client, change, field, message):
    body = {
        "sport": "run",
        "start_time": (timezone.now() - timedelta(days=1)).isoformat(),
        "elapsed_s": 1800,
        "distance_m": 5000,
        **change,
    }
    if body.get("distance_m") is None:
        body.pop("distance_m")

    response = token_client(UserFactory()).post("/api/v1/activities/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert any(message in m for m in response.json()["fields"][field])
    assert not Activity.objects.exists()


def test_only_the_owner_changes_an_activity_and_changes_are_checked(token_client):
    owner, other = UserFactory(), UserFactory()
    activity = services.record_activity(
        owner=owner, activity=run_activity(meridian_run(seconds=300), visibility="public")
    ).activity
    url = f"/api/v1/activities/{activity.pk}/"

    assert token_client(other).patch(url, {"title": "Mine now"}, format="json").status_code == 403
    assert token_client(other).delete(url).status_code == 403
    bad = token_client(owner).patch(url, {"perceived_effort": 12}, format="json")
    assert bad.status_code == 400 and "perceived_effort" in bad.json()["fields"]
    ok = token_client(owner).patch(url, {"title": "Hills", "perceived_effort": 7}, format="json")
    assert ok.json()["title"] == "Hills" and ok.json()["perceived_effort"] == 7


def test_the_list_costs_the_same_queries_for_many_activities(
    token_client, django_assert_max_num_queries
):
    user = UserFactory()
    client = token_client(user)
    for day in range(30):
        services.record_activity(
            owner=user,
            activity=run_activity(
                meridian_run(seconds=120), start_time=timezone.now() - timedelta(days=day + 1)
            ),
        )

    with django_assert_max_num_queries(6):  # session, user, consents, page
        page = client.get("/api/v1/activities/?page_size=30").json()
    assert len(page["results"]) == 30
    assert page["results"][0]["start_time"] > page["results"][-1]["start_time"]

    other = token_client(UserFactory())
    Activity.objects.update(visibility="public")
    with django_assert_max_num_queries(9):  # the same, plus the owner's profile and zones
        shown = other.get(f"/api/v1/users/{user.pk}/activities/?page_size=30").json()
    assert len(shown["results"]) == 30


def test_streams_can_be_asked_for_by_name_and_fewer_samples(token_client):
    user = UserFactory()
    activity = services.record_activity(
        owner=user, activity=run_activity(meridian_run(seconds=3000))
    ).activity
    client = token_client(user)

    response = client.get(
        f"/api/v1/activities/{activity.pk}/streams/?keys=heart_rate,distance&resolution=100"
    )

    body = response.json()
    assert body["samples"] == 100
    assert set(body["streams"]) == {"heart_rate", "distance"}
    assert body["streams"]["distance"][-1] == pytest.approx(9000, abs=0.1)
    unknown = client.get(f"/api/v1/activities/{activity.pk}/streams/?keys=pulse")
    assert unknown.status_code == 400 and "Unknown streams: pulse." in str(unknown.json())


def test_imperial_users_get_splits_per_mile(token_client):
    user = UserFactory()
    accounts_services.profile_update(user=user, units="imperial")
    activity = services.record_activity(
        owner=user, activity=run_activity(meridian_run(speed=4.0, seconds=1000))
    ).activity

    detail = token_client(user).get(f"/api/v1/activities/{activity.pk}/").json()

    assert detail["split_unit"] == "mi"
    assert [round(s["distance_m"], 1) for s in detail["splits"]] == [1609.3, 1609.3, 781.3]


def test_the_csv_export_holds_every_activity_and_no_formulas(token_client):
    user = UserFactory()
    services.record_activity(
        owner=user, activity=run_activity(meridian_run(seconds=300), title="=HYPERLINK(evil)")
    )
    response = token_client(user).get("/api/v1/activities/export.csv")

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("id,sport,title,start_time")
    assert len(lines) == 2
    assert "'=HYPERLINK(evil)" in lines[1]


def test_strava_activities_are_shown_to_their_owner_only(token_client):
    owner, other = UserFactory(), UserFactory()
    activity = services.record_activity(
        owner=owner,
        activity=run_activity(
            meridian_run(seconds=300), visibility="public", provider="strava", external_id="s1"
        ),
    ).activity

    assert token_client(owner).get(f"/api/v1/activities/{activity.pk}/").status_code == 200
    assert token_client(other).get(f"/api/v1/activities/{activity.pk}/").status_code == 404
    listed = token_client(other).get(f"/api/v1/users/{owner.pk}/activities/").json()
    assert listed["results"] == []
    assert selectors.visible_activities(viewer=other).count() == 0
