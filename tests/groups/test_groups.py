"""Groups: create, join / request / leave, invite links, roles and owner transfer, events with
RSVPs, group challenges through the membership hook."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.groups import selectors, services
from apps.groups.models import GroupEvent, Membership
from apps.notifications.models import Notification
from apps.training import routes as training_routes
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_a_group_and_others_join_it(alice, bob, token_client):
    created = token_client(alice).post(
        "/api/v1/groups/", {"name": "Morning Runners", "description": "6 am"}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["slug"] == "morning-runners"
    assert (body["my_role"], body["member_count"], body["privacy"]) == ("owner", 1, "public")

    joined = token_client(bob).post("/api/v1/groups/morning-runners/join/")
    assert joined.status_code == 201 and joined.json()["status"] == "active"
    members = token_client(bob).get("/api/v1/groups/morning-runners/members/").json()
    assert [(m["person"]["id"], m["role"]) for m in members["results"]] == [
        (alice.pk, "owner"),
        (bob.pk, "member"),
    ]
    same_name = token_client(bob).post(
        "/api/v1/groups/", {"name": "Morning Runners"}, format="json"
    )
    assert same_name.json()["slug"] == "morning-runners-2"


def test_a_private_group_takes_requests_that_admins_approve(alice, bob, token_client):
    group = services.group_create(owner=alice, name="Club", privacy="private")
    asked = token_client(bob).post(f"/api/v1/groups/{group.slug}/join/")
    assert asked.status_code == 202 and asked.json()["status"] == "pending"
    assert Notification.objects.filter(user=alice, kind="group_join_request").count() == 1
    hidden = token_client(bob).get(f"/api/v1/groups/{group.slug}/members/")
    assert hidden.status_code == 403

    assert (
        token_client(bob).post(f"/api/v1/groups/{group.slug}/requests/{bob.pk}/").status_code == 403
    )
    approved = token_client(alice).post(f"/api/v1/groups/{group.slug}/requests/{bob.pk}/")
    assert approved.status_code == 200 and approved.json()["status"] == "active"
    assert selectors.is_member(bob, group)
    assert Notification.objects.filter(user=bob, kind="group_join_accepted").count() == 1


def test_invite_only_groups_are_invisible_and_joined_through_a_link(alice, bob, token_client):
    group = services.group_create(owner=alice, name="Secret", privacy="invite_only")
    assert token_client(bob).get(f"/api/v1/groups/{group.slug}/").status_code == 404
    assert token_client(bob).get("/api/v1/groups/").json()["results"] == []
    link = token_client(alice).post(
        f"/api/v1/groups/{group.slug}/invites/", {"max_uses": 1}, format="json"
    )
    assert link.status_code == 201
    token = link.json()["token"]
    assert link.json()["url"].endswith(f"/groups/invite/{token}/")

    assert token_client(bob).post(f"/api/v1/group-invites/{token}/accept/").status_code == 200
    assert selectors.member_role(bob, group) == "member"
    used_up = token_client(UserFactory()).post(f"/api/v1/group-invites/{token}/accept/")
    assert used_up.status_code == 404 and used_up.json()["code"] == "INVITE_INVALID"


def test_an_expired_or_revoked_invite_lets_nobody_in(alice, bob):
    group = services.group_create(owner=alice, name="Secret", privacy="invite_only")
    expired = services.invite_create(
        actor=alice, group=group, expires_at=timezone.now() - timedelta(minutes=1)
    )
    revoked = services.invite_create(actor=alice, group=group)
    services.invite_revoke(actor=alice, invite=revoked)
    for invite in (expired, revoked):
        with pytest.raises(services.exceptions.InviteInvalid):
            services.group_join_by_invite(user=bob, token=invite.token)
    assert not selectors.is_member(bob, group)


def test_the_last_owner_cannot_leave_but_can_hand_over(alice, bob, token_client):
    group = services.group_create(owner=alice, name="Club")
    services.group_join(user=bob, group=group)
    refused = token_client(alice).post(f"/api/v1/groups/{group.slug}/leave/")
    assert refused.status_code == 409 and refused.json()["code"] == "LAST_OWNER"
    demote = token_client(alice).patch(
        f"/api/v1/groups/{group.slug}/members/{alice.pk}/", {"role": "member"}, format="json"
    )
    assert demote.status_code == 409

    moved = token_client(alice).post(f"/api/v1/groups/{group.slug}/members/{bob.pk}/transfer/")
    assert moved.status_code == 200 and moved.json()["role"] == "owner"
    assert selectors.member_role(alice, group) == "admin"
    assert token_client(alice).post(f"/api/v1/groups/{group.slug}/leave/").status_code == 204
    assert not selectors.is_member(alice, group)


def test_roles_owners_appoint_admins_and_admins_remove_members(alice, bob, carol, token_client):
    group = services.group_create(owner=alice, name="Club")
    for person in (bob, carol):
        services.group_join(user=person, group=group)
    assert (
        token_client(bob)
        .patch(f"/api/v1/groups/{group.slug}/members/{carol.pk}/", {"role": "admin"}, format="json")
        .status_code
        == 403
    )
    token_client(alice).patch(
        f"/api/v1/groups/{group.slug}/members/{bob.pk}/", {"role": "admin"}, format="json"
    )
    assert selectors.member_role(bob, group) == "admin"
    assert (
        token_client(bob).delete(f"/api/v1/groups/{group.slug}/members/{carol.pk}/").status_code
        == 204
    )
    assert not selectors.is_member(carol, group)
    # an admin cannot remove the owner
    assert (
        token_client(bob).delete(f"/api/v1/groups/{group.slug}/members/{alice.pk}/").status_code
        == 403
    )


def test_events_with_a_planned_route_and_rsvps(alice, bob, carol, token_client):
    from tests.groups.conftest import record_run

    group = services.group_create(owner=alice, name="Club")
    services.group_join(user=bob, group=group)
    run = record_run(alice)
    route = training_routes.route_from_activity(owner=alice, activity=run, name="River loop")
    starts = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    created = token_client(alice).post(
        f"/api/v1/groups/{group.slug}/events/",
        {
            "title": "Saturday long run",
            "starts_at": starts.isoformat(),
            "place": "Bridge",
            "lat": 48.1,
            "lng": 11.6,
            "route": route.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    event = created.json()
    assert (event["route"], event["place"], event["going_count"]) == (route.pk, "Bridge", 0)

    going = token_client(bob).put(
        f"/api/v1/group-events/{event['id']}/rsvp/", {"answer": "going"}, format="json"
    )
    assert going.json()["going_count"] == 1 and going.json()["my_rsvp"] == "going"
    changed = token_client(bob).put(
        f"/api/v1/group-events/{event['id']}/rsvp/", {"answer": "maybe"}, format="json"
    )
    assert changed.json()["going_count"] == 0
    outsider = token_client(carol).put(
        f"/api/v1/group-events/{event['id']}/rsvp/", {"answer": "going"}, format="json"
    )
    assert outsider.status_code == 404
    not_admin = token_client(bob).post(
        f"/api/v1/groups/{group.slug}/events/",
        {"title": "x", "starts_at": starts.isoformat()},
        format="json",
    )
    assert not_admin.status_code == 403
    assert GroupEvent.objects.count() == 1


def test_an_event_in_the_past_or_on_someone_elses_private_route_is_refused(
    alice, bob, token_client
):
    from tests.groups.conftest import record_run

    group = services.group_create(owner=alice, name="Club")
    private_route = training_routes.route_from_activity(
        owner=bob, activity=record_run(bob), name="Bob's secret loop"
    )
    past = token_client(alice).post(
        f"/api/v1/groups/{group.slug}/events/",
        {"title": "Old", "starts_at": "2020-01-01T07:00:00Z"},
        format="json",
    )
    assert past.status_code == 400 and past.json()["code"] == "COMMUNITY_INVALID"
    hidden_route = token_client(alice).post(
        f"/api/v1/groups/{group.slug}/events/",
        {"title": "Loop", "starts_at": "2099-01-01T07:00:00Z", "route": private_route.pk},
        format="json",
    )
    assert hidden_route.status_code == 400


def test_group_challenges_see_members_through_the_hook(alice, bob):
    from apps.challenges import hooks

    group = services.group_create(owner=alice, name="Club", privacy="private")
    services.group_join(user=bob, group=group)  # pending
    assert hooks.is_group_member(group.pk, alice.pk) is True
    assert hooks.is_group_member(group.pk, bob.pk) is False
    assert list(hooks.group_member_ids(group.pk).values_list("user_id", flat=True)) == [alice.pk]
    Membership.objects.filter(user=bob).update(status="active")
    assert hooks.is_group_member(group.pk, bob.pk) is True
