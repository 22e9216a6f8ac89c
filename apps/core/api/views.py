from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import analytics
from apps.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api.serializers import (
    AnalyticsBatchInputSerializer,
    AnalyticsBatchOutputSerializer,
    MetaSerializer,
)


class MetaView(APIView):
    """What this server offers: clients check `min_app_version` and `feature_level` at start."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=MetaSerializer, auth=[], tags=["meta"])
    def get(self, request):
        data = {
            "api_version": "v1",
            "feature_level": settings.API_FEATURE_LEVEL,
            "min_app_version": settings.API_MIN_APP_VERSION,
            "languages": [code for code, _name in settings.LANGUAGES],
        }
        return Response(MetaSerializer(data).data)


class AnalyticsEventsView(APIView):
    """Product-analytics events from the apps, in batches of up to 100; safe to retry."""

    @extend_schema(
        request=AnalyticsBatchInputSerializer,
        responses={202: AnalyticsBatchOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["analytics"],
    )
    @idempotent
    def post(self, request):
        serializer = AnalyticsBatchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        events = serializer.validated_data["events"]
        for event in events:
            analytics.track(
                event["name"],
                user_id=request.user.pk,
                properties=event["properties"],
                occurred_at=event.get("occurred_at"),
            )
        return Response({"accepted": len(events)}, status=status.HTTP_202_ACCEPTED)
