"""Channel-layer group names and event payloads of the chat and live-run sockets (the
protocols are described in docs/websockets.md)."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

# Close codes shared by /ws/chat/ and /ws/live/ (4000-4999 are the application's).
CLOSE_BAD_FRAME = 4400
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403  # not a member (any more), blocked, or a removed member
CLOSE_NOT_FOUND = 4404
CLOSE_ENDED = 4410  # the live session is over


def chat_group(conversation_id: int) -> str:
    return f"groups.conversation.{conversation_id}"


def live_group(session_id: int) -> str:
    return f"groups.live.{session_id}"


def relay(event_type: str, data: dict) -> dict:
    """The channel-layer message a consumer relays to its client as `{"type", "data"}`."""
    return {"type": "relay", "event": {"type": event_type, "data": data}}


def kick(user_id: int, reason: str) -> dict:
    """Tells the consumers of a conversation to close the sockets of `user_id`."""
    return {"type": "kick", "user_id": user_id, "reason": reason}


def send(group: str, message: dict) -> None:
    """Send to a channel-layer group from sync code (call after commit)."""
    async_to_sync(get_channel_layer().group_send)(group, message)
