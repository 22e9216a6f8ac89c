"""Live group runs API for mobile clients: list and plan sessions of a group, start, join,
end, one session with its summary, a runner's share link. Points and snapshots travel over
the socket (docs/websockets.md, /ws/live/<id>/)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api.pagination import CursorPagination
from apps.groups import live, selectors
from apps.groups.models import LiveParticipant, LiveSession

PROTOCOL = "Socket protocol: docs/websockets.md (/ws/live/<id>/)."


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    group = serializers.CharField(help_text="The group's slug.")
    event = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=LiveSession.Status.choices)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    runner_count = serializers.IntegerField()
    summary = serializers.JSONField(help_text="After the end: runners with distance, rank …")
    socket = serializers.CharField()


class SessionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    event = serializers.IntegerField(required=False, allow_null=True)


class JoinInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=LiveParticipant.Role.choices)


class ParticipantSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    role = serializers.CharField()
    resume = serializers.JSONField()


class ShareSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="A page for people without an account.")
    token = serializers.CharField()


def session_data(session: LiveSession) -> dict:
    runner_count = getattr(session, "runner_count", None)
    if runner_count is None:
        runner_count = session.participants.filter(role=LiveParticipant.Role.RUNNER).count()
    return {
        "id": session.pk,
        "group": session.group.slug,
        "event": session.event_id,
        "title": session.title,
        "status": session.status,
        "started_at": session.started_at,
        "ended_at": session.ended_at,
        "runner_count": runner_count,
        "summary": session.summary,
        "socket": f"/ws/live/{session.pk}/",
    }


def _group_or_404(request, slug: str):
    group = selectors.group_get(slug=slug)
    if group is None or not selectors.is_member(request.user, group):
        raise NotFound(_("No such group."))
    return group


def _session_or_404(request, session_id: int) -> LiveSession:
    session = live.session_get(session_id=session_id)
    if session is None or not live.can_see(user=request.user, session=session):
        raise NotFound(_("No such live run."))
    return session


def _input(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class GroupSessionsView(GenericAPIView):
    """A group's live runs, newest first (GET); members plan one (POST)."""

    pagination_class = CursorPagination
    serializer_class = SessionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LiveSession.objects.none()
        group = _group_or_404(self.request, self.kwargs["slug"])
        return live.session_list(user=self.request.user, group=group)

    @extend_schema(responses=SessionSerializer(many=True), tags=["live"], description=PROTOCOL)
    def get(self, request, slug: str):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([session_data(x) for x in page])

    @extend_schema(
        request=SessionInputSerializer,
        responses={201: SessionSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["live"],
    )
    @idempotent
    def post(self, request, slug: str):
        group = _group_or_404(request, slug)
        data = _input(SessionInputSerializer, request)
        event = None
        if data.get("event"):
            event = selectors.event_get(viewer=request.user, event_id=data["event"])
            if event is None or event.group_id != group.pk:
                raise NotFound(_("No such event in this group."))
        session = live.session_create(
            actor=request.user, group=group, title=data.get("title", ""), event=event
        )
        return Response(session_data(session), status=status.HTTP_201_CREATED)


class SessionView(APIView):
    """One live run of a group I am in, with its summary once it has ended."""

    @extend_schema(responses=SessionSerializer, tags=["live"], description=PROTOCOL)
    def get(self, request, session_id: int):
        return Response(session_data(_session_or_404(request, session_id)))


class SessionStartView(APIView):
    @extend_schema(request=None, responses=SessionSerializer, tags=["live"])
    def post(self, request, session_id: int):
        session = live.session_start(
            actor=request.user, session=_session_or_404(request, session_id)
        )
        return Response(session_data(session))


class SessionEndView(APIView):
    """End the run: runners' tracks become activities (in the background); the summary
    follows in GET /live/<id>/."""

    @extend_schema(request=None, responses=SessionSerializer, tags=["live"])
    def post(self, request, session_id: int):
        session = live.session_end(actor=request.user, session=_session_or_404(request, session_id))
        return Response(session_data(session))


class SessionJoinView(APIView):
    """Join as a runner or a watcher (then open the socket)."""

    @extend_schema(request=JoinInputSerializer, responses=ParticipantSerializer, tags=["live"])
    def post(self, request, session_id: int):
        session = _session_or_404(request, session_id)
        data = _input(JoinInputSerializer, request)
        participant = live.session_join(user=request.user, session=session, role=data["role"])
        return Response(
            {
                "session": session.pk,
                "role": participant.role,
                "resume": live.resume_info(session_id=session.pk, user_id=request.user.pk),
            }
        )


class ShareLinkView(APIView):
    """A runner's link for safety contacts without an account; it stops working when the
    session ends."""

    @extend_schema(request=None, responses={201: ShareSerializer}, tags=["live"])
    def post(self, request, session_id: int):
        session = _session_or_404(request, session_id)
        link = live.share_link_create(runner=request.user, session=session)
        url = request.build_absolute_uri(reverse("groups:live-share", args=[link.token]))
        return Response({"url": url, "token": link.token}, status=status.HTTP_201_CREATED)


class EventLiveStartView(APIView):
    """Start the live run of a group event (its organiser or a group admin; other members get
    403): the event's planned or live session, or a new one linked to the event. Members who
    answered the event going or maybe are notified once. 201 when this call started it, 200
    when it was already live."""

    @extend_schema(
        request=None,
        responses={200: SessionSerializer, 201: SessionSerializer},
        tags=["live"],
        description="Errors: PERMISSION_DENIED (403) unless you organise the event or are a "
        "group admin; LIVE_INVALID (400) for a cancelled event; NOT_FOUND (404) unless you are "
        "a member of the event's group. " + PROTOCOL,
    )
    def post(self, request, event_id: int):
        event = selectors.event_get(viewer=request.user, event_id=event_id)
        if event is None or not selectors.is_member(request.user, event.group_id):
            raise NotFound(_("No such event."))
        session, started = live.event_live_start(actor=request.user, event=event)
        return Response(
            session_data(session), status=status.HTTP_201_CREATED if started else status.HTTP_200_OK
        )
