"""The default API pagination: cursor pages, newest first, bounded page size."""

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory

from apps.core.models import AnalyticsEvent


class _EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnalyticsEvent
        fields = ["id", "name"]


class _EventList(ListAPIView):
    queryset = AnalyticsEvent.objects.all()
    serializer_class = _EventSerializer
    permission_classes = [AllowAny]
    authentication_classes = []


@pytest.fixture
def events(db):
    now = timezone.now()
    return AnalyticsEvent.objects.bulk_create(
        AnalyticsEvent(name=f"e{i}", occurred_at=now + timezone.timedelta(seconds=i))
        for i in range(45)
    )


def _view():
    from apps.core.api.pagination import CursorPagination

    class Paginator(CursorPagination):
        # AnalyticsEvent has no `created`; a list over it names its own time field.
        ordering = ("-occurred_at", "-pk")

    return _EventList.as_view(pagination_class=Paginator)


def test_pages_are_cursor_based_and_newest_first(events, django_assert_max_num_queries):
    factory = APIRequestFactory()
    with django_assert_max_num_queries(1):
        first = _view()(factory.get("/events/")).render()
    body = first.data
    assert [row["name"] for row in body["results"]] == [f"e{i}" for i in range(44, 24, -1)]
    assert body["previous"] is None
    assert "cursor=" in body["next"]

    second = _view()(factory.get(body["next"])).render().data
    assert [row["name"] for row in second["results"]] == [f"e{i}" for i in range(24, 4, -1)]


def test_page_size_is_bounded(events):
    response = _view()(APIRequestFactory().get("/events/", {"page_size": 1000})).render()
    assert len(response.data["results"]) == 45  # max 100, only 45 exist

    response = _view()(APIRequestFactory().get("/events/", {"page_size": 5})).render()
    assert len(response.data["results"]) == 5


def test_a_forged_cursor_is_a_404_not_a_500(events):
    response = _view()(APIRequestFactory().get("/events/", {"cursor": "garbage"})).render()
    assert response.status_code == 404
    assert response.data == {"code": "NOT_FOUND", "message": "Invalid cursor"}
