"""A group event starts its live run from its page or the API: the organiser and the group's
admins only (other members get 403), the session is linked to the event, and members who
answered going or maybe are told once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.groups import live
from apps.groups import services as group_services
from apps.groups.models import LiveSession
from apps.notifications.models import Notification
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(alice, bob, carol):
    """Alice owns the club and plans the event; Bob and Carol are members; Dan an admin; Erin
    answered "maybe", Fay "not going"."""
    group = group_services.group_create(owner=alice, name="Track Club")
    people = {"alice": alice, "bob": bob, "carol": carol}
    for name in ("dan", "erin", "fay"):
        people[name] = UserFactory(display_name=name.title())
    for name in ("bob", "carol", "dan", "erin", "fay"):
        group_services.group_join(user=people[name], group=group)
    group_services.member_role_set(actor=alice, group=group, user_id=people["dan"].pk, role="admin")
    event = group_services.event_create(
        actor=alice, group=group, title="Track night", starts_at=timezone.now() + timedelta(hours=1)
    )
    for name, answer in (
        ("bob", "going"),
        ("erin", "maybe"),
        ("fay", "not_going"),
        ("dan", "going"),
    ):
        group_services.event_rsvp(user=people[name], event=event, answer=answer)
    return group, event, people


def _told(people) -> dict[str, int]:
    return {
        name: Notification.objects.filter(user=person, kind="live_run_started").count()
        for name, person in people.items()
    }


def test_the_organiser_starts_the_event_s_run_and_who_answered_is_told_once(club, token_client):
    group, event, people = club
    api = token_client(people["alice"])

    response = api.post(f"/api/v1/group-events/{event.pk}/live/")

    assert response.status_code == 201
    session = LiveSession.objects.get()
    assert response.json() == {
        "id": session.pk,
        "group": group.slug,
        "event": event.pk,
        "title": "Track night",
        "status": "live",
        "started_at": session.started_at.isoformat().replace("+00:00", "Z"),
        "ended_at": None,
        "runner_count": 0,
        "summary": {},
        "socket": f"/ws/live/{session.pk}/",
    }
    assert (session.event_id, session.group_id, session.created_by_id) == (
        event.pk,
        group.pk,
        people["alice"].pk,
    )
    told = {"alice": 0, "bob": 1, "carol": 0, "dan": 1, "erin": 1, "fay": 0}
    assert _told(people) == told
    note = Notification.objects.get(user=people["bob"], kind="live_run_started")
    assert note.context == {
        "event_title": "Track night",
        "group_name": "Track Club",
        "url": f"/live/{session.pk}/",
    }

    # Again (a retry, or another admin at the same time): the same run, nobody told twice.
    again = token_client(people["dan"]).post(f"/api/v1/group-events/{event.pk}/live/")
    assert again.status_code == 200
    assert again.json()["id"] == session.pk
    assert LiveSession.objects.count() == 1
    assert _told(people) == told


def test_a_member_who_is_not_organiser_or_admin_gets_403_and_nothing_starts(club, token_client):
    _group, event, people = club
    response = token_client(people["bob"]).post(f"/api/v1/group-events/{event.pk}/live/")
    assert response.status_code == 403
    assert response.json()["code"] == "PERMISSION_DENIED"
    assert not LiveSession.objects.exists()
    assert sum(_told(people).values()) == 0
    with pytest.raises(group_services.exceptions.NotGroupAdmin):
        live.event_live_start(actor=people["bob"], event=event)


def test_a_non_member_of_a_public_group_gets_404(club, token_client):
    _group, event, _people = club
    outsider = UserFactory()
    response = token_client(outsider).post(f"/api/v1/group-events/{event.pk}/live/")
    assert response.status_code == 404
    assert not LiveSession.objects.exists()


def test_a_group_admin_starts_the_run_a_member_planned_for_the_event(club, token_client):
    group, event, people = club
    planned = live.session_create(actor=people["bob"], group=group, event=event, title="Warm-up")
    response = token_client(people["dan"]).post(f"/api/v1/group-events/{event.pk}/live/")
    assert response.status_code == 201
    assert response.json()["id"] == planned.pk
    planned.refresh_from_db()
    assert planned.status == "live"
    # Dan started it: he is not told; Bob (going) is.
    assert _told(people) == {"alice": 0, "bob": 1, "carol": 0, "dan": 0, "erin": 1, "fay": 0}


def test_an_ended_run_does_not_block_a_new_one_and_a_cancelled_event_cannot_start(
    club, token_client
):
    _group, event, people = club
    first, _ = live.event_live_start(actor=people["alice"], event=event)
    live.session_end(actor=people["alice"], session=first)
    second, started = live.event_live_start(actor=people["alice"], event=event)
    assert started and second.pk != first.pk
    group_services.event_cancel(actor=people["alice"], event=event)
    response = token_client(people["alice"]).post(f"/api/v1/group-events/{event.pk}/live/")
    assert response.status_code == 400
    assert response.json()["code"] == "LIVE_INVALID"


def test_starting_a_planned_event_run_through_the_session_api_tells_them_too(club, token_client):
    group, event, people = club
    planned = live.session_create(actor=people["alice"], group=group, event=event)
    assert (
        token_client(people["alice"]).post(f"/api/v1/live/{planned.pk}/start/").status_code == 200
    )
    assert _told(people) == {"alice": 0, "bob": 1, "carol": 0, "dan": 1, "erin": 1, "fay": 0}
    assert (
        token_client(people["alice"]).post(f"/api/v1/live/{planned.pk}/start/").status_code == 200
    )
    assert _told(people)["bob"] == 1


def test_the_event_page_shows_the_start_button_to_the_organiser_only(club, client):
    _group, event, people = club
    client.force_login(people["bob"])
    page = client.get(f"/groups/events/{event.pk}/")
    assert page.status_code == 200
    assert b"Track night" in page.content
    assert b'id="event-live-start"' not in page.content
    assert client.post(f"/groups/events/{event.pk}/live/").status_code == 403
    assert not LiveSession.objects.exists()

    client.force_login(people["alice"])
    page = client.get(f"/groups/events/{event.pk}/")
    assert b'id="event-live-start"' in page.content
    response = client.post(f"/groups/events/{event.pk}/live/")
    session = LiveSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/live/{session.pk}/"
    assert session.status == "live" and session.event_id == event.pk
    page = client.get(f"/groups/events/{event.pk}/")
    assert f'href="/live/{session.pk}/"'.encode() in page.content


def test_the_event_page_is_for_members_only(club, client):
    _group, event, _people = club
    client.force_login(UserFactory())
    assert client.get(f"/groups/events/{event.pk}/").status_code == 404
    assert client.post(f"/groups/events/{event.pk}/live/").status_code == 404


def test_an_event_under_way_keeps_its_link_on_the_group_page(club, client):
    group, event, people = club
    type(event).objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    client.force_login(people["bob"])
    page = client.get(f"/groups/{group.slug}/")
    assert f'href="/groups/events/{event.pk}/"'.encode() in page.content
    type(event).objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=7))
    page = client.get(f"/groups/{group.slug}/")
    assert f'href="/groups/events/{event.pk}/"'.encode() not in page.content
