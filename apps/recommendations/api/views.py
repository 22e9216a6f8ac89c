from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.recommendations import services
from apps.recommendations.api.serializers import (
    FeedbackInputSerializer,
    FeedbackSerializer,
    RecommendationListSerializer,
    RecommendationQuerySerializer,
)


class RecommendationListView(APIView):
    """Your top recommendations of one kind, each with a reason you can read. A ranked list of
    at most 20 (`limit`), not paged: the next ones are only worth showing after feedback."""

    @extend_schema(
        parameters=[RecommendationQuerySerializer], responses=RecommendationListSerializer
    )
    def get(self, request):
        query = RecommendationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = services.recommend(
            user=request.user,
            kind=query.validated_data["kind"],
            limit=query.validated_data["limit"],
        )
        return Response(RecommendationListSerializer(result).data)


class FeedbackView(APIView):
    """Tell how a recommendation landed: click, dismiss (not shown again), join or buy.
    Idempotent: the same feedback again answers 200 with the stored one."""

    @extend_schema(
        request=FeedbackInputSerializer,
        responses={201: FeedbackSerializer, 200: FeedbackSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @idempotent
    def post(self, request):
        data = FeedbackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        interaction, created = services.feedback_record(user=request.user, **data.validated_data)
        return Response(
            FeedbackSerializer(interaction).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
