"""What issue 8 must show for the social side: Alice follows Bob, sees his public run in her
feed without his privacy zone, gives kudos (Bob is told), comments; Bob blocks Carol and she
can no longer see him (feed, profile, his activities through the API) nor follow him."""

import pytest
from django.test import Client

from apps.core.geo import haversine_m
from apps.groups.models import Comment, Follow, Kudos
from apps.notifications.models import Notification
from tests.groups.conftest import HOME, ZONE_RADIUS, record_run

pytestmark = pytest.mark.django_db

SAFE_DISTANCE = ZONE_RADIUS + 100  # zone plus the smallest margin


def test_alice_follows_bob_sees_his_run_without_his_zone_gives_kudos_and_comments(
    alice, bob, token_client
):
    run = record_run(bob, zone=True, title="Morning ten")
    client = token_client(alice)

    assert client.post(f"/api/v1/people/{bob.pk}/follow/").status_code == 201
    assert Follow.objects.get(follower=alice, followee=bob).status == "active"
    assert Notification.objects.filter(user=bob, kind="new_follower").count() == 1

    feed = client.get("/api/v1/feed/").json()["results"]
    assert [item["id"] for item in feed] == [run.pk]
    shown = [p for segment in feed[0]["map"] for p in segment]
    assert shown, "the part away from home is shown"
    assert all(haversine_m(HOME[0], HOME[1], lat, lng) >= SAFE_DISTANCE for lat, lng in shown)
    assert feed[0]["owner_name"] == "Bob"

    first = client.post(f"/api/v1/activities/{run.pk}/kudos/")
    again = client.post(f"/api/v1/activities/{run.pk}/kudos/")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"activity": run.pk, "kudos_count": 1, "gave_kudos": True}
    assert Kudos.objects.filter(activity=run).count() == 1
    kudos_note = Notification.objects.get(user=bob, kind="kudos")
    assert kudos_note.context["actor_name"] == "Alice"
    assert kudos_note.context["activity_title"] == "Morning ten"

    response = client.post(
        f"/api/v1/activities/{run.pk}/comments/", {"body": "Strong finish!"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["body"] == "Strong finish!"
    assert response.json()["author"] == {"id": alice.pk, "name": "Alice"}
    assert Notification.objects.filter(user=bob, kind="comment").count() == 1
    item = client.get("/api/v1/feed/").json()["results"][0]
    assert (item["kudos_count"], item["comment_count"], item["gave_kudos"]) == (1, 1, True)


def test_bob_blocks_carol_and_she_no_longer_sees_or_follows_him(bob, carol, token_client):
    run = record_run(bob)
    carol_client = token_client(carol)
    assert carol_client.post(f"/api/v1/people/{bob.pk}/follow/").status_code == 201
    assert [i["id"] for i in carol_client.get("/api/v1/feed/").json()["results"]] == [run.pk]
    Comment.objects.create(activity=run, author=carol, body="Nice")

    assert token_client(bob).post(f"/api/v1/people/{carol.pk}/block/").status_code == 204

    assert not Follow.objects.filter(follower=carol, followee=bob).exists()
    assert carol_client.get("/api/v1/feed/").json()["results"] == []
    assert carol_client.get(f"/api/v1/people/{bob.pk}/").status_code == 404
    assert carol_client.get(f"/api/v1/people/{bob.pk}/activities/").status_code == 404
    assert carol_client.get(f"/api/v1/activities/{run.pk}/").status_code == 404
    assert carol_client.get(f"/api/v1/users/{bob.pk}/activities/").json()["results"] == []
    assert carol_client.post(f"/api/v1/activities/{run.pk}/kudos/").status_code == 404
    follow = carol_client.post(f"/api/v1/people/{bob.pk}/follow/")
    assert follow.status_code == 403
    assert follow.json()["code"] == "BLOCKED"
    assert not Follow.objects.filter(follower=carol, followee=bob).exists()
    # and the other way round: Bob no longer sees Carol's comment
    comments = token_client(bob).get(f"/api/v1/activities/{run.pk}/comments/").json()
    assert comments["results"] == []
    # the pages too
    browser = Client()
    browser.force_login(carol)
    assert browser.get(f"/people/{bob.pk}/").status_code == 404
    assert "Bob" not in browser.get("/feed/").content.decode()
