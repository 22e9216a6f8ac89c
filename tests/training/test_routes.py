"""Routes: saved from an activity or a GPX file, found near a place, downloaded for a watch;
others get them without the part near the owner's home."""

import gpxpy
import pytest
from rest_framework.test import APIClient

from apps.accounts import services as accounts_services
from apps.core.geo import haversine_m
from apps.training import services
from apps.training.models import Route
from tests.accounts.factories import UserFactory
from tests.training.gpx import gpx_line, gpx_upload
from tests.training.tracks import meridian_run, run_activity

pytestmark = pytest.mark.django_db


def test_a_route_from_an_activity_keeps_its_shape_and_distance(token_client):
    user = UserFactory()
    activity = services.record_activity(
        owner=user, activity=run_activity(meridian_run(seconds=1000))
    ).activity

    response = token_client(user).post(
        "/api/v1/routes/",
        {"activity_id": activity.pk, "name": "River loop", "tags": ["Flat", "river", "flat"]},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["distance_m"] == pytest.approx(3000, abs=1)
    assert body["tags"] == ["flat", "river"]
    assert body["visibility"] == "only_me"
    assert len(body["path"][0]) == 1001


def test_a_route_from_gpx_and_bad_files(token_client):
    client = token_client(UserFactory())

    ok = client.post("/api/v1/routes/", {"gpx": gpx_upload()}, format="multipart")
    bad = client.post(
        "/api/v1/routes/", {"gpx": gpx_upload(b"<html>no</html>")}, format="multipart"
    )
    empty = client.post(
        "/api/v1/routes/",
        {"gpx": gpx_upload(b"<gpx><trk><name>e</name></trk></gpx>")},
        format="multipart",
    )
    both = client.post(
        "/api/v1/routes/", {"activity_id": 1, "gpx": gpx_upload()}, format="multipart"
    )

    assert ok.status_code == 201 and ok.json()["name"] == "Riverside"
    assert ok.json()["distance_m"] == pytest.approx(2000, abs=1)
    assert ok.json()["elevation_gain_m"] == pytest.approx(20, abs=1)
    assert bad.status_code == 400 and "not a GPX file we can read" in str(bad.json())
    assert empty.status_code == 400 and "at least two points" in str(empty.json())
    assert both.status_code == 400 and "either an activity or a GPX file" in str(both.json())


def test_someone_elses_activity_cannot_become_my_route(token_client):
    owner = UserFactory()
    activity = services.record_activity(
        owner=owner, activity=run_activity(meridian_run(seconds=300), visibility="public")
    ).activity

    response = token_client(UserFactory()).post(
        "/api/v1/routes/", {"activity_id": activity.pk}, format="json"
    )

    assert response.status_code == 404
    assert not Route.objects.exists()


def test_public_routes_near_a_place(token_client):
    user = UserFactory()
    client = token_client(user)
    near = client.post(
        "/api/v1/routes/", {"gpx": gpx_upload(), "visibility": "public"}, format="multipart"
    ).json()
    client.post(
        "/api/v1/routes/",
        {"gpx": gpx_upload(gpx_line(lat0=52.5, lng=13.4, name="Berlin")), "visibility": "public"},
        format="multipart",
    )
    client.post("/api/v1/routes/", {"gpx": gpx_upload(), "name": "Private"}, format="multipart")

    found = token_client(UserFactory()).get("/api/v1/routes/nearby/?lat=48.01&lng=11.5&radius_km=5")

    assert [r["id"] for r in found.json()["results"]] == [near["id"]]
    assert token_client(user).get("/api/v1/routes/nearby/?lat=95&lng=0").status_code == 400


def test_others_get_a_public_route_without_the_part_near_home(token_client):
    owner = UserFactory()
    accounts_services.privacy_zone_create(
        user=owner, name="Home", latitude=48.0, longitude=11.5, radius_m=200
    )
    route = (
        token_client(owner)
        .post("/api/v1/routes/", {"gpx": gpx_upload(), "visibility": "public"}, format="multipart")
        .json()
    )

    theirs = APIClient().get(f"/api/v1/routes/{route['id']}/").json()
    gpx = gpxpy.parse(APIClient().get(f"/api/v1/routes/{route['id']}/gpx/").content.decode())

    shown = [p for run in theirs["path"] for p in run]
    assert shown and all(haversine_m(48.0, 11.5, p[0], p[1]) > 300 for p in shown)
    points = [p for seg in gpx.tracks[0].segments for p in seg.points]
    assert points and all(haversine_m(48.0, 11.5, p.latitude, p.longitude) > 300 for p in points)
    mine = token_client(owner).get(f"/api/v1/routes/{route['id']}/").json()
    assert mine["path"][0][0][:2] == pytest.approx([48.0, 11.5], abs=1e-6)


def test_the_route_list_costs_the_same_for_many(token_client, django_assert_max_num_queries):
    user = UserFactory()
    client = token_client(user)
    for _ in range(15):
        client.post("/api/v1/routes/", {"gpx": gpx_upload()}, format="multipart")

    with django_assert_max_num_queries(6):
        listed = client.get("/api/v1/routes/?page_size=15")

    assert len(listed.json()["results"]) == 15


def test_routes_nearby_cost_the_same_for_many(token_client, django_assert_max_num_queries):
    user = UserFactory()
    client = token_client(user)
    for _ in range(12):
        client.post(
            "/api/v1/routes/", {"gpx": gpx_upload(), "visibility": "public"}, format="multipart"
        )

    other = token_client(UserFactory())
    with django_assert_max_num_queries(7):
        found = other.get("/api/v1/routes/nearby/?lat=48&lng=11.5&page_size=12")

    assert len(found.json()["results"]) == 12
