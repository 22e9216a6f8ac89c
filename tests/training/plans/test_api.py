"""The plans API: public catalog, enrolling, my enrollments, the schedule, skip and move, the
calendar address. Real time here (API sign-in runs on the real clock): dates are from today."""

from datetime import timedelta

import pytest

from apps.training.plans import selectors, services
from apps.training.plans.models import PlanEnrollment
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _today():
    return selectors.local_today("UTC")


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def client(token_client, owner):
    return token_client(owner)


def test_the_catalog_is_public_and_translated(api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get("/api/v1/plans/")

    assert response.status_code == 200
    assert [p["slug"] for p in response.json()] == [
        "first-5k",
        "10k",
        "half-marathon",
        "yoga-30-days",
    ]
    assert response.json()[1] == {
        "slug": "10k",
        "name": "10 km",
        "summary": (
            "Eight weeks to a strong 10 km: an interval session, two easy runs and a long run "
            "each week, ending with the race."
        ),
        "level": "Runs 5 km comfortably",
        "sport": "run",
        "weeks": 8,
        "days": 56,
        "sessions_count": 32,
    }
    russian = api_client.get("/api/v1/plans/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert russian[0]["name"] == "Ваши первые 5 км"


def test_a_plan_with_its_structured_sessions(api_client):
    response = api_client.get("/api/v1/plans/10k/")

    assert response.status_code == 200
    body = response.json()
    assert len(body["sessions"]) == 32
    assert body["sessions"][1]["title"] == "Intervals"
    assert body["sessions"][1]["steps"][1] == {
        "kind": "interval",
        "effort": "interval",
        "repeat": 5,
        "duration_s": None,
        "distance_m": 400.0,
        "hr_zone": 4,
        "pace_s_per_km": None,
        "text": "Interval: 5 × 400 m, hard, heart-rate zone 4",
    }
    assert api_client.get("/api/v1/plans/nope/").status_code == 404


def test_enrolling_and_enrolling_again(client, owner):
    start = _today() + timedelta(days=3)

    first = client.post("/api/v1/plans/10k/enroll/", {"start_date": start}, format="json")
    again = client.post("/api/v1/plans/10k/enroll/", {}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    body = first.json()
    enrollment = PlanEnrollment.objects.get(owner=owner)
    assert body == {
        "id": enrollment.pk,
        "plan": "10k",
        "plan_name": "10 km",
        "status": "active",
        "start_date": start.isoformat(),
        "race_date": None,
        "timezone": "UTC",
        "volume_factor": 1.0,
        "created": body["created"],
        "current_week": 1,
        "compliance_percent": None,
        "calendar_url": f"http://testserver/plans/calendar/{enrollment.calendar_token}.ics",
        "adaptations": [],
    }
    assert again.json()["id"] == enrollment.pk


def test_enrolling_back_from_a_race_day(client):
    race = _today() + timedelta(days=70)

    response = client.post("/api/v1/plans/10k/enroll/", {"race_date": race}, format="json")

    assert response.status_code == 201
    assert response.json()["start_date"] == (race - timedelta(days=55)).isoformat()


def test_a_race_too_soon_is_a_validation_error_on_the_field(client, owner):
    response = client.post(
        "/api/v1/plans/half-marathon/enroll/",
        {"race_date": _today() + timedelta(days=10)},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert list(body["fields"]) == ["race_date"]
    assert body["fields"]["race_date"][0].startswith("This plan takes 84 days")
    assert not PlanEnrollment.objects.filter(owner=owner).exists()


def test_enrolling_is_safe_to_retry_with_an_idempotency_key(client, owner):
    headers = {"HTTP_IDEMPOTENCY_KEY": "enroll-1"}

    first = client.post("/api/v1/plans/yoga-30-days/enroll/", {}, format="json", **headers)
    replay = client.post("/api/v1/plans/yoga-30-days/enroll/", {}, format="json", **headers)

    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay["Idempotent-Replayed"] == "true"
    assert PlanEnrollment.objects.filter(owner=owner).count() == 1


def test_my_enrollments_with_a_query_count_that_does_not_grow(
    client, owner, django_assert_num_queries
):
    for slug in ("10k", "first-5k"):
        services.plan_enroll(owner=owner, plan_slug=slug)
    client.get("/api/v1/plans/enrollments/")  # warm the session
    with django_assert_num_queries(4) as few:
        client.get("/api/v1/plans/enrollments/")
    for slug in ("half-marathon", "yoga-30-days"):
        services.plan_enroll(owner=owner, plan_slug=slug)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/plans/enrollments/")

    assert [e["plan"] for e in response.json()["results"]] == [
        "yoga-30-days",
        "half-marathon",
        "first-5k",
        "10k",
    ]


def test_the_schedule_pages_by_date_with_a_query_count_that_does_not_grow(
    client, owner, django_assert_num_queries
):
    enrollment = services.plan_enroll(owner=owner, plan_slug="half-marathon").enrollment
    url = f"/api/v1/plans/enrollments/{enrollment.pk}/sessions/"
    client.get(url)
    with django_assert_num_queries(5) as few:
        small = client.get(url, {"page_size": 3})

    with django_assert_num_queries(len(few.captured_queries)):
        large = client.get(url, {"page_size": 40})

    assert [s["index"] for s in small.json()["results"]] == [0, 1, 2]
    assert len(large.json()["results"]) == 40
    following = client.get(small.json()["next"]).json()["results"]
    assert [s["index"] for s in following] == [3, 4, 5]
    first = small.json()["results"][0]
    assert (first["week"], first["title"], first["status"], first["target_distance_m"]) == (
        1,
        "Easy run",
        "planned",
        6000.0,
    )


def test_the_schedule_between_two_dates(client, owner):
    enrollment = services.plan_enroll(owner=owner, plan_slug="10k").enrollment
    start = enrollment.start_date

    response = client.get(
        f"/api/v1/plans/enrollments/{enrollment.pk}/sessions/",
        {"from": start + timedelta(days=7), "to": start + timedelta(days=13)},
    )

    assert [s["index"] for s in response.json()["results"]] == [4, 5, 6, 7]
    bad = client.get(f"/api/v1/plans/enrollments/{enrollment.pk}/sessions/", {"from": "soon"})
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["start"])


def test_skip_and_move_with_clear_errors(client, owner):
    enrollment = services.plan_enroll(owner=owner, plan_slug="10k").enrollment
    intervals = enrollment.sessions.get(index=1)
    base = f"/api/v1/plans/enrollments/{enrollment.pk}/sessions/{intervals.pk}"
    start = enrollment.start_date

    moved = client.post(f"{base}/reschedule/", {"date": start + timedelta(days=1)}, format="json")
    taken = client.post(f"{base}/reschedule/", {"date": start + timedelta(days=4)}, format="json")
    outside = client.post(f"{base}/reschedule/", {"date": start + timedelta(days=8)}, format="json")
    skipped = client.post(f"{base}/skip/")
    again = client.post(f"{base}/skip/")

    assert (moved.status_code, moved.json()["date"]) == (
        200,
        (start + timedelta(days=1)).isoformat(),
    )
    assert (taken.status_code, taken.json()["code"]) == (409, "DAY_TAKEN")
    assert (outside.status_code, outside.json()["code"]) == (400, "RESCHEDULE_INVALID")
    assert list(outside.json()["fields"]) == ["date"]
    assert (skipped.status_code, skipped.json()["status"]) == (200, "skipped")
    assert (again.status_code, again.json()["code"]) == (409, "SESSION_NOT_PLANNED")


def test_a_new_calendar_address_and_stopping(client, owner):
    enrollment = services.plan_enroll(owner=owner, plan_slug="10k").enrollment
    old = enrollment.calendar_token

    response = client.post(f"/api/v1/plans/enrollments/{enrollment.pk}/calendar-token/")
    stopped = client.delete(f"/api/v1/plans/enrollments/{enrollment.pk}/")

    enrollment.refresh_from_db()
    assert response.json() == {
        "calendar_url": f"http://testserver/plans/calendar/{enrollment.calendar_token}.ics"
    }
    assert enrollment.calendar_token != old
    assert (stopped.status_code, enrollment.status) == (204, "abandoned")


def test_another_users_sessions_are_not_found(client, token_client):
    theirs = services.plan_enroll(owner=UserFactory(), plan_slug="10k").enrollment
    session = theirs.sessions.get(index=0)

    response = client.post(f"/api/v1/plans/enrollments/{theirs.pk}/sessions/{session.pk}/skip/")

    assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND")
    session.refresh_from_db()
    assert session.status == "planned"


def test_the_schema_documents_the_plans_api(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})

    paths = response.json()["paths"]
    assert "/api/v1/plans/{slug}/enroll/" in paths
    assert (
        "409"
        in paths["/api/v1/plans/enrollments/{enrollment_id}/sessions/{session_id}/reschedule/"][
            "post"
        ]["responses"]
    )
