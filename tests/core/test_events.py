"""Domain events: delivered after commit, never after a rollback, once per subscriber."""

import pytest
from django.db import transaction

from apps.core import events
from apps.core.events import DomainEvent
from apps.core.models import AnalyticsEvent

received: list[DomainEvent] = []


@events.subscribe("test_thing_happened")
def remember(event: DomainEvent) -> None:
    received.append(event)


@events.subscribe("test_thing_happened", queue="notifications")
def write_row(event: DomainEvent) -> None:
    # Idempotent by the event id, as every handler must be.
    AnalyticsEvent.objects.get_or_create(
        name="test_thing_handled",
        properties={"event_id": event.id},
        defaults={"occurred_at": event.occurred},
    )


@pytest.fixture(autouse=True)
def _clear():
    received.clear()


@pytest.mark.django_db(transaction=True)
def test_subscribers_run_after_commit_with_the_payload():
    with transaction.atomic():
        event = events.publish("test_thing_happened", thing_id=7)
        assert received == []  # nothing leaves before the commit

    assert received == [event]
    assert received[0].payload == {"thing_id": 7}
    assert AnalyticsEvent.objects.filter(properties__event_id=event.id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_publishes_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("test_thing_happened", thing_id=8)
        raise RuntimeError("the service failed")

    assert received == []
    assert not AnalyticsEvent.objects.filter(name="test_thing_handled").exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_drops_only_its_events():
    with transaction.atomic():
        kept = events.publish("test_thing_happened", thing_id=1)
        try:
            with transaction.atomic():
                events.publish("test_thing_happened", thing_id=2)
                raise ValueError
        except ValueError:
            pass

    assert [e.id for e in received] == [kept.id]


@pytest.mark.django_db(transaction=True)
def test_a_repeated_delivery_is_harmless():
    event = events.publish("test_thing_happened", thing_id=3)
    from dataclasses import asdict

    from apps.core.tasks import run_event_handler_task

    run_event_handler_task.apply(
        kwargs={"handler": f"{__name__}.write_row", "event": asdict(event)}
    ).get()

    assert AnalyticsEvent.objects.filter(properties__event_id=event.id).count() == 1


def test_each_subscriber_has_its_queue():
    subs = {s.handler.rsplit(".", 1)[1]: s.queue for s in events.subscribers("test_thing_happened")}
    assert subs == {"remember": "default", "write_row": "notifications"}


def test_a_payload_that_cannot_travel_fails_in_the_service():
    with pytest.raises(TypeError):
        events.publish("test_thing_happened", when=object())
