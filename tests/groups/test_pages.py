"""The community pages work with plain forms (no JavaScript)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.groups import selectors, services
from apps.groups.models import Comment, EventRSVP, Follow, Kudos
from tests.groups.conftest import record_run

pytestmark = pytest.mark.django_db


def test_feed_page_kudos_and_comment_forms(alice, bob, client):
    run = record_run(bob, title="Hill repeats")
    services.follow_create(follower=alice, followee_id=bob.pk)
    client.force_login(alice)
    page = client.get("/feed/")
    assert page.status_code == 200
    assert "Hill repeats" in page.content.decode()

    client.post(f"/feed/activities/{run.pk}/kudos/", {"next": "/feed/"})
    assert Kudos.objects.filter(activity=run, user=alice).exists()
    response = client.post(f"/feed/activities/{run.pk}/", {"body": "Brutal hills"})
    assert response.status_code == 302
    assert Comment.objects.get().body == "Brutal hills"
    assert "Brutal hills" in client.get(f"/feed/activities/{run.pk}/").content.decode()


def test_profile_page_follow_button_and_activities(alice, bob, client):
    record_run(bob, title="Public tempo")
    record_run(bob, title="Secret tempo", visibility="only_me", minutes_later=5)
    client.force_login(alice)
    page = client.get(f"/people/{bob.pk}/").content.decode()
    assert "Public tempo" in page and "Secret tempo" not in page
    assert bob.email not in page
    client.post(f"/people/{bob.pk}/follow/")
    assert Follow.objects.filter(follower=alice, followee=bob, status="active").exists()
    client.post(f"/people/{bob.pk}/unfollow/")
    assert not Follow.objects.exists()


def test_anonymous_people_see_a_public_profile_but_not_the_feed(bob, client):
    record_run(bob, title="Public tempo")
    assert "Public tempo" in client.get(f"/people/{bob.pk}/").content.decode()
    assert client.get("/feed/").status_code == 302


def test_follow_requests_page_approves(alice, bob, client):
    from apps.accounts import services as accounts_services

    accounts_services.profile_update(user=bob, profile_visibility="followers")
    services.follow_create(follower=alice, followee_id=bob.pk)
    client.force_login(bob)
    assert "Alice" in client.get("/people/requests/").content.decode()
    client.post("/people/requests/", {"person": alice.pk, "decision": "approve"})
    assert selectors.follows(alice, bob)


def test_group_pages_create_join_plan_and_rsvp(alice, bob, client):
    client.force_login(alice)
    response = client.post("/groups/", {"name": "Track Club", "privacy": "public"})
    assert response.status_code == 302
    group = selectors.group_get(slug="track-club")
    starts = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/groups/{group.slug}/events/", {"title": "Intervals", "starts_at": starts})
    assert group.events.get().title == "Intervals"

    client.force_login(bob)
    assert "Track Club" in client.get("/groups/").content.decode()
    client.post(f"/groups/{group.slug}/join/")
    assert selectors.is_member(bob, group)
    event = group.events.get()
    client.post(f"/groups/events/{event.pk}/rsvp/", {"answer": "going"})
    assert EventRSVP.objects.get(user=bob).answer == "going"
    page = client.get(f"/groups/{group.slug}/").content.decode()
    assert "Intervals" in page and "Alice" in page


def test_invite_page_joins_an_invite_only_group(alice, bob, client):
    group = services.group_create(owner=alice, name="Hidden", privacy="invite_only")
    invite = services.invite_create(actor=alice, group=group)
    client.force_login(bob)
    assert client.get(f"/groups/{group.slug}/").status_code == 404
    assert "Hidden" in client.get(f"/groups/invite/{invite.token}/").content.decode()
    client.post(f"/groups/invite/{invite.token}/")
    assert selectors.is_member(bob, group)


def test_moderation_page_lets_the_person_appeal_once(alice, bob, client):
    bob.is_staff = True
    bob.save()
    action = services.moderation_act(
        moderator=bob,
        kind="warn",
        reason="Be nice",
        target_type="user",
        target_id=alice.pk,
        subject=alice,
    )
    client.force_login(alice)
    assert "Be nice" in client.get("/people/moderation/").content.decode()
    client.post("/people/moderation/", {"action": action.pk, "text": "I was"})
    assert action.__class__.objects.get(pk=action.pk).appeal.text == "I was"
