"""Product analytics: `track()` buffers events in the process and writes them in batches.

One INSERT per event on the request path would cost a round trip and a WAL flush per event;
here `track()` is an append to a list, and the buffer is written with one bulk INSERT when it
holds `ANALYTICS_BUFFER_SIZE` events or is older than `ANALYTICS_FLUSH_SECONDS` (checked on
the next event, after each request and each Celery task, and at exit). A crash loses at most
that window of analytics, never a domain record. The backend is an interface so events can
move to a streaming system later without touching callers.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrackedEvent:
    name: str
    user_id: int | None
    properties: dict
    occurred_at: datetime = field(default_factory=timezone.now)


class AnalyticsBackend(Protocol):
    def add(self, event: TrackedEvent) -> None: ...
    def flush(self) -> int: ...
    def due(self) -> bool: ...
    def discard(self) -> int: ...


class BufferedDatabaseBackend:
    """Collects events in memory; writes them with `bulk_create` in batches."""

    # When the database is down, keep at most this many buffers' worth, then drop the oldest.
    MAX_BUFFERS_KEPT = 10

    def __init__(self, size: int | None = None, seconds: float | None = None) -> None:
        self.size = size or settings.ANALYTICS_BUFFER_SIZE
        self.seconds = seconds if seconds is not None else settings.ANALYTICS_FLUSH_SECONDS
        self._events: list[TrackedEvent] = []
        self._lock = threading.Lock()
        self._oldest = 0.0

    def add(self, event: TrackedEvent) -> None:
        with self._lock:
            if not self._events:
                self._oldest = time.monotonic()
            self._events.append(event)
            full = len(self._events) >= self.size
        if full or self.due():
            self.flush()

    def due(self) -> bool:
        return bool(self._events) and time.monotonic() - self._oldest >= self.seconds

    def pending(self) -> int:
        return len(self._events)

    def discard(self) -> int:
        """Drop what is buffered (tests, and a process told to stop without writing)."""
        with self._lock:
            dropped, self._events = len(self._events), []
        return dropped

    def flush(self) -> int:
        """Write what is buffered; returns how many events were written."""
        if connection.in_atomic_block:
            # Inside someone's transaction: write after it commits, not as part of it.
            transaction.on_commit(self.flush)
            return 0
        with self._lock:
            batch, self._events = self._events, []
        if not batch:
            return 0
        from apps.core.models import AnalyticsEvent

        rows = [
            AnalyticsEvent(
                name=e.name, user_id=e.user_id, properties=e.properties, occurred_at=e.occurred_at
            )
            for e in batch
        ]
        try:
            AnalyticsEvent.objects.bulk_create(rows, batch_size=1000)
        except DatabaseError:
            logger.warning("analytics flush failed; %d events kept for the next try", len(batch))
            with self._lock:
                keep = self.size * self.MAX_BUFFERS_KEPT
                self._events = (batch + self._events)[-keep:]
                self._oldest = time.monotonic()
            return 0
        return len(batch)


_backend: AnalyticsBackend | None = None
_backend_lock = threading.Lock()


def get_backend() -> AnalyticsBackend:
    global _backend
    if _backend is None:
        with _backend_lock:
            if _backend is None:
                _backend = BufferedDatabaseBackend()
                atexit.register(_backend.flush)
    return _backend


def track(
    name: str,
    *,
    user_id: int | None = None,
    properties: dict | None = None,
    occurred_at: datetime | None = None,
) -> None:
    """Record a product-analytics event (cheap: no database write on this call, usually)."""
    event = TrackedEvent(
        name=name,
        user_id=user_id,
        properties=properties or {},
        occurred_at=occurred_at or timezone.now(),
    )
    get_backend().add(event)


def flush() -> int:
    return get_backend().flush()


class AnalyticsFlushMiddleware:
    """After a response, write the buffer if it has waited long enough."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        backend = get_backend()
        if backend.due():
            backend.flush()
        return response
