"""Domain events: how a lower app tells higher apps that something happened.

A service calls `publish("activity_recorded", activity_id=..., user_id=...)` inside its
transaction. Nothing leaves until the transaction commits: then one Celery task per subscriber
is enqueued (`run_event_handler`). A rolled-back transaction publishes nothing. Handlers are
module-level functions taking one `DomainEvent`; they must be idempotent, because Celery
delivers at least once (acks_late) — use `event.id` to recognise a repeat.

Apps subscribe in their own `events.py`, which core imports for every installed app at start.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DomainEvent:
    name: str
    payload: dict
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    occurred_at: str = field(default_factory=lambda: timezone.now().isoformat())

    @property
    def occurred(self) -> datetime:
        return datetime.fromisoformat(self.occurred_at)


@dataclass(frozen=True)
class Subscription:
    handler: str  # dotted path, so the task message carries a name, not a function
    queue: str


_subscriptions: dict[str, list[Subscription]] = defaultdict(list)
# Called synchronously inside `publish`, in the publisher's transaction (a transactional
# outbox: partners' webhooks). Keep them cheap: they run on the publisher's request path.
_in_transaction_hooks: list[Callable[[DomainEvent], None]] = []


def on_publish(func: Callable[[DomainEvent], None]) -> Callable[[DomainEvent], None]:
    """Decorator: call `func(event)` inside the publishing transaction (rolled back with it)."""
    if func not in _in_transaction_hooks:
        _in_transaction_hooks.append(func)
    return func


def subscribe(event_name: str, *, queue: str = "default") -> Callable:
    """Decorator: run the function in a Celery task after each committed `event_name`."""

    def register(func: Callable[[DomainEvent], None]) -> Callable[[DomainEvent], None]:
        path = f"{func.__module__}.{func.__qualname__}"
        subscription = Subscription(handler=path, queue=queue)
        if subscription not in _subscriptions[event_name]:
            _subscriptions[event_name].append(subscription)
        return func

    return register


def subscribers(event_name: str) -> list[Subscription]:
    return list(_subscriptions.get(event_name, ()))


def publish(event_name: str, /, **payload) -> DomainEvent:
    """Announce an event; each subscriber's task is enqueued only if the transaction commits."""
    json.dumps(payload)  # fail now, in the service, if the payload cannot travel
    event = DomainEvent(name=event_name, payload=payload)
    for hook in _in_transaction_hooks:
        hook(event)
    for subscription in subscribers(event_name):
        transaction.on_commit(
            lambda s=subscription: _enqueue(s, event),
            robust=True,
        )
    return event


def _enqueue(subscription: Subscription, event: DomainEvent) -> None:
    from apps.core.tasks import run_event_handler_task

    run_event_handler_task.apply_async(
        kwargs={"handler": subscription.handler, "event": asdict(event)},
        queue=subscription.queue,
    )


def autodiscover() -> None:
    """Import `events` of every installed app so their subscriptions register."""
    autodiscover_modules("events")
