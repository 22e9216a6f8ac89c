"""Follows and follow requests, blocks, mutes, suggestions, the feed and its query count,
kudos and comments with mentions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts import services as accounts_services
from apps.groups import selectors, services
from apps.groups.models import Follow, Kudos, Membership
from apps.notifications.models import Notification
from apps.training import selectors as training_selectors
from tests.accounts.factories import UserFactory
from tests.groups.conftest import record_run

pytestmark = pytest.mark.django_db


def _kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_a_private_profile_gets_a_request_that_can_be_approved(alice, bob, token_client):
    accounts_services.profile_update(user=bob, profile_visibility="followers")
    response = token_client(alice).post(f"/api/v1/people/{bob.pk}/follow/")
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert _kinds(bob) == ["follow_request"]
    assert selectors.follows(alice, bob) is False

    requests = token_client(bob).get("/api/v1/me/follow-requests/").json()["results"]
    assert [r["person"] for r in requests] == [{"id": alice.pk, "name": "Alice"}]
    approved = token_client(bob).post(f"/api/v1/me/follow-requests/{alice.pk}/")
    assert approved.status_code == 200 and approved.json()["status"] == "active"
    assert selectors.follows(alice, bob) is True
    assert _kinds(alice) == ["follow_accepted"]


def test_a_declined_request_is_gone_and_followers_only_runs_stay_hidden(alice, bob, token_client):
    accounts_services.profile_update(user=bob, profile_visibility="followers")
    record_run(bob, visibility="followers")
    services.follow_create(follower=alice, followee_id=bob.pk)
    declined = token_client(bob).delete(f"/api/v1/me/follow-requests/{alice.pk}/")
    assert declined.status_code == 204, declined.content
    assert not Follow.objects.exists()
    assert token_client(alice).get("/api/v1/feed/").json()["results"] == []
    again = token_client(bob).delete(f"/api/v1/me/follow-requests/{alice.pk}/")
    assert again.status_code == 404 and again.json()["code"] == "NOT_FOUND"


def test_followers_visibility_works_through_the_registered_lookup(alice, bob):
    run = record_run(bob, visibility="followers")
    assert training_selectors.can_view(viewer=alice, activity=run) is False
    services.follow_create(follower=alice, followee_id=bob.pk)
    assert training_selectors.can_view(viewer=alice, activity=run) is True
    assert list(training_selectors.visible_activities(viewer=alice)) == [run]


def test_following_twice_changes_nothing_and_oneself_is_refused(alice, bob, token_client):
    client = token_client(alice)
    assert client.post(f"/api/v1/people/{bob.pk}/follow/").status_code == 201
    assert client.post(f"/api/v1/people/{bob.pk}/follow/").status_code == 201
    assert Follow.objects.count() == 1
    assert _kinds(bob) == ["new_follower"]
    me = client.post(f"/api/v1/people/{alice.pk}/follow/")
    assert me.status_code == 403 and me.json()["code"] == "CANNOT_FOLLOW"
    assert client.post("/api/v1/people/999999/follow/").status_code == 404


def test_unfollow_removes_their_runs_from_the_feed(alice, bob, token_client):
    record_run(bob)
    services.follow_create(follower=alice, followee_id=bob.pk)
    client = token_client(alice)
    assert len(client.get("/api/v1/feed/").json()["results"]) == 1
    assert client.delete(f"/api/v1/people/{bob.pk}/follow/").status_code == 204
    assert client.get("/api/v1/feed/").json()["results"] == []


def test_mute_hides_from_the_feed_but_keeps_the_follow(alice, bob, token_client):
    record_run(bob)
    services.follow_create(follower=alice, followee_id=bob.pk)
    client = token_client(alice)
    assert client.post(f"/api/v1/people/{bob.pk}/mute/").status_code == 204
    assert client.get("/api/v1/feed/").json()["results"] == []
    assert selectors.follows(alice, bob) is True
    assert client.get(f"/api/v1/people/{bob.pk}/").json()["muted"] is True
    assert client.delete(f"/api/v1/people/{bob.pk}/mute/").status_code == 204
    assert len(client.get("/api/v1/feed/").json()["results"]) == 1


def test_a_block_works_both_ways_and_ends_follows(alice, bob, token_client):
    services.follow_create(follower=alice, followee_id=bob.pk)
    services.follow_create(follower=bob, followee_id=alice.pk)
    alice_run, bob_run = record_run(alice), record_run(bob, minutes_later=5)
    services.block_create(blocker=alice, blocked_id=bob.pk)
    assert Follow.objects.count() == 0
    # the blocker does not see the blocked person either
    assert token_client(alice).get(f"/api/v1/activities/{bob_run.pk}/").status_code == 404
    assert token_client(bob).get(f"/api/v1/activities/{alice_run.pk}/").status_code == 404
    assert token_client(alice).get(f"/api/v1/people/{bob.pk}/").status_code == 404
    follow = token_client(alice).post(f"/api/v1/people/{bob.pk}/follow/")
    assert follow.json()["code"] == "BLOCKED"
    services.block_delete(blocker=alice, blocked_id=bob.pk)
    assert token_client(bob).get(f"/api/v1/activities/{alice_run.pk}/").status_code == 200


def test_strava_runs_never_reach_a_followers_feed(alice, bob, token_client):
    record_run(bob, source="strava", provider="strava", external_id="s-1")
    services.follow_create(follower=alice, followee_id=bob.pk)
    assert token_client(alice).get("/api/v1/feed/").json()["results"] == []
    assert len(token_client(bob).get("/api/v1/feed/").json()["results"]) == 1


def test_the_feed_hides_fields_the_owner_hides(alice, bob, token_client):
    accounts_services.profile_update(user=bob, hidden_fields=["heart_rate", "start_time"])
    record_run(bob)
    services.follow_create(follower=alice, followee_id=bob.pk)
    item = token_client(alice).get("/api/v1/feed/").json()["results"][0]
    assert item["avg_heart_rate"] is None
    assert item["start_time"] is None and item["start_date"] == "2026-06-01"
    own = token_client(bob).get("/api/v1/feed/").json()["results"][0]
    assert own["avg_heart_rate"] == 150


def test_the_feed_is_newest_first_and_cursor_paginated(alice, token_client):
    people = [UserFactory() for _ in range(3)]
    runs = []
    for i, person in enumerate(people):
        services.follow_create(follower=alice, followee_id=person.pk)
        runs.append(record_run(person, minutes_later=i * 10))
    mine = record_run(alice, minutes_later=100)
    record_run(UserFactory(), minutes_later=200)  # a stranger's public run: not in the feed
    client = token_client(alice)
    first = client.get("/api/v1/feed/?page_size=2").json()
    assert [i["id"] for i in first["results"]] == [mine.pk, runs[2].pk]
    second = client.get(first["next"]).json()
    assert [i["id"] for i in second["results"]] == [runs[1].pk, runs[0].pk]
    assert second["next"] is None


def _feed_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/feed/?page_size=50").status_code == 200
    return len(ctx.captured_queries)


def test_feed_query_count_does_not_grow_with_items(alice, token_client):
    client = token_client(alice)

    def add_followed_runner(n):
        person = UserFactory()
        accounts_services.privacy_zone_create(
            user=person, name="Home", latitude=48.0, longitude=11.5, radius_m=200
        )
        services.follow_create(follower=alice, followee_id=person.pk)
        record_run(person, minutes_later=n)
        Kudos.objects.create(activity=person.activities.get(), user=alice)

    add_followed_runner(0)
    _feed_queries(client)  # warm the per-session caches (consents)
    few = _feed_queries(client)
    assert few <= 8
    for n in range(1, 8):
        add_followed_runner(n)
    assert len(client.get("/api/v1/feed/?page_size=50").json()["results"]) == 8
    assert _feed_queries(client) == few


def test_kudos_can_be_taken_back_and_own_runs_are_refused(alice, bob, token_client):
    run = record_run(bob)
    client = token_client(alice)
    assert client.post(f"/api/v1/activities/{run.pk}/kudos/").status_code == 201
    listed = client.get(f"/api/v1/activities/{run.pk}/kudos/").json()["results"]
    assert [k["person"] for k in listed] == [{"id": alice.pk, "name": "Alice"}]
    removed = client.delete(f"/api/v1/activities/{run.pk}/kudos/")
    assert removed.json() == {"activity": run.pk, "kudos_count": 0, "gave_kudos": False}
    own = token_client(bob).post(f"/api/v1/activities/{run.pk}/kudos/")
    assert own.status_code == 400 and own.json()["code"] == "COMMUNITY_INVALID"


def test_a_private_run_takes_no_kudos_or_comments_from_others(alice, bob, token_client):
    run = record_run(bob, visibility="only_me")
    client = token_client(alice)
    assert client.post(f"/api/v1/activities/{run.pk}/kudos/").status_code == 404
    comment = client.post(f"/api/v1/activities/{run.pk}/comments/", {"body": "hi"}, format="json")
    assert comment.status_code == 404
    assert not Kudos.objects.exists()


def test_mentions_notify_the_people_named_who_can_see_the_run(alice, bob, carol, token_client):
    run = record_run(bob, visibility="followers")
    services.follow_create(follower=alice, followee_id=bob.pk)
    services.follow_create(follower=alice, followee_id=carol.pk)
    services.follow_create(follower=carol, followee_id=bob.pk)
    dave = UserFactory(display_name="Dave Stone")
    services.follow_create(follower=alice, followee_id=dave.pk)  # cannot see Bob's run
    Notification.objects.all().delete()

    response = token_client(alice).post(
        f"/api/v1/activities/{run.pk}/comments/",
        {"body": "Well run @Bob! @carol and @Dave Stone should join next time"},
        format="json",
    )

    assert response.status_code == 201
    assert _kinds(bob) == ["comment"]
    assert _kinds(carol) == ["mention"]
    assert _kinds(dave) == []


def test_empty_and_too_long_comments_are_refused_with_a_message(alice, token_client):
    run = record_run(alice)
    client = token_client(alice)
    empty = client.post(f"/api/v1/activities/{run.pk}/comments/", {"body": "   "}, format="json")
    assert empty.status_code == 400
    long = client.post(
        f"/api/v1/activities/{run.pk}/comments/", {"body": "x" * 1001}, format="json"
    )
    assert long.status_code == 400
    assert long.json()["code"] == "VALIDATION_ERROR" or "body" in long.json().get("fields", {})


def test_comments_are_escaped_on_the_page(alice, client):
    run = record_run(alice)
    services.comment_create(author=alice, activity_id=run.pk, body="<script>alert(1)</script>")
    client.force_login(alice)
    page = client.get(f"/feed/activities/{run.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_suggestions_come_from_shared_groups_and_people_followed_by_people_i_follow(
    alice, bob, carol
):
    dave, erin, blocked = UserFactory(), UserFactory(), UserFactory()
    group = services.group_create(owner=alice, name="Club")
    Membership.objects.create(group=group, user=dave)
    Membership.objects.create(group=group, user=blocked)
    services.follow_create(follower=alice, followee_id=bob.pk)
    services.follow_create(follower=bob, followee_id=carol.pk)
    services.follow_create(follower=bob, followee_id=dave.pk)
    services.follow_create(follower=erin, followee_id=alice.pk)
    services.block_create(blocker=blocked, blocked_id=alice.pk)

    suggested = selectors.suggested_people(user=alice)

    assert [(p.pk, score) for p, score in suggested] == [(dave.pk, 2), (carol.pk, 1)]
