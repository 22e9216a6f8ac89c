"""Group chat and direct messages: reads and writes (services and selectors of the chat, in
one module of their own). A group's chat is open to its active members; a direct conversation
to its two people, who must follow each other to start it and may not have blocked each
other. A message is stored before it is broadcast (after commit); a resend with the same
client id returns the stored message."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.exceptions import StrideError
from apps.groups import exceptions, realtime, selectors
from apps.groups.models import (
    ChatMessage,
    ChatMute,
    ChatReadMarker,
    Conversation,
    Group,
    Membership,
)


class ChatForbidden(StrideError):
    code = "CHAT_FORBIDDEN"
    status = 403
    default_message = gettext_lazy("You are not part of this conversation.")


class ChatInvalid(StrideError):
    code = "CHAT_INVALID"
    status = 400
    default_message = gettext_lazy("The message is empty or not valid.")


class MessageTooLong(StrideError):
    code = "MESSAGE_TOO_LONG"
    status = 400
    default_message = gettext_lazy("The message is too long.")


class ChatRateLimited(StrideError):
    code = "RATE_LIMITED"
    status = 429
    default_message = gettext_lazy("You are sending messages too fast; wait a moment.")


class ChatMuted(StrideError):
    code = "MUTED"
    status = 403
    default_message = gettext_lazy("A group admin muted you in this chat for now.")


def _limits() -> tuple[int, int]:
    """(messages, seconds): at most that many messages per person in that window."""
    return settings.CHAT_RATE_LIMIT


# --- selectors ------------------------------------------------------------------------------


def conversation_get(*, conversation_id: int) -> Conversation | None:
    return Conversation.objects.select_related("group").filter(pk=conversation_id).first()


def participant_ids(conversation: Conversation) -> list[int]:
    if conversation.kind == Conversation.Kind.DIRECT:
        return [conversation.user_low_id, conversation.user_high_id]
    return list(
        Membership.objects.filter(
            group_id=conversation.group_id, status=Membership.Status.ACTIVE
        ).values_list("user_id", flat=True)
    )


def can_read(*, user, conversation: Conversation) -> bool:
    """Group chat: active members. Direct: its two people."""
    if user is None or not user.is_authenticated:
        return False
    if conversation.kind == Conversation.Kind.DIRECT:
        return user.pk in (conversation.user_low_id, conversation.user_high_id)
    return selectors.is_member(user, conversation.group_id)


def is_admin(*, user, conversation: Conversation) -> bool:
    return conversation.kind == Conversation.Kind.GROUP and selectors.is_group_admin(
        user, conversation.group_id
    )


def other_person_id(*, user, conversation: Conversation) -> int | None:
    if conversation.kind != Conversation.Kind.DIRECT:
        return None
    return (
        conversation.user_high_id
        if conversation.user_low_id == user.pk
        else conversation.user_low_id
    )


def hidden_sender_ids(*, user) -> set[int]:
    """People whose messages `user` does not see: blocked either way."""
    return selectors.blocked_ids(user)


def history(*, user, conversation: Conversation) -> QuerySet[ChatMessage]:
    """The conversation's messages for `user` (newest first once paginated), without the
    messages of people blocked either way; deleted ones stay as tombstones with no text."""
    return (
        ChatMessage.objects.filter(conversation=conversation)
        .exclude(sender_id__in=selectors.blocked_ids(user))
        .select_related("sender")
    )


def messages_after(*, user, conversation: Conversation, after_id: int, limit: int = 200):
    """What a reconnecting client missed: messages newer than `after_id`, oldest first, and
    whether there were more than `limit` (the client then pages the API)."""
    rows = list(
        history(user=user, conversation=conversation)
        .filter(id__gt=after_id)
        .order_by("id")[: limit + 1]
    )
    return rows[:limit], len(rows) > limit


def edits_after(
    *, user, conversation: Conversation, after_id: int, since, limit: int = 200
) -> tuple[list[ChatMessage], bool]:
    """What changed in messages the client already had (id <= after_id): those edited or
    deleted at or after `since` (the client's last sync, a server time), oldest first, and
    whether there were more than `limit` (the client then reloads its history)."""
    rows = list(
        history(user=user, conversation=conversation)
        .filter(id__lte=after_id)
        .filter(Q(edited_at__gte=since) | Q(deleted_at__gte=since))
        .order_by("id")[: limit + 1]
    )
    return rows[:limit], len(rows) > limit


def sync_since(value) -> datetime | None:
    """The `since` of a resume (ISO 8601 with a zone, as the server sent it in `synced_at`);
    None when absent; ChatInvalid when it is not such a time."""
    if value in (None, ""):
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        raise ChatInvalid(_("since must be a time in ISO 8601 with its zone (synced_at)."))
    return parsed


# An edit's time is taken before its transaction commits, and sockets run in several processes:
# a resume replays the changes from this long before the client's `since`, so an edit that
# committed just after a sync is not missed (a change replayed twice is harmless: clients
# replace a message by its id).
SYNC_MARGIN = timedelta(seconds=10)


def resume_data(*, user, conversation: Conversation, after_id: int, since=None) -> dict:
    """The `resume` frame's data: messages after `after_id`; with `since` (the `synced_at` of
    the client's previous resume), also the messages it had that were edited or deleted since
    then; and `synced_at`, the server time to send as `since` next time."""
    synced_at = timezone.now()  # before reading: nothing committed later falls in between
    rows, more = messages_after(user=user, conversation=conversation, after_id=after_id)
    edits, edits_more = [], False
    if since is not None:
        edits, edits_more = edits_after(
            user=user, conversation=conversation, after_id=after_id, since=since - SYNC_MARGIN
        )
    return {
        "after": after_id,
        "messages": [message_payload(m) for m in rows],
        "more": more,
        "edits": [message_payload(m) for m in edits],
        "edits_more": edits_more,
        "synced_at": synced_at.isoformat(),
    }


def conversation_list(*, user) -> QuerySet[Conversation]:
    """The caller's conversations (groups they are in, direct ones they take part in), newest
    activity first, each with `unread` (messages of others after the read marker) and
    `last_message_id`; one query."""
    blocked = list(selectors.blocked_ids(user))
    marker = ChatReadMarker.objects.filter(conversation=OuterRef("pk"), user=user).values(
        "last_read_id"
    )[:1]
    return (
        Conversation.objects.filter(
            Q(kind=Conversation.Kind.GROUP, group_id__in=selectors.group_ids_of(user))
            | Q(user_low=user)
            | Q(user_high=user)
        )
        .select_related("group", "user_low", "user_high")
        .annotate(read_to=Coalesce(Subquery(marker), 0))
        .annotate(
            unread=Count(
                "messages",
                filter=Q(
                    messages__id__gt=Coalesce(Subquery(marker), 0),
                    messages__deleted_at__isnull=True,
                )
                & ~Q(messages__sender=user)
                & ~Q(messages__sender_id__in=blocked),
            ),
            last_message_id=Coalesce(
                Subquery(
                    ChatMessage.objects.filter(conversation=OuterRef("pk"))
                    .order_by("-id")
                    .values("id")[:1]
                ),
                0,
            ),
        )
    )


def unread_total(*, user) -> int:
    return sum(c.unread for c in conversation_list(user=user))


# --- services -------------------------------------------------------------------------------


def conversation_for_group(*, user, group: Group) -> Conversation:
    """The group's chat (made on first use); members only."""
    if not selectors.is_member(user, group):
        raise ChatForbidden(_("Only members of the group can use its chat."))
    conversation, _created = Conversation.objects.get_or_create(
        group=group, defaults={"kind": Conversation.Kind.GROUP}
    )
    return conversation


def conversation_direct_open(*, user, other_id: int) -> Conversation:
    """The direct conversation with another person; both must follow each other and neither
    may have blocked the other."""
    if other_id == user.pk:
        raise ChatInvalid(_("You cannot message yourself."))
    other = selectors.person_get(viewer=user, person_id=other_id)
    if other is None:
        raise exceptions.NotFound(_("No such person."))
    if selectors.is_blocked_between(user, other):
        raise exceptions.Blocked()
    if not (selectors.follows(user, other) and selectors.follows(other, user)):
        raise ChatForbidden(_("You can message people who follow you and whom you follow."))
    low, high = sorted((user.pk, other.pk))
    try:
        with transaction.atomic():
            conversation, _created = Conversation.objects.get_or_create(
                user_low_id=low, user_high_id=high, defaults={"kind": Conversation.Kind.DIRECT}
            )
    except IntegrityError:  # two first messages at once
        conversation = Conversation.objects.get(user_low_id=low, user_high_id=high)
    return conversation


def _check_may_write(user, conversation: Conversation) -> None:
    if not can_read(user=user, conversation=conversation):
        raise ChatForbidden()
    if selectors.is_suspended(user=user):
        raise exceptions.Suspended()
    if conversation.kind == Conversation.Kind.DIRECT:
        other = other_person_id(user=user, conversation=conversation)
        if selectors.is_blocked_between(user, other):
            raise exceptions.Blocked()
    elif ChatMute.objects.filter(
        conversation=conversation, user=user, until__gt=timezone.now()
    ).exists():
        raise ChatMuted()


def _clean_body(body) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ChatInvalid()
    body = body.strip()
    if len(body) > ChatMessage.MAX_LENGTH:
        raise MessageTooLong(
            _("A message holds at most %(n)s characters.") % {"n": ChatMessage.MAX_LENGTH}
        )
    return body


def _rate_check(user_id: int) -> None:
    """A fixed-window counter per person in the cache (shared by every ASGI process)."""
    limit, seconds = _limits()
    window = int(time.time() // seconds)
    key = f"chat:rate:{user_id}:{window}"
    if cache.add(key, 1, timeout=seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=seconds + 1)
            count = 1
    if count > limit:
        error = ChatRateLimited()
        error.retry_after = seconds
        raise error


def message_payload(message: ChatMessage) -> dict:
    """A message as the API and the sockets show it (text is plain text: clients insert it as
    text, never as HTML)."""
    deleted = message.deleted_at is not None
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "client_id": message.client_id,
        "sender": {
            "id": message.sender_id,
            "name": str(message.sender.public_name) if message.sender_id else _("Former member"),
        },
        "body": "" if deleted else message.body,
        "created": message.created.isoformat(),
        "edited": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
    }


def _broadcast(conversation_id: int, event_type: str, data: dict) -> None:
    transaction.on_commit(
        lambda: realtime.send(
            realtime.chat_group(conversation_id), realtime.relay(event_type, data)
        )
    )


def message_send(
    *, sender, conversation: Conversation, client_id: str, body: str
) -> tuple[ChatMessage, bool]:
    """Store a message, then broadcast it. A repeated `client_id` of the same sender returns
    the stored message (created False) and broadcasts nothing."""
    if not isinstance(client_id, str) or not 1 <= len(client_id) <= 64:
        raise ChatInvalid(_("Each message needs a client id of 1 to 64 characters."))
    existing = ChatMessage.objects.filter(sender=sender, client_id=client_id).first()
    if existing is not None:
        if existing.conversation_id != conversation.pk:
            raise ChatInvalid(_("This client id was used for another conversation."))
        return existing, False
    body = _clean_body(body)
    _check_may_write(sender, conversation)
    _rate_check(sender.pk)
    try:
        with transaction.atomic():
            message = ChatMessage.objects.create(
                conversation=conversation, sender=sender, client_id=client_id, body=body
            )
            ChatReadMarker.objects.update_or_create(
                conversation=conversation, user=sender, defaults={"last_read_id": message.pk}
            )
            _broadcast(conversation.pk, "message.created", message_payload(message))
    except IntegrityError:  # the same resend raced in
        existing = ChatMessage.objects.get(sender=sender, client_id=client_id)
        return existing, False
    return message, True


def _own_message(user, conversation_id: int | None, message_id: int) -> ChatMessage:
    message = (
        ChatMessage.objects.select_related("conversation", "sender").filter(pk=message_id).first()
    )
    if message is None or (
        conversation_id is not None and message.conversation_id != conversation_id
    ):
        raise exceptions.NotFound(_("No such message."))
    if not can_read(user=user, conversation=message.conversation):
        raise exceptions.NotFound(_("No such message."))
    return message


def message_get(*, user, message_id: int) -> ChatMessage:
    return _own_message(user, None, message_id)


def message_edit(
    *, user, message_id: int, body: str, conversation_id: int | None = None
) -> ChatMessage:
    """Change the text of one's own message."""
    message = _own_message(user, conversation_id, message_id)
    if message.sender_id != user.pk:
        raise ChatForbidden(_("You can only edit your own messages."))
    if message.deleted_at is not None:
        raise ChatInvalid(_("This message was deleted."))
    message.body = _clean_body(body)
    message.edited_at = timezone.now()
    with transaction.atomic():
        message.save(update_fields=["body", "edited_at"])
        _broadcast(message.conversation_id, "message.edited", message_payload(message))
    return message


def message_delete(*, user, message_id: int, conversation_id: int | None = None) -> ChatMessage:
    """Delete one's own message; group admins delete anyone's. The row stays as a tombstone
    (so clients can resume past it) without its text. Deleting twice is a no-op."""
    message = _own_message(user, conversation_id, message_id)
    if message.sender_id != user.pk and not is_admin(user=user, conversation=message.conversation):
        raise ChatForbidden(_("You can only delete your own messages."))
    if message.deleted_at is not None:
        return message
    message.deleted_at = timezone.now()
    message.deleted_by = user
    message.body = ""
    with transaction.atomic():
        message.save(update_fields=["deleted_at", "deleted_by", "body"])
        _broadcast(message.conversation_id, "message.deleted", message_payload(message))
    return message


def read_mark(*, user, conversation: Conversation, last_read_id: int) -> ChatReadMarker:
    """Move the read marker forward (never back) to `last_read_id`."""
    if not can_read(user=user, conversation=conversation):
        raise ChatForbidden()
    newest = (
        ChatMessage.objects.filter(conversation=conversation, id__lte=last_read_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    ) or 0
    with transaction.atomic():
        marker, _created = ChatReadMarker.objects.select_for_update().get_or_create(
            conversation=conversation, user=user
        )
        if newest > marker.last_read_id:
            marker.last_read_id = newest
            marker.save(update_fields=["last_read_id", "updated"])
    return marker


def member_mute(*, actor, conversation: Conversation, user_id: int, minutes: int) -> ChatMute:
    """A group admin silences a member in the chat for `minutes` (0 lifts it)."""
    if not is_admin(user=actor, conversation=conversation):
        raise exceptions.NotGroupAdmin()
    if not isinstance(minutes, int) or not 0 <= minutes <= 60 * 24 * 30:
        raise ChatInvalid(_("Mute for 0 to 43200 minutes."))
    if not selectors.is_member(user_id, conversation.group_id):
        raise exceptions.NotFound(_("No such member."))
    if selectors.is_group_admin(user_id, conversation.group_id):
        raise exceptions.NotGroupAdmin(_("Admins cannot be muted."))
    mute, _created = ChatMute.objects.update_or_create(
        conversation=conversation,
        user_id=user_id,
        defaults={"until": timezone.now() + timedelta(minutes=minutes), "muted_by": actor},
    )
    _broadcast(
        conversation.pk, "member.muted", {"user_id": user_id, "until": mute.until.isoformat()}
    )
    return mute


def member_remove(*, actor, conversation: Conversation, user_id: int) -> None:
    """A group admin removes a member from the group; their chat sockets are closed."""
    from apps.groups import services

    if conversation.kind != Conversation.Kind.GROUP:
        raise exceptions.NotGroupAdmin()
    with transaction.atomic():
        services.member_remove(actor=actor, group=conversation.group, user_id=user_id)
        transaction.on_commit(
            lambda: realtime.send(
                realtime.chat_group(conversation.pk), realtime.kick(user_id, "removed")
            )
        )


def _may_see_after_block(user, message: ChatMessage) -> bool:
    return message.sender_id not in selectors.blocked_ids(user)
