"""Chat API for mobile clients: socket tickets, conversations with unread counts, history
(cursor pages), read markers, editing and deleting messages, muting members. Messages are
sent over the socket (docs/websockets.md)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api.pagination import CursorPagination
from apps.core.websocket import ticket_issue
from apps.groups import chat, selectors
from apps.groups.models import ChatMessage, Conversation

PROTOCOL = "Socket protocol: docs/websockets.md (/ws/chat/<id>/)."


class NewestMessages(CursorPagination):
    ordering = ("-id",)
    page_size = 50


def _input(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class TicketSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    expires_in = serializers.IntegerField()


class ChatPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField()
    client_id = serializers.CharField()
    sender = ChatPersonSerializer()
    body = serializers.CharField(help_text="Plain text: show it as text, never as HTML.")
    created = serializers.DateTimeField()
    edited = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()


class ConversationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Conversation.Kind.choices)
    title = serializers.CharField()
    group = serializers.CharField(allow_null=True, help_text="The group's slug.")
    other_person = ChatPersonSerializer(allow_null=True)
    unread = serializers.IntegerField()
    last_read_id = serializers.IntegerField()
    last_message_id = serializers.IntegerField()
    socket = serializers.CharField(help_text="The socket path; add ?ticket=… and ?after=….")


class DirectInputSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()


class ReadInputSerializer(serializers.Serializer):
    last_read_id = serializers.IntegerField(min_value=0)


class ReadSerializer(serializers.Serializer):
    last_read_id = serializers.IntegerField()


class EditInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=ChatMessage.MAX_LENGTH, trim_whitespace=True)


class MuteInputSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    minutes = serializers.IntegerField(min_value=0, max_value=60 * 24 * 30)


class MuteSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    until = serializers.DateTimeField()


def conversation_data(conversation: Conversation, user) -> dict:
    other = None
    if conversation.kind == Conversation.Kind.DIRECT:
        person = (
            conversation.user_high if conversation.user_low_id == user.pk else conversation.user_low
        )
        other = {"id": person.pk, "name": str(person.public_name)}
    return {
        "id": conversation.pk,
        "kind": conversation.kind,
        "title": conversation.group.name if conversation.group_id else other["name"],
        "group": conversation.group.slug if conversation.group_id else None,
        "other_person": other,
        "unread": getattr(conversation, "unread", 0),
        "last_read_id": getattr(conversation, "read_to", 0),
        "last_message_id": getattr(conversation, "last_message_id", 0),
        "socket": f"/ws/chat/{conversation.pk}/",
    }


def _annotated(user, conversation: Conversation) -> Conversation:
    return chat.conversation_list(user=user).get(pk=conversation.pk)


def _conversation_or_404(request, conversation_id: int) -> Conversation:
    conversation = chat.conversation_get(conversation_id=conversation_id)
    if conversation is None or not chat.can_read(user=request.user, conversation=conversation):
        raise NotFound(_("No such conversation."))
    return conversation


class TicketView(APIView):
    """A single-use ticket (good for WS_TICKET_SECONDS) to open a socket as
    `/ws/…/?ticket=…` without putting the long-lived session token in a URL."""

    @extend_schema(
        request=None, responses={201: TicketSerializer}, tags=["chat"], description=PROTOCOL
    )
    def post(self, request):
        ticket, seconds = ticket_issue(user_id=request.user.pk)
        return Response({"ticket": ticket, "expires_in": seconds}, status=status.HTTP_201_CREATED)


class ConversationListView(APIView):
    """My conversations (my groups' chats that have been opened, my direct ones) with unread
    counts; `unread_total` sums them."""

    @extend_schema(responses=ConversationSerializer(many=True), tags=["chat"], description=PROTOCOL)
    def get(self, request):
        rows = list(
            chat.conversation_list(user=request.user).order_by("-last_message_id", "-id")[:200]
        )
        return Response(
            {
                "unread_total": sum(c.unread for c in rows),
                "results": [conversation_data(c, request.user) for c in rows],
            }
        )


class GroupChatView(APIView):
    """The chat of a group I am a member of (opened on first use)."""

    @extend_schema(responses=ConversationSerializer, tags=["chat"], description=PROTOCOL)
    def get(self, request, slug: str):
        group = selectors.group_get(slug=slug)
        if group is None or not selectors.is_member(request.user, group):
            raise NotFound(_("No such group."))
        conversation = chat.conversation_for_group(user=request.user, group=group)
        return Response(conversation_data(_annotated(request.user, conversation), request.user))


class DirectChatView(APIView):
    """Open (or find) the direct conversation with someone who follows me and whom I follow."""

    @extend_schema(
        request=DirectInputSerializer,
        responses=ConversationSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["chat"],
        description="Errors: CHAT_FORBIDDEN (403) unless you follow each other, BLOCKED (403).",
    )
    @idempotent
    def post(self, request):
        data = _input(DirectInputSerializer, request)
        conversation = chat.conversation_direct_open(user=request.user, other_id=data["user_id"])
        return Response(conversation_data(_annotated(request.user, conversation), request.user))


class HistoryView(GenericAPIView):
    """A conversation's messages, newest first (`?cursor=` for older pages). Members only."""

    pagination_class = NewestMessages
    serializer_class = MessageSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ChatMessage.objects.none()
        conversation = _conversation_or_404(self.request, self.kwargs["conversation_id"])
        return chat.history(user=self.request.user, conversation=conversation)

    @extend_schema(responses=MessageSerializer(many=True), tags=["chat"], description=PROTOCOL)
    def get(self, request, conversation_id: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([chat.message_payload(m) for m in page])


class ReadMarkerView(APIView):
    """Move my read marker forward to a message id (it never moves back)."""

    @extend_schema(request=ReadInputSerializer, responses=ReadSerializer, tags=["chat"])
    def post(self, request, conversation_id: int):
        conversation = _conversation_or_404(request, conversation_id)
        data = _input(ReadInputSerializer, request)
        marker = chat.read_mark(
            user=request.user, conversation=conversation, last_read_id=data["last_read_id"]
        )
        return Response({"last_read_id": marker.last_read_id})


class MessageView(APIView):
    """Edit (PATCH) or delete (DELETE) my message; group admins delete anyone's."""

    @extend_schema(
        request=EditInputSerializer,
        responses=MessageSerializer,
        tags=["chat"],
        description="Errors: CHAT_FORBIDDEN (403) for another person's message.",
    )
    def patch(self, request, message_id: int):
        data = _input(EditInputSerializer, request)
        message = chat.message_edit(user=request.user, message_id=message_id, body=data["body"])
        return Response(chat.message_payload(message))

    @extend_schema(responses={204: None}, tags=["chat"])
    def delete(self, request, message_id: int):
        chat.message_delete(user=request.user, message_id=message_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MuteView(APIView):
    """A group admin mutes a member in the group's chat for some minutes (0 lifts it)."""

    @extend_schema(
        request=MuteInputSerializer,
        responses=MuteSerializer,
        tags=["chat"],
        description="Errors: NOT_GROUP_ADMIN (403).",
    )
    def post(self, request, conversation_id: int):
        conversation = _conversation_or_404(request, conversation_id)
        data = _input(MuteInputSerializer, request)
        mute = chat.member_mute(
            actor=request.user,
            conversation=conversation,
            user_id=data["user_id"],
            minutes=data["minutes"],
        )
        return Response({"user_id": mute.user_id, "until": mute.until})
