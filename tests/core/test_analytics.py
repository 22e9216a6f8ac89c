"""The tracker buffers events and writes them with one bulk INSERT per batch."""
# Transactional: the tracker defers writes made inside a transaction to its commit, and
# pytest-django wraps plain db tests in one that never commits.

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.analytics import BufferedDatabaseBackend, TrackedEvent
from apps.core.models import AnalyticsEvent


def _inserts(ctx) -> int:
    return sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT"))


def _event(i: int) -> TrackedEvent:
    return TrackedEvent(name="workout.viewed", user_id=i, properties={"i": i})


@pytest.mark.django_db(transaction=True)
def test_events_are_written_in_batches_not_one_by_one():
    backend = BufferedDatabaseBackend(size=50, seconds=3600)

    with CaptureQueriesContext(connection) as ctx:
        for i in range(120):
            backend.add(_event(i))

    assert _inserts(ctx) == 2  # two full buffers of 50
    assert backend.pending() == 20
    assert AnalyticsEvent.objects.count() == 100

    backend.flush()
    assert AnalyticsEvent.objects.count() == 120
    assert sorted(AnalyticsEvent.objects.values_list("user_id", flat=True)) == list(range(120))


@pytest.mark.django_db(transaction=True)
def test_an_old_buffer_is_written_on_the_next_event():
    backend = BufferedDatabaseBackend(size=1000, seconds=0)
    backend.add(_event(1))
    assert backend.pending() == 0
    assert AnalyticsEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_flush_inside_a_transaction_waits_for_the_commit():
    backend = BufferedDatabaseBackend(size=2, seconds=3600)
    with transaction.atomic():
        backend.add(_event(1))
        backend.add(_event(2))
        assert AnalyticsEvent.objects.count() == 0
    assert AnalyticsEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_failed_write_keeps_the_events(monkeypatch):
    from django.db import DatabaseError

    backend = BufferedDatabaseBackend(size=1000, seconds=3600)
    for i in range(3):
        backend.add(_event(i))

    def fail(*args, **kwargs):
        raise DatabaseError("database is down")

    monkeypatch.setattr(AnalyticsEvent.objects, "bulk_create", fail)
    assert backend.flush() == 0
    assert backend.pending() == 3
    monkeypatch.undo()

    assert backend.flush() == 3
    assert AnalyticsEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_api_accepts_a_batch_from_an_app(token_client, user):
    from apps.core import analytics

    client = token_client(user)
    response = client.post(
        "/api/v1/analytics/events/",
        {"events": [{"name": "screen.opened", "properties": {"screen": "home"}}] * 3},
        format="json",
    )
    analytics.flush()

    assert response.status_code == 202
    assert response.json() == {"accepted": 3}
    rows = list(AnalyticsEvent.objects.values_list("name", "user_id", "properties"))
    assert rows == [("screen.opened", user.pk, {"screen": "home"})] * 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"events": []}, "events"),
        ({"events": [{"name": "Bad Name!"}]}, "events"),
        ({"events": [{"name": "ok"}] * 101}, "events"),
        ({}, "events"),
    ],
)
def test_the_api_rejects_bad_batches(token_client, user, body, field):
    response = token_client(user).post("/api/v1/analytics/events/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert field in response.json()["fields"]
    assert AnalyticsEvent.objects.count() == 0
