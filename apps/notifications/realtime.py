"""Group names and event payloads of the in-app notification stream (`/ws/notifications/`).

Protocol (server → client, JSON text frames): `{"type": "<entity>.<verb>", "data": {...}}`:

- `notification.created` / `notification.updated` (a burst collapsed into it):
  `{"id", "kind", "text" (plain text in the reader's language: insert as text, never as HTML),
  "actor_count", "created" (ISO 8601), "read": false, "unread_count"}`;
- `notifications.read`: `{"unread_count"}` after notifications were marked read elsewhere.

Client → server: `{"type": "ping"}` answered by `{"type": "pong"}`. Close codes: 4401 when the
connection is not signed in; 4400 for a frame that is not valid JSON of a known type.
"""

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

CLOSE_UNAUTHENTICATED = 4401
CLOSE_BAD_FRAME = 4400


def user_group(user_id: int) -> str:
    return f"notifications.user.{user_id}"


def event(event_type: str, data: dict) -> dict:
    """The channel-layer message that a consumer relays as `{"type", "data"}`."""
    return {"type": "relay", "event": {"type": event_type, "data": data}}


def push_to_user(user_id: int, event_type: str, data: dict) -> None:
    """Send an event to every open socket of a user (call after commit)."""
    async_to_sync(get_channel_layer().group_send)(user_group(user_id), event(event_type, data))


def push_many(events: list[tuple[int, str, dict]]) -> None:
    """Send many `(user_id, event_type, data)` at once: one trip into the event loop."""
    if not events:
        return
    layer = get_channel_layer()

    async def send_all():
        await asyncio.gather(*(layer.group_send(user_group(u), event(t, d)) for u, t, d in events))

    async_to_sync(send_all)()
