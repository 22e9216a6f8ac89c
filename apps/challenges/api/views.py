from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import selectors as accounts_selectors
from apps.challenges import selectors, services
from apps.challenges.api.serializers import (
    BadgeAwardSerializer,
    BoardSerializer,
    ChallengeSerializer,
    LeaderboardQuerySerializer,
    LeaderboardSettingsSerializer,
    SegmentBoardSerializer,
    SegmentInputSerializer,
    SegmentQuerySerializer,
    SegmentRenameSerializer,
    SegmentSerializer,
)
from apps.challenges.models import BadgeAward, Challenge, Segment
from apps.core.api.pagination import CursorPagination


def _challenge(request, challenge_id: int) -> Challenge:
    challenge = selectors.challenge_get(challenge_id=challenge_id, user=request.user)
    if challenge is None:
        raise NotFound(_("No such challenge."))
    return challenge


class ChallengeListView(GenericAPIView):
    """Published challenges, newest first, each with your progress if you joined. A new
    challenge tried out with some people first (an experiment) is listed only to them."""

    serializer_class = ChallengeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Challenge.objects.none()
        return services.challenge_list_for(user=self.request.user)

    @extend_schema(responses=ChallengeSerializer(many=True), tags=["challenges"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ChallengeSerializer(page, many=True).data)


class ChallengeDetailView(APIView):
    @extend_schema(responses=ChallengeSerializer, tags=["challenges"])
    def get(self, request, challenge_id: int):
        """One challenge with your progress."""
        return Response(ChallengeSerializer(_challenge(request, challenge_id)).data)


class ChallengeJoinView(APIView):
    @extend_schema(
        request=None,
        responses=ChallengeSerializer,
        tags=["challenges"],
        description="Join (again: no change). Errors: CHALLENGE_CLOSED (409), "
        "CHALLENGE_NOT_ELIGIBLE (403).",
    )
    def post(self, request, challenge_id: int):
        challenge = _challenge(request, challenge_id)
        services.challenge_join(challenge=challenge, user=request.user)
        return Response(ChallengeSerializer(_challenge(request, challenge_id)).data)


class ChallengeLeaveView(APIView):
    @extend_schema(request=None, responses={204: None}, tags=["challenges"])
    def post(self, request, challenge_id: int):
        """Leave; a finished challenge keeps its badge and points."""
        services.challenge_leave(challenge=_challenge(request, challenge_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChallengeLeaderboardView(APIView):
    @extend_schema(responses=BoardSerializer, tags=["challenges"])
    def get(self, request, challenge_id: int):
        """The challenge's top 50 by progress and your own rank."""
        board = selectors.challenge_leaderboard(
            viewer=request.user, challenge=_challenge(request, challenge_id)
        )
        return Response(BoardSerializer(board).data)


class LeaderboardView(APIView):
    @extend_schema(
        parameters=[LeaderboardQuerySerializer], responses=BoardSerializer, tags=["leaderboards"]
    )
    def get(self, request):
        """A weekly or monthly board for one sport (global, your country, people you follow,
        one of your groups), the top `limit` and your own rank."""
        query = LeaderboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        country = str(accounts_selectors.profile_for(user=request.user).country or "")
        board = selectors.leaderboard(
            viewer=request.user,
            sport=q["sport"],
            period=q["period"],
            day=q.get("date"),
            metric=q["metric"],
            scope=q["scope"],
            country=country,
            group_id=q.get("group"),
            limit=q["limit"],
        )
        return Response(BoardSerializer(board).data)


class LeaderboardSettingsView(APIView):
    @extend_schema(responses=LeaderboardSettingsSerializer, tags=["leaderboards"])
    def get(self, request):
        """Whether you are hidden from leaderboards."""
        return Response({"hidden": selectors.is_hidden(user=request.user)})

    @extend_schema(
        request=LeaderboardSettingsSerializer,
        responses=LeaderboardSettingsSerializer,
        tags=["leaderboards"],
    )
    def put(self, request):
        """Hide yourself from (or show yourself on) every leaderboard."""
        serializer = LeaderboardSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.leaderboard_visibility_set(
            user=request.user, hidden=serializer.validated_data["hidden"]
        )
        return Response({"hidden": row.hidden})


class CabinetPagination(CursorPagination):
    ordering = ("-awarded_at", "-pk")


class BadgeCabinetView(GenericAPIView):
    """Your badges, newest first."""

    serializer_class = BadgeAwardSerializer
    pagination_class = CabinetPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BadgeAward.objects.none()
        return selectors.badge_cabinet(user=self.request.user)

    @extend_schema(responses=BadgeAwardSerializer(many=True), tags=["challenges"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(BadgeAwardSerializer(page, many=True).data)


class SegmentCreateView(GenericAPIView):
    """Your segments (GET); cut a new one from one of your GPS activities (POST)."""

    serializer_class = SegmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Segment.objects.none()
        return selectors.segments_of(owner=self.request.user)

    @extend_schema(responses=SegmentSerializer(many=True), tags=["segments"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SegmentSerializer(page, many=True).data)

    @extend_schema(
        request=SegmentInputSerializer,
        responses={201: SegmentSerializer},
        tags=["segments"],
        description="Cut a segment from samples start_index..end_index of one of your GPS "
        "activities. Errors: SEGMENT_INVALID (400), SEGMENT_IN_PRIVACY_ZONE (400).",
    )
    def post(self, request):
        serializer = SegmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        segment = services.segment_create(owner=request.user, **serializer.validated_data)
        return Response(SegmentSerializer(segment).data, status=status.HTTP_201_CREATED)


class SegmentDetailView(APIView):
    @extend_schema(
        parameters=[SegmentQuerySerializer], responses=SegmentBoardSerializer, tags=["segments"]
    )
    def get(self, request, segment_id: int):
        """A segment, its leaderboard (best time per athlete; all time or a year; everyone or
        people you follow) with your rank, and your best efforts."""
        segment = selectors.segment_get(segment_id=segment_id)
        if segment is None:
            raise NotFound(_("No such segment."))
        query = SegmentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        board = selectors.segment_leaderboard(
            viewer=request.user,
            segment=segment,
            year=query.validated_data.get("year"),
            scope=query.validated_data["scope"],
            sex=query.validated_data.get("sex", ""),
            age_group=query.validated_data.get("age_group", ""),
        )
        bests = selectors.segment_personal_bests(user=request.user, segment=segment)
        return Response(
            SegmentBoardSerializer(
                {"segment": segment, "leaderboard": board, "my_bests": bests}
            ).data
        )

    @extend_schema(request=SegmentRenameSerializer, responses=SegmentSerializer, tags=["segments"])
    def patch(self, request, segment_id: int):
        """Rename a segment you made."""
        segment = selectors.segment_get(segment_id=segment_id)
        if segment is None:
            raise NotFound(_("No such segment."))
        serializer = SegmentRenameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        segment = services.segment_rename(
            segment=segment, user=request.user, name=serializer.validated_data["name"]
        )
        return Response(SegmentSerializer(segment).data)

    @extend_schema(request=None, responses={204: None}, tags=["segments"])
    def delete(self, request, segment_id: int):
        """Delete a segment you made, with every effort on it."""
        segment = selectors.segment_get(segment_id=segment_id)
        if segment is None:
            raise NotFound(_("No such segment."))
        if segment.owner_id != request.user.pk:
            raise PermissionDenied(_("Only the person who made a segment can delete it."))
        services.segment_delete(segment=segment)
        return Response(status=status.HTTP_204_NO_CONTENT)
