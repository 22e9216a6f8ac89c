"""Must show: two members chat live; a non-member cannot connect or read history; a too-long
or too-fast message gets an error frame (through the consumer, with the real ASGI stack)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.test import APIClient

from apps.core.websocket import ticket_issue
from apps.groups import chat, realtime
from apps.groups import services as group_services
from apps.groups.models import ChatMessage
from config.asgi import application
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def _group_with(*names):
    owner = UserFactory(display_name=names[0])
    group = group_services.group_create(owner=owner, name="Tempo Club")
    people = [owner]
    for name in names[1:]:
        person = UserFactory(display_name=name)
        group_services.group_join(user=person, group=group)
        people.append(person)
    conversation = chat.conversation_for_group(user=owner, group=group)
    return group, conversation, people


async def _socket(user, conversation_id, query=""):
    ticket, _seconds = await sync_to_async(ticket_issue)(user_id=user.pk)
    socket = WebsocketCommunicator(
        application, f"/ws/chat/{conversation_id}/?ticket={ticket}{query}"
    )
    connected, code = await socket.connect()
    return socket, connected, code


async def test_two_members_chat_live():
    _group, conversation, (alice, bob) = await _group_with("Alice", "Bob")
    a, ok_a, _ = await _socket(alice, conversation.pk)
    b, ok_b, _ = await _socket(bob, conversation.pk)
    assert ok_a and ok_b

    await a.send_json_to({"type": "message.send", "client_id": "a-1", "body": "<b>Hi</b> Bob"})
    ack = await a.receive_json_from(timeout=3)
    assert ack["type"] == "ack" and ack["data"]["client_id"] == "a-1"
    created = await b.receive_json_from(timeout=3)
    assert created["type"] == "message.created"
    assert created["data"]["body"] == "<b>Hi</b> Bob"  # plain text; clients insert it as text
    assert created["data"]["sender"]["name"] == "Alice"
    assert created["data"]["id"] == ack["data"]["id"]
    assert (await a.receive_json_from(timeout=3))["type"] == "message.created"

    # Bob answers; a resend of the same client id is acknowledged but stored once.
    for _ in range(2):
        await b.send_json_to({"type": "message.send", "client_id": "b-1", "body": "Hey Alice"})
    first = await b.receive_json_from(timeout=3)
    frames = [first] + [await b.receive_json_from(timeout=3) for _ in range(2)]
    acks = [f for f in frames if f["type"] == "ack"]
    assert [x["data"]["duplicate"] for x in acks] == [False, True]
    assert (await a.receive_json_from(timeout=3))["data"]["body"] == "Hey Alice"
    assert await a.receive_nothing(timeout=0.3)
    assert await sync_to_async(ChatMessage.objects.filter(client_id="b-1").count)() == 1

    # Bob drops and comes back: he gets what he missed after the last id he saw.
    last_seen = acks[0]["data"]["id"]
    await b.disconnect()
    await a.send_json_to({"type": "message.send", "client_id": "a-2", "body": "Still there?"})
    await a.receive_json_from(timeout=3)
    await a.receive_json_from(timeout=3)
    b, ok_b, _ = await _socket(bob, conversation.pk, f"&after={last_seen}")
    resume = await b.receive_json_from(timeout=3)
    assert resume["type"] == "resume"
    assert [m["body"] for m in resume["data"]["messages"]] == ["Still there?"]
    await a.disconnect()
    await b.disconnect()


async def test_a_non_member_cannot_connect_or_read_history():
    _group, conversation, (alice, _bob) = await _group_with("Alice", "Bob")
    await sync_to_async(chat.message_send)(
        sender=alice, conversation=conversation, client_id="x", body="members only"
    )
    mallory = await sync_to_async(UserFactory)(display_name="Mallory")

    _unused, connected, code = await _socket(mallory, conversation.pk)
    assert (connected, code) == (False, realtime.CLOSE_FORBIDDEN)

    def history_status():
        client = APIClient()
        client.force_authenticate(mallory)
        response = client.get(f"/api/v1/chat/conversations/{conversation.pk}/messages/")
        return response.status_code, response.content

    status, body = await sync_to_async(history_status)()
    assert status == 404
    assert b"members only" not in body

    # An anonymous socket, and a used ticket, are refused too.
    anonymous = WebsocketCommunicator(
        application, f"/ws/chat/{conversation.pk}/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    assert (await anonymous.connect()) == (False, realtime.CLOSE_UNAUTHENTICATED)
    ticket, _seconds = await sync_to_async(ticket_issue)(user_id=alice.pk)
    first = WebsocketCommunicator(application, f"/ws/chat/{conversation.pk}/?ticket={ticket}")
    assert (await first.connect())[0]
    again = WebsocketCommunicator(application, f"/ws/chat/{conversation.pk}/?ticket={ticket}")
    assert (await again.connect()) == (False, realtime.CLOSE_UNAUTHENTICATED)
    await first.disconnect()


async def test_too_long_and_too_fast_messages_get_error_frames(settings):
    settings.CHAT_RATE_LIMIT = (3, 60)
    _group, conversation, (alice, bob) = await _group_with("Alice", "Bob")
    a, _ok, _ = await _socket(alice, conversation.pk)
    b, _ok, _ = await _socket(bob, conversation.pk)

    await a.send_json_to({"type": "message.send", "client_id": "long", "body": "x" * 2001})
    error = await a.receive_json_from(timeout=3)
    assert error == {
        "type": "error",
        "data": {
            "code": "MESSAGE_TOO_LONG",
            "message": "A message holds at most 2000 characters.",
            "client_id": "long",
        },
    }

    for i in range(4):
        await a.send_json_to({"type": "message.send", "client_id": f"fast-{i}", "body": "spam"})
    frames = [await a.receive_json_from(timeout=3) for _ in range(3 * 2 + 1)]
    errors = [f for f in frames if f["type"] == "error"]
    assert len(errors) == 1
    assert errors[0]["data"]["code"] == "RATE_LIMITED"
    assert errors[0]["data"]["client_id"] == "fast-3"
    assert errors[0]["data"]["retry_after"] == 60
    # Bob saw the three accepted messages, nothing of the rejected ones.
    seen = [await b.receive_json_from(timeout=3) for _ in range(3)]
    assert [f["data"]["client_id"] for f in seen] == ["fast-0", "fast-1", "fast-2"]
    assert await b.receive_nothing(timeout=0.3)
    assert await sync_to_async(ChatMessage.objects.count)() == 3
    await a.disconnect()
    await b.disconnect()


async def test_a_member_who_leaves_stops_receiving(monkeypatch):
    from apps.groups.consumers import ChatConsumer

    monkeypatch.setattr(ChatConsumer, "RECHECK_SECONDS", 0)
    group, conversation, (alice, bob) = await _group_with("Alice", "Bob")
    b, _ok, _ = await _socket(bob, conversation.pk)
    await sync_to_async(group_services.group_leave)(user=bob, group=group)
    await sync_to_async(chat.message_send)(
        sender=alice, conversation=conversation, client_id="after", body="not for Bob"
    )
    assert await b.receive_json_from(timeout=3) == {
        "type": "removed",
        "data": {"reason": "not_a_member"},
    }
    assert (await b.receive_output(timeout=3))["code"] == realtime.CLOSE_FORBIDDEN


async def test_an_admin_removes_a_member_whose_socket_closes():
    _group, conversation, (alice, bob) = await _group_with("Alice", "Bob")
    a, _ok, _ = await _socket(alice, conversation.pk)
    b, _ok, _ = await _socket(bob, conversation.pk)
    await a.send_json_to({"type": "member.remove", "user_id": bob.pk})
    assert await b.receive_json_from(timeout=3) == {
        "type": "removed",
        "data": {"reason": "removed"},
    }
    assert (await b.receive_output(timeout=3))["code"] == realtime.CLOSE_FORBIDDEN
    _again, connected, code = await _socket(bob, conversation.pk)
    assert (connected, code) == (False, realtime.CLOSE_FORBIDDEN)
    await a.disconnect()
