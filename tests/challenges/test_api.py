"""The challenges API: exact payloads, join and leave, errors, and query counts that do not
grow with the page."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.challenges import services
from apps.challenges.models import Challenge, Participation
from tests.accounts.factories import UserFactory
from tests.challenges.conftest import record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_june")]


def _challenges(n, prefix="c"):
    return [
        Challenge.objects.create(
            slug=f"{prefix}{i}",
            title={"en": f"C{i}", "de": f"De{i}"},
            metric="activities",
            target=3,
            start_date=date(2026, 6, 1),
            end_date=date(2026, 6, 30),
        )
        for i in range(n)
    ]


def test_join_progress_and_leave(token_client, challenge):
    user = UserFactory()
    client = token_client(user)
    record(user, km=10)
    response = client.post(f"/api/v1/challenges/{challenge.pk}/join/")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "June 50 km"
    assert body["mine"]["progress"] == 10000.0
    assert body["mine"]["percent"] == 20.0
    assert body["mine"]["completed_at"] is None
    response = client.post(f"/api/v1/challenges/{challenge.pk}/leave/")
    assert response.status_code == 204
    assert not Participation.objects.filter(user=user).exists()


def test_closed_and_foreign_challenges_are_refused(token_client, challenge, monkeypatch):
    client = token_client(UserFactory())
    monkeypatch.setattr(services, "today", lambda zone: date(2026, 7, 2))
    response = client.post(f"/api/v1/challenges/{challenge.pk}/join/")
    assert (response.status_code, response.json()["code"]) == (409, "CHALLENGE_CLOSED")
    Challenge.objects.filter(pk=challenge.pk).update(
        scope="country", country="DE", end_date=date(2026, 7, 30)
    )
    response = client.post(f"/api/v1/challenges/{challenge.pk}/join/")
    assert (response.status_code, response.json()["code"]) == (403, "CHALLENGE_NOT_ELIGIBLE")
    assert not Participation.objects.exists()
    assert client.get("/api/v1/challenges/999999/").status_code == 404


def test_list_query_count_does_not_grow_with_the_page(token_client):
    user = UserFactory()
    client = token_client(user)
    for c in _challenges(3):
        services.challenge_join(challenge=c, user=user)
    client.get("/api/v1/challenges/")  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/api/v1/challenges/").json()["results"]) == 3
    for c in _challenges(9, prefix="d"):
        services.challenge_join(challenge=c, user=user)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/challenges/").json()["results"]) == 12
    assert len(many) == len(few)


def test_leaderboard_and_settings(token_client):
    me, other = UserFactory(), UserFactory()
    record(me, km=5, day=(2026, 6, 3))
    record(other, km=8, minutes=50, day=(2026, 6, 3))
    client = token_client(me)
    response = client.get("/api/v1/leaderboards/?sport=run&period=week&date=2026-06-03&limit=1")
    assert response.json() == {
        "rows": [
            {"rank": 1, "user_id": other.pk, "display_name": other.public_name, "value": 8000.0}
        ],
        "me": {"rank": 2, "user_id": me.pk, "display_name": me.public_name, "value": 5000.0},
        "total": 2,
    }
    assert client.put("/api/v1/leaderboards/settings/", {"hidden": True}, format="json").json() == {
        "hidden": True
    }
    response = client.get("/api/v1/leaderboards/?sport=run&period=week&date=2026-06-03")
    assert response.json()["me"] is None
    assert response.json()["total"] == 1
    bad = client.get("/api/v1/leaderboards/?period=year")
    assert bad.status_code == 400


def test_leaderboard_query_count_is_fixed(token_client):
    me = UserFactory()
    client = token_client(me)
    url = "/api/v1/leaderboards/?sport=run&period=week&date=2026-06-03"
    record(me, km=1, day=(2026, 6, 3))
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        record(UserFactory(), km=5, day=(2026, 6, 3))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).json()["me"]["rank"] == 11
    assert len(many) == len(few)


def test_badge_cabinet(token_client):
    me = UserFactory()
    record(me, km=6, minutes=40)
    response = token_client(me).get("/api/v1/badges/")
    [award] = response.json()["results"]
    assert award["badge"]["slug"] == "first-5k"
    assert award["badge"]["title"] == "First 5 km"
    assert award["badge"]["image"].endswith("challenges/badges/first-5k.svg")
