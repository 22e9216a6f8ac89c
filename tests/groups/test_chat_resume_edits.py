"""Chat resume replays edits and deletions: a client that comes back with `after` (the last
id it has) and `since` (the `synced_at` of its last sync) gets the messages it missed and the
messages it already had that were edited or deleted meanwhile (through the consumer, with
the real ASGI stack)."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from apps.core.websocket import ticket_issue
from apps.groups import chat
from apps.groups import services as group_services
from apps.groups.models import ChatMessage
from config.asgi import application
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def _club():
    alice = UserFactory(display_name="Alice")
    bob = UserFactory(display_name="Bob")
    group = group_services.group_create(owner=alice, name="Resume Club")
    group_services.group_join(user=bob, group=group)
    conversation = chat.conversation_for_group(user=alice, group=group)
    return conversation, alice, bob


async def _socket(user, conversation_id, query=""):
    ticket, _seconds = await sync_to_async(ticket_issue)(user_id=user.pk)
    socket = WebsocketCommunicator(
        application, f"/ws/chat/{conversation_id}/?ticket={ticket}{query}"
    )
    connected, _code = await socket.connect()
    assert connected
    return socket


def _send(user, conversation, client_id, body):
    return chat.message_send(
        sender=user, conversation=conversation, client_id=client_id, body=body
    )[0]


def _backdate(message_id, field, when):
    ChatMessage.objects.filter(pk=message_id).update(**{field: when})


async def test_resume_replays_edits_and_deletions_made_while_away():
    conversation, alice, bob = await _club()
    send = sync_to_async(_send)
    first = await send(alice, conversation, "a-1", "Run at 7?")
    second = await send(alice, conversation, "a-2", "Bring water")
    untouched = await send(bob, conversation, "b-1", "Yes")

    # Bob syncs (connect with after=): he has everything, and keeps synced_at.
    b = await _socket(bob, conversation.pk, f"&after={untouched.pk}")
    resume = await b.receive_json_from(timeout=3)
    assert resume["type"] == "resume"
    assert resume["data"]["messages"] == [] and resume["data"]["edits"] == []
    synced_at = resume["data"]["synced_at"]
    await b.disconnect()

    # While Bob is away Alice edits one message, deletes another and writes a new one.
    await sync_to_async(chat.message_edit)(user=alice, message_id=first.pk, body="Run at 8?")
    await sync_to_async(chat.message_delete)(user=alice, message_id=second.pk)
    newer = await send(alice, conversation, "a-3", "See you")

    b = await _socket(
        bob, conversation.pk, f"&after={untouched.pk}&since={synced_at.replace('+', '%2B')}"
    )
    resume = (await b.receive_json_from(timeout=3))["data"]
    assert [m["body"] for m in resume["messages"]] == ["See you"]
    assert resume["messages"][0]["id"] == newer.pk
    assert [(m["id"], m["body"], m["deleted"]) for m in resume["edits"]] == [
        (first.pk, "Run at 8?", False),
        (second.pk, "", True),
    ]
    assert resume["edits"][0]["edited"] is not None
    assert resume["edits_more"] is False
    assert resume["synced_at"] > synced_at
    await b.disconnect()


async def test_the_resume_frame_carries_since_too_and_old_changes_are_not_replayed():
    conversation, alice, bob = await _club()
    send = sync_to_async(_send)
    old = await send(alice, conversation, "a-1", "Old news")
    fresh = await send(alice, conversation, "a-2", "Fresh")
    await sync_to_async(chat.message_edit)(user=alice, message_id=old.pk, body="Old news, edited")
    await sync_to_async(chat.message_edit)(user=alice, message_id=fresh.pk, body="Fresh, edited")
    # The first edit happened long before Bob's last sync: it is not replayed.
    since = timezone.now() - timedelta(minutes=5)
    await sync_to_async(_backdate)(old.pk, "edited_at", since - timedelta(hours=1))

    b = await _socket(bob, conversation.pk)
    await b.send_json_to({"type": "resume", "after": fresh.pk, "since": since.isoformat()})
    resume = (await b.receive_json_from(timeout=3))["data"]
    assert resume["messages"] == []
    assert [(m["id"], m["body"]) for m in resume["edits"]] == [(fresh.pk, "Fresh, edited")]

    # Without since (older clients) nothing is replayed: the frame has the same shape.
    await b.send_json_to({"type": "resume", "after": fresh.pk})
    resume = (await b.receive_json_from(timeout=3))["data"]
    assert (resume["messages"], resume["edits"], resume["edits_more"]) == ([], [], False)
    await b.disconnect()


async def test_a_bad_since_is_an_error_frame_not_a_crash():
    conversation, _alice, bob = await _club()
    b = await _socket(bob, conversation.pk, "&after=0&since=yesterday")
    error = await b.receive_json_from(timeout=3)
    assert error["type"] == "error"
    assert error["data"]["code"] == "CHAT_INVALID"
    await b.send_json_to({"type": "resume", "after": 0, "since": "2026-01-01T10:00:00"})
    error = await b.receive_json_from(timeout=3)  # no zone: ambiguous, refused
    assert (error["type"], error["data"]["code"]) == ("error", "CHAT_INVALID")
    await b.send_json_to({"type": "ping"})
    assert (await b.receive_json_from(timeout=3)) == {"type": "pong"}  # still open
    await b.disconnect()


async def test_edits_of_blocked_people_are_not_replayed():
    conversation, _alice, bob = await _club()
    carol = await sync_to_async(UserFactory)(display_name="Carol")
    await sync_to_async(group_services.group_join)(user=carol, group=conversation.group)
    send = sync_to_async(_send)
    mine = await send(carol, conversation, "c-1", "Hello")
    since = timezone.now() - timedelta(minutes=1)
    await sync_to_async(chat.message_edit)(user=carol, message_id=mine.pk, body="Hello all")
    await sync_to_async(group_services.block_create)(blocker=bob, blocked_id=carol.pk)

    b = await _socket(bob, conversation.pk)
    await b.send_json_to({"type": "resume", "after": mine.pk, "since": since.isoformat()})
    resume = (await b.receive_json_from(timeout=3))["data"]
    assert resume["edits"] == []
    await b.disconnect()
