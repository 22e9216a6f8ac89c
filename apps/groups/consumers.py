"""The chat and live-run sockets (protocols: docs/websockets.md). Consumers authenticate in
`connect`, turn frames into calls of apps.groups.chat / apps.groups.live and relay
channel-layer events; they never touch the ORM themselves."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from apps.core.exceptions import StrideError
from apps.groups import chat, live, realtime
from apps.groups.models import LiveParticipant, LiveSession


def _db(func):
    """`func` (ORM or cache work that holds no state between calls) in one of the event loop's
    worker threads, each with its own database connection: connects and messages of
    different sockets run side by side. Channels' default (thread-sensitive) runs every sync
    call of the process one after another on a single thread; under load that one queue, not
    CPU, set the latency (bench/README.md, section 10)."""
    return database_sync_to_async(func, thread_sensitive=False)


def _query(scope, name: str) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(name)
    return values[0] if values else None


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class _JsonConsumer(AsyncWebsocketConsumer):
    async def send_json(self, payload: dict) -> None:
        await self.send(text_data=json.dumps(payload))

    async def send_error(self, error: StrideError, **extra) -> None:
        data = {"code": error.code, "message": error.message, **extra}
        if error.retry_after:
            data["retry_after"] = error.retry_after
        await self.send_json({"type": "error", "data": data})

    async def read_frame(self, text_data) -> dict | None:
        try:
            frame = json.loads(text_data or "")
        except ValueError:
            frame = None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.close(code=realtime.CLOSE_BAD_FRAME)
            return None
        return frame

    async def relay(self, message):
        await self.send_json(message["event"])


# --- chat -----------------------------------------------------------------------------------


class ChatConsumer(_JsonConsumer):
    """`/ws/chat/<conversation_id>/?after=<last message id seen>&since=<synced_at>`."""

    RECHECK_SECONDS = 30

    async def connect(self):
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=realtime.CLOSE_UNAUTHENTICATED)
            return
        conversation_id = self.scope["url_route"]["kwargs"]["conversation_id"]
        # One trip to a worker thread for the three reads (a reconnect storm is thousands).
        self.conversation, allowed, self.hidden = await _db(self._open)(conversation_id)
        if self.conversation is None:
            await self.close(code=realtime.CLOSE_NOT_FOUND)
            return
        if not allowed:
            await self.close(code=realtime.CLOSE_FORBIDDEN)
            return
        # Spread the rechecks: sockets that connected together (a reconnect storm) would
        # otherwise all query at once on the same message RECHECK_SECONDS later.
        self.checked_at = time.monotonic() - random.uniform(0, self.RECHECK_SECONDS / 2)  # noqa: S311 (jitter)
        self.group = realtime.chat_group(self.conversation.pk)
        # Join before reading what was missed: nothing falls between the two (a message may
        # come twice; clients drop ids they already have).
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        after = _int(_query(self.scope, "after"))
        if after is not None:
            try:
                await self.resume(after, _query(self.scope, "since"))
            except StrideError as error:
                await self.send_error(error)

    def _open(self, conversation_id: int):
        conversation = chat.conversation_get(conversation_id=conversation_id)
        if conversation is None:
            return None, False, set()
        if not chat.can_read(user=self.user, conversation=conversation):
            return conversation, False, set()
        return conversation, True, chat.hidden_sender_ids(user=self.user)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def resume(self, after: int, since=None) -> None:
        """What the client missed after message `after`, and (with `since`, the `synced_at`
        of its previous resume) the edits and deletions of the messages it had."""
        data = await _db(chat.resume_data)(
            user=self.user,
            conversation=self.conversation,
            after_id=after,
            since=chat.sync_since(since),
        )
        await self.send_json({"type": "resume", "data": data})

    async def receive(self, text_data=None, bytes_data=None):
        frame = await self.read_frame(text_data)
        if frame is None:
            return
        kind = frame["type"]
        try:
            if kind == "ping":
                await self.send_json({"type": "pong"})
            elif kind == "message.send":
                await self._send_message(frame)
            elif kind == "message.edit":
                await _db(chat.message_edit)(
                    user=self.user,
                    message_id=_int(frame.get("id"), 0),
                    body=frame.get("body"),
                    conversation_id=self.conversation.pk,
                )
            elif kind == "message.delete":
                await _db(chat.message_delete)(
                    user=self.user,
                    message_id=_int(frame.get("id"), 0),
                    conversation_id=self.conversation.pk,
                )
            elif kind == "read":
                marker = await _db(chat.read_mark)(
                    user=self.user,
                    conversation=self.conversation,
                    last_read_id=_int(frame.get("last_id"), 0),
                )
                await self.send_json(
                    {"type": "read.updated", "data": {"last_read_id": marker.last_read_id}}
                )
            elif kind == "resume":
                await self.resume(_int(frame.get("after"), 0), frame.get("since"))
            elif kind == "member.mute":
                await _db(chat.member_mute)(
                    actor=self.user,
                    conversation=self.conversation,
                    user_id=_int(frame.get("user_id"), 0),
                    minutes=_int(frame.get("minutes"), -1),
                )
            elif kind == "member.remove":
                await _db(chat.member_remove)(
                    actor=self.user,
                    conversation=self.conversation,
                    user_id=_int(frame.get("user_id"), 0),
                )
            else:
                await self.close(code=realtime.CLOSE_BAD_FRAME)
        except StrideError as error:
            await self.send_error(
                error, **({"client_id": frame["client_id"]} if "client_id" in frame else {})
            )

    async def _send_message(self, frame: dict) -> None:
        message, created = await _db(chat.message_send)(
            sender=self.user,
            conversation=self.conversation,
            client_id=frame.get("client_id"),
            body=frame.get("body"),
        )
        await self.send_json(
            {
                "type": "ack",
                "data": {
                    "client_id": message.client_id,
                    "id": message.pk,
                    "duplicate": not created,
                },
            }
        )

    async def relay(self, message):
        if not await self._still_allowed():
            return
        sender = message["event"]["data"].get("sender")
        if sender and sender["id"] in self.hidden:
            return  # blocked either way: not shown
        await self.send_json(message["event"])

    async def _still_allowed(self) -> bool:
        """Someone who left or was removed from the group (through any path) stops receiving
        within RECHECK_SECONDS; blocks made meanwhile are picked up too."""
        now = time.monotonic()
        if now - self.checked_at < self.RECHECK_SECONDS:
            return True
        self.checked_at = now
        if not await _db(chat.can_read)(user=self.user, conversation=self.conversation):
            await self.send_json({"type": "removed", "data": {"reason": "not_a_member"}})
            await self.close(code=realtime.CLOSE_FORBIDDEN)
            return False
        self.hidden = await _db(chat.hidden_sender_ids)(user=self.user)
        return True

    async def kick(self, message):
        if message["user_id"] == self.user.pk:
            await self.send_json({"type": "removed", "data": {"reason": message["reason"]}})
            await self.close(code=realtime.CLOSE_FORBIDDEN)


# --- live runs ------------------------------------------------------------------------------


class _Tickers:
    """One asyncio task per session per process while a socket of the session is open here.
    Every process with such sockets runs one, but only the holder of the session's cache lock
    (`live.ticker_claim`) builds and sends the snapshot: one snapshot per session per tick
    whatever the number of processes; if the holder dies its lock expires and another process
    takes over within a few ticks."""

    def __init__(self):
        self.owner = uuid.uuid4().hex
        self.refs: dict[int, int] = {}
        self.tasks: dict[int, asyncio.Task] = {}

    def acquire(self, session_id: int, layer) -> None:
        self.refs[session_id] = self.refs.get(session_id, 0) + 1
        task = self.tasks.get(session_id)
        if task is None or task.done():
            self.tasks[session_id] = asyncio.get_running_loop().create_task(
                self._run(session_id, layer)
            )

    def release(self, session_id: int) -> None:
        self.refs[session_id] = self.refs.get(session_id, 1) - 1
        if self.refs[session_id] <= 0:
            self.refs.pop(session_id, None)
            task = self.tasks.pop(session_id, None)
            if task is not None:
                task.cancel()

    async def _run(self, session_id: int, layer) -> None:
        interval = settings.LIVE_TICK_SECONDS
        try:
            while self.refs.get(session_id):
                await asyncio.sleep(interval)
                if not await live.aticker_claim(
                    session_id=session_id, owner=self.owner, ttl=max(3 * interval, 2)
                ):
                    continue
                roster = await live.aroster_cached(session_id=session_id)
                if roster is None:  # every few seconds: queries, in a worker thread
                    roster = await _db(live.roster)(session_id=session_id)
                names, sharing_hr = roster
                snapshot = await live.asnapshot_build(
                    session_id=session_id, names=names, sharing_hr=sharing_hr
                )
                if snapshot is not None:
                    await layer.group_send(
                        realtime.live_group(session_id), realtime.relay("snapshot", snapshot)
                    )
        except asyncio.CancelledError:
            await live.aticker_release(session_id=session_id, owner=self.owner)
            raise


TICKERS = _Tickers()


class LiveConsumer(_JsonConsumer):
    """`/ws/live/<session_id>/?role=runner|watcher` for members of the session's group."""

    async def connect(self):
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=realtime.CLOSE_UNAUTHENTICATED)
            return
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        self.session = await _db(live.session_get)(session_id=session_id)
        if self.session is None:
            await self.close(code=realtime.CLOSE_NOT_FOUND)
            return
        if self.session.status == LiveSession.Status.ENDED:
            await self.close(code=realtime.CLOSE_ENDED)
            return
        role = _query(self.scope, "role") or LiveParticipant.Role.WATCHER
        try:
            participant = await _db(live.session_join)(
                user=self.user, session=self.session, role=role
            )
        except live.LiveForbidden:
            await self.close(code=realtime.CLOSE_FORBIDDEN)
            return
        except StrideError:
            await self.close(code=realtime.CLOSE_BAD_FRAME)
            return
        self.is_runner = participant.role == LiveParticipant.Role.RUNNER
        self.hidden = (
            await _db(live.privacy_filter)(session_id=self.session.pk, user_id=self.user.pk)
            if self.is_runner
            else None
        )
        self.group = realtime.live_group(self.session.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        TICKERS.acquire(self.session.pk, self.channel_layer)
        self.ticking = True
        hello = {
            "session": self.session.pk,
            "role": participant.role,
            "status": self.session.status,
        }
        if self.is_runner:
            hello["resume"] = await live.aresume_info(
                session_id=self.session.pk, user_id=self.user.pk
            )
        await self.send_json({"type": "hello", "data": hello})

    async def disconnect(self, code):
        if getattr(self, "ticking", False):
            TICKERS.release(self.session.pk)
            self.ticking = False
        if getattr(self, "is_runner", False):
            await _db(live.runner_flush)(session_id=self.session.pk, user_id=self.user.pk)
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        frame = await self.read_frame(text_data)
        if frame is None:
            return
        kind = frame["type"]
        try:
            if kind == "ping":
                await self.send_json({"type": "pong"})
            elif kind == "point":
                if not self.is_runner:
                    raise live.LiveInvalid(live.LiveInvalid.default_message)
                await self.accept_point(frame)
            elif kind == "end":
                await _db(live.session_end)(actor=self.user, session=self.session)
            else:
                await self.close(code=realtime.CLOSE_BAD_FRAME)
        except live.LiveEnded as error:
            await self.send_error(error)
        except StrideError as error:
            await self.send_error(error, **({"t": frame["t"]} if "t" in frame else {}))

    async def accept_point(self, frame: dict) -> dict:
        """The hot path (about one frame a second per runner): the runner's state lives in
        the cache and is read and written from the event loop; only the batched insert of
        buffered points (every LIVE_FLUSH_POINTS) goes to a worker thread."""
        return await live.apoint_accept(
            session_id=self.session.pk,
            user_id=self.user.pk,
            frame=frame,
            hidden=self.hidden,
            flush=_db(live.points_flush),
        )

    async def relay(self, message):
        await self.send_json(message["event"])
        if message["event"]["type"] == "session.ended":
            await self.close(code=realtime.CLOSE_ENDED)


class LiveShareConsumer(_JsonConsumer):
    """`/ws/live/share/<token>/`: a safety contact without an account follows one runner."""

    async def connect(self):
        self.link = await _db(live.share_link_get)(token=self.scope["url_route"]["kwargs"]["token"])
        if self.link is None:
            await self.close(code=realtime.CLOSE_NOT_FOUND)
            return
        self.group = realtime.live_group(self.link.session_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        TICKERS.acquire(self.link.session_id, self.channel_layer)
        self.ticking = True

    async def disconnect(self, code):
        if getattr(self, "ticking", False):
            TICKERS.release(self.link.session_id)
            self.ticking = False
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        frame = await self.read_frame(text_data)
        if frame is not None and frame["type"] == "ping":
            await self.send_json({"type": "pong"})

    async def relay(self, message):
        event = message["event"]
        if event["type"] == "snapshot":
            runners = [r for r in event["data"]["runners"] if r["id"] == self.link.runner_id]
            await self.send_json(
                {"type": "snapshot", "data": {**event["data"], "runners": runners}}
            )
        elif event["type"] == "session.ended":
            await self.send_json(
                {"type": "session.ended", "data": {"session": self.link.session_id}}
            )
            await self.close(code=realtime.CLOSE_ENDED)
