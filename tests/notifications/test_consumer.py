"""The in-app notification socket: who may connect, what flows, and many sockets at once."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from apps.notifications import realtime
from config.asgi import application
from tests.accounts.factories import UserFactory
from tests.conftest import session_token

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def _user_and_token():
    from rest_framework.test import APIClient

    user = UserFactory()
    return user, session_token(APIClient(), user.email)


def _socket(token: str | None = None) -> WebsocketCommunicator:
    headers = [(b"x-session-token", token.encode())] if token else []
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


async def test_an_anonymous_socket_is_closed_with_4401():
    socket = WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    connected, code = await socket.connect()
    assert connected is False
    assert code == realtime.CLOSE_UNAUTHENTICATED


async def test_a_bad_token_is_closed_with_4401():
    connected, code = await _socket("not-a-token").connect()
    assert (connected, code) == (False, realtime.CLOSE_UNAUTHENTICATED)


async def test_a_cookie_socket_from_another_site_is_refused():
    socket = WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _code = await socket.connect()
    assert connected is False


async def test_events_reach_only_their_user():
    (alice, alice_token), (_bob, bob_token) = await _user_and_token(), await _user_and_token()
    alice_socket, bob_socket = _socket(alice_token), _socket(bob_token)
    assert (await alice_socket.connect())[0]
    assert (await bob_socket.connect())[0]

    await get_channel_layer().group_send(
        realtime.user_group(alice.pk), realtime.event("kudos.received", {"from": "Bob"})
    )

    assert await alice_socket.receive_json_from(timeout=3) == {
        "type": "kudos.received",
        "data": {"from": "Bob"},
    }
    assert await bob_socket.receive_nothing(timeout=0.3)
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_ping_and_bad_frames():
    _user, token = await _user_and_token()
    socket = _socket(token)
    await socket.connect()
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}

    await socket.send_to(text_data="{not json")
    assert (await socket.receive_output())["code"] == realtime.CLOSE_BAD_FRAME


async def test_more_than_a_hundred_sockets_receive_a_broadcast():
    # channels_redis + redis-py 8 default pools fail past 100 connections (see settings).
    user, token = await _user_and_token()
    sockets = [_socket(token) for _ in range(120)]
    results = await asyncio.gather(*(s.connect(timeout=10) for s in sockets))
    assert all(connected for connected, _ in results)

    await get_channel_layer().group_send(
        realtime.user_group(user.pk), realtime.event("notification.created", {"n": 1})
    )
    received = await asyncio.gather(*(s.receive_from(timeout=10) for s in sockets))

    assert [json.loads(r)["data"] for r in received] == [{"n": 1}] * 120
    await asyncio.gather(*(s.disconnect() for s in sockets))
