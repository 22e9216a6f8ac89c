"""Bench-only endpoints: the two shapes the HTTP load test measures, on existing models.

- `one_query`: a plain Django view running one SELECT through the ORM, answering JSON;
- `EventList`: a DRF ListAPIView of 20 rows (no pagination), as an API list page would be.

Both read `AnalyticsEvent` rows named `SEED_NAME`, written by `bench.seed`.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from apps.core.models import AnalyticsEvent

SEED_NAME = "bench.seed"
LIST_SIZE = 20


@require_GET
def one_query(request: HttpRequest) -> JsonResponse:
    row = (
        AnalyticsEvent.objects.filter(name=SEED_NAME)
        .order_by("-occurred_at")
        .values("id", "name", "occurred_at")
        .first()
    )
    return JsonResponse({"event": row})


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnalyticsEvent
        fields = ["id", "name", "user_id", "properties", "occurred_at"]


class EventList(generics.ListAPIView):
    """The 20 newest seeded events; anonymous, not throttled, not paginated."""

    serializer_class = EventSerializer
    permission_classes = [AllowAny]
    throttle_classes = []
    pagination_class = None

    def get_queryset(self):
        return AnalyticsEvent.objects.filter(name=SEED_NAME).order_by("-occurred_at")[:LIST_SIZE]
