"""The chat API and services: history pages with a pinned query count, unread counts and read
markers, edit and delete, direct messages between people who follow each other, blocks,
admin mutes, and socket tickets."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.core.websocket import ticket_redeem
from apps.groups import chat
from apps.groups import services as group_services
from apps.groups.models import ChatMessage
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def club(alice, bob):
    group = group_services.group_create(owner=alice, name="Track Club")
    group_services.group_join(user=bob, group=group)
    return chat.conversation_for_group(user=alice, group=group)


def _say(user, conversation, n, prefix="m"):
    return [
        chat.message_send(
            sender=user, conversation=conversation, client_id=f"{prefix}-{i}", body=f"{prefix} {i}"
        )[0]
        for i in range(n)
    ]


def test_history_pages_newest_first_with_a_pinned_query_count(
    club, alice, bob, settings, django_assert_max_num_queries
):
    settings.CHAT_RATE_LIMIT = (1000, 10)
    _say(alice, club, 30, "a")
    _say(bob, club, 30, "b")
    client = _client(bob)
    url = f"/api/v1/chat/conversations/{club.pk}/messages/?page_size=25"
    with django_assert_max_num_queries(6):
        page = client.get(url).json()
    bodies = [m["body"] for m in page["results"]]
    assert bodies[0] == "b 29" and len(bodies) == 25
    seen = list(bodies)
    while page["next"]:
        with django_assert_max_num_queries(6):
            page = client.get(page["next"]).json()
        seen += [m["body"] for m in page["results"]]
    assert len(seen) == 60 and len(set(seen)) == 60
    assert seen[-1] == "a 0"


def test_unread_counts_and_read_markers(club, alice, bob, django_assert_max_num_queries):
    messages = _say(alice, club, 3)
    client = _client(bob)
    with django_assert_max_num_queries(6):
        listing = client.get("/api/v1/chat/conversations/").json()
    assert listing["unread_total"] == 3
    assert listing["results"][0]["unread"] == 3
    assert listing["results"][0]["title"] == "Track Club"

    response = client.post(
        f"/api/v1/chat/conversations/{club.pk}/read/", {"last_read_id": messages[1].pk}
    )
    assert response.json() == {"last_read_id": messages[1].pk}
    # The marker never moves back.
    client.post(f"/api/v1/chat/conversations/{club.pk}/read/", {"last_read_id": 0})
    assert client.get("/api/v1/chat/conversations/").json()["unread_total"] == 1
    # Alice's own messages are not unread for her.
    assert _client(alice).get("/api/v1/chat/conversations/").json()["unread_total"] == 0


def test_edit_and_delete_own_messages_admins_delete_any(club, alice, bob):
    (mine,) = _say(bob, club, 1, "bob")
    (hers,) = _say(alice, club, 1, "alice")
    client = _client(bob)

    response = client.patch(f"/api/v1/chat/messages/{mine.pk}/", {"body": "fixed typo"})
    assert response.status_code == 200
    assert response.json()["body"] == "fixed typo" and response.json()["edited"]

    response = client.patch(f"/api/v1/chat/messages/{hers.pk}/", {"body": "hijack"})
    assert response.status_code == 403 and response.json()["code"] == "CHAT_FORBIDDEN"
    assert client.delete(f"/api/v1/chat/messages/{hers.pk}/").status_code == 403

    # Alice owns the group: she deletes Bob's message; it stays as a tombstone without text.
    assert _client(alice).delete(f"/api/v1/chat/messages/{mine.pk}/").status_code == 204
    mine.refresh_from_db()
    assert mine.deleted_at is not None and mine.body == ""
    history = client.get(f"/api/v1/chat/conversations/{club.pk}/messages/").json()["results"]
    assert [(m["deleted"], m["body"]) for m in history] == [(False, "alice 0"), (True, "")]


def test_too_long_edit_is_a_400_with_a_message(club, bob):
    (mine,) = _say(bob, club, 1)
    response = _client(bob).patch(f"/api/v1/chat/messages/{mine.pk}/", {"body": "x" * 2001})
    assert response.status_code == 400
    assert "body" in response.json()["fields"]


def test_a_resend_with_the_same_client_id_is_stored_once(club, bob):
    first, created = chat.message_send(sender=bob, conversation=club, client_id="c1", body="hi")
    again, created_again = chat.message_send(
        sender=bob, conversation=club, client_id="c1", body="hi"
    )
    assert created and not created_again and first.pk == again.pk
    assert ChatMessage.objects.count() == 1


def test_admins_mute_members(club, alice, bob, carol):
    response = _client(bob).post(
        f"/api/v1/chat/conversations/{club.pk}/mutes/", {"user_id": alice.pk, "minutes": 5}
    )
    assert response.status_code == 403 and response.json()["code"] == "PERMISSION_DENIED"
    response = _client(alice).post(
        f"/api/v1/chat/conversations/{club.pk}/mutes/", {"user_id": bob.pk, "minutes": 5}
    )
    assert response.status_code == 200
    with pytest.raises(chat.ChatMuted):
        chat.message_send(sender=bob, conversation=club, client_id="x", body="let me talk")
    _client(alice).post(
        f"/api/v1/chat/conversations/{club.pk}/mutes/", {"user_id": bob.pk, "minutes": 0}
    )
    chat.message_send(sender=bob, conversation=club, client_id="x", body="thanks")


def test_direct_messages_need_mutual_follows_and_no_block(alice, bob, carol):
    group_services.follow_create(follower=alice, followee_id=bob.pk)
    response = _client(alice).post("/api/v1/chat/direct/", {"user_id": bob.pk})
    assert response.status_code == 403 and response.json()["code"] == "CHAT_FORBIDDEN"

    group_services.follow_create(follower=bob, followee_id=alice.pk)
    response = _client(alice).post("/api/v1/chat/direct/", {"user_id": bob.pk})
    assert response.status_code == 200
    data = response.json()
    assert data["kind"] == "direct" and data["other_person"]["name"] == "Bob"
    same = _client(bob).post("/api/v1/chat/direct/", {"user_id": alice.pk}).json()
    assert same["id"] == data["id"]

    conversation = chat.conversation_get(conversation_id=data["id"])
    chat.message_send(sender=bob, conversation=conversation, client_id="d1", body="hi Alice")
    # Carol is not part of it.
    assert (
        _client(carol).get(f"/api/v1/chat/conversations/{data['id']}/messages/").status_code == 404
    )

    # Once Bob blocks Alice, neither can message the other.
    group_services.block_create(blocker=bob, blocked_id=alice.pk)
    with pytest.raises(Exception) as raised:
        chat.message_send(sender=alice, conversation=conversation, client_id="d2", body="hey?")
    assert raised.value.code == "BLOCKED"
    with pytest.raises(Exception) as raised:
        chat.message_send(sender=bob, conversation=conversation, client_id="d3", body="bye")
    assert raised.value.code == "BLOCKED"
    # …and her history no longer shows Bob's messages.
    assert chat.history(user=alice, conversation=conversation).count() == 0


def test_a_blocked_member_s_messages_are_hidden_in_the_group_history(club, alice, bob):
    _say(bob, club, 2, "bob")
    group_services.block_create(blocker=alice, blocked_id=bob.pk)
    history = _client(alice).get(f"/api/v1/chat/conversations/{club.pk}/messages/").json()
    assert history["results"] == []


def test_socket_tickets_are_single_use(alice):
    response = _client(alice).post("/api/v1/ws-tickets/")
    assert response.status_code == 201
    ticket = response.json()["ticket"]
    assert response.json()["expires_in"] == 30
    assert ticket_redeem(ticket) == alice.pk
    assert ticket_redeem(ticket) is None
    assert ticket_redeem("made-up") is None
    store = getattr(cache, "_cache", None)
    if isinstance(store, dict):  # the local-memory cache: the ticket is stored hashed
        assert not [k for k in store if ticket in str(k)]


def test_removed_member_cannot_read_any_more(club, alice, bob):
    chat.member_remove(actor=alice, conversation=club, user_id=bob.pk)
    assert _client(bob).get(f"/api/v1/chat/conversations/{club.pk}/messages/").status_code == 404


def test_chat_pages_escape_messages(client, club, alice, bob):
    chat.message_send(
        sender=bob, conversation=club, client_id="x", body='<script>alert("x")</script>'
    )
    client.force_login(alice)
    page = client.get(f"/chat/groups/{club.group.slug}/")
    assert page.status_code == 200
    assert b'<script>alert("x")</script>' not in page.content
    assert b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.content
    client.force_login(UserFactory())
    assert client.get(f"/chat/groups/{club.group.slug}/").status_code == 404
