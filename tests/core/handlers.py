"""An event handler importable by a separate worker process (tests/core/test_real_stack.py)."""

from apps.core.events import DomainEvent
from apps.core.models import AnalyticsEvent


def record_in_worker(event: DomainEvent) -> None:
    AnalyticsEvent.objects.get_or_create(
        name="handled_by_worker",
        properties={"event_id": event.id, **event.payload},
        defaults={"occurred_at": event.occurred},
    )
