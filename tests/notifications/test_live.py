"""In-app notifications reach open sockets the moment they are committed."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from apps.notifications import services
from config.asgi import application
from tests.accounts.factories import UserFactory
from tests.conftest import session_token

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def _people():
    from rest_framework.test import APIClient

    recipient = UserFactory(language="ru", display_name="Лена")
    stranger = UserFactory()
    return (
        recipient,
        session_token(APIClient(), recipient.email),
        session_token(APIClient(), stranger.email),
    )


def _socket(token):
    return WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"x-session-token", token.encode())]
    )


@sync_to_async
def _kudos(user, name):
    return services.notify(
        user,
        "kudos",
        {"actor_name": name, "activity_title": "Парк"},
        collapse_key="activity:1",
    )


@sync_to_async
def _mark_all(user):
    services.notification_mark_all_read(user=user)


async def test_a_notification_and_its_collapse_arrive_live_in_the_readers_language():
    recipient, token, stranger_token = await _people()
    socket, stranger = _socket(token), _socket(stranger_token)
    assert (await socket.connect())[0] and (await stranger.connect())[0]

    first = await _kudos(recipient, "Боб")
    created = await socket.receive_json_from(timeout=10)
    await _kudos(recipient, "Аня")
    updated = await socket.receive_json_from(timeout=10)

    assert created["type"] == "notification.created"
    assert created["data"] | {"created": None} == {
        "id": first.pk,
        "kind": "kudos",
        "text": "Кудос от Боб за «Парк».",
        "actor_count": 1,
        "created": None,
        "read": False,
        "unread_count": 1,
    }
    assert updated["type"] == "notification.updated"
    assert updated["data"]["id"] == first.pk
    assert updated["data"]["text"] == "Кудос от Аня и ещё 1 человека за «Парк»."
    assert updated["data"]["unread_count"] == 1

    await _mark_all(recipient)
    assert await socket.receive_json_from(timeout=10) == {
        "type": "notifications.read",
        "data": {"unread_count": 0},
    }
    assert await stranger.receive_nothing(timeout=0.3)
    await socket.disconnect()
    await stranger.disconnect()


@sync_to_async
def _announce(user):
    from apps.notifications import hooks

    previous = hooks._marketing_consent
    hooks._marketing_consent = lambda ids: set(ids)
    try:
        return services.notify_many(
            user_ids=[user.pk], kind="announcement", context={"title": "Лето", "body": "!"}
        )
    finally:
        hooks._marketing_consent = previous


async def test_a_fan_out_reaches_open_sockets_too():
    recipient, token, _stranger_token = await _people()
    socket = _socket(token)
    assert (await socket.connect())[0]

    assert await _announce(recipient) == 1

    frame = await socket.receive_json_from(timeout=10)
    assert frame["type"] == "notification.created"
    assert (frame["data"]["text"], frame["data"]["unread_count"]) == ("Лето", 1)
    await socket.disconnect()
