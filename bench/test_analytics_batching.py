"""Analytics events: one INSERT per event against the buffered tracker.

ARCHITECTURE.md says product analytics are "buffered and written in batches, never one INSERT
per event on the request path". This measures why: writing N_EVENTS events one
`AnalyticsEvent.objects.create` at a time (autocommit: a round trip and a commit, i.e. a WAL
flush on PostgreSQL, per event) against `BufferedDatabaseBackend(size=200).add()` N_EVENTS
times then `.flush()` (one bulk INSERT per 200 events).

    make bench                                                        # SQLite in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stride_bench make bench   # real numbers

The database is pytest-django's, with `transaction=True`: the tracker defers a flush made
inside an open transaction to its commit, and per-row inserts must each commit as they
would on the request path. The table is emptied before every round (not timed).
"""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.analytics import BufferedDatabaseBackend, TrackedEvent
from apps.core.models import AnalyticsEvent

N_EVENTS = 1000
BUFFER_SIZE = 200
ROUNDS = 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.benchmark(group=f"analytics: {N_EVENTS} events"),
]


def _events() -> list[TrackedEvent]:
    now = timezone.now()
    return [
        TrackedEvent(
            name="workout.viewed",
            user_id=i % 50,
            properties={"screen": "feed", "rank": i % 20, "variant": "b"},
            occurred_at=now,
        )
        for i in range(N_EVENTS)
    ]


def _empty_table() -> None:
    AnalyticsEvent.objects.all().delete()


def _record(benchmark, medians: dict, name: str, inserts: int) -> None:
    medians["vendor"] = connection.vendor
    medians["events"] = N_EVENTS
    benchmark.extra_info.update(
        {"database": connection.vendor, "events": N_EVENTS, "insert_statements": inserts}
    )
    if benchmark.stats is None:  # --benchmark-disable: the code ran once, nothing measured
        return
    median = benchmark.stats.stats.median
    medians[name] = median
    benchmark.extra_info["median_us_per_event"] = round(median / N_EVENTS * 1e6, 2)
    if {"per_row", "buffered"} <= medians.keys():
        benchmark.extra_info["buffered_speedup"] = round(
            medians["per_row"] / medians["buffered"], 1
        )


def test_one_insert_per_event(benchmark, bench_medians):
    events = _events()

    def write_each():
        for e in events:
            AnalyticsEvent.objects.create(
                name=e.name, user_id=e.user_id, properties=e.properties, occurred_at=e.occurred_at
            )

    assert not connection.in_atomic_block  # every create commits on its own
    benchmark.pedantic(write_each, setup=_empty_table, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    assert AnalyticsEvent.objects.count() == N_EVENTS
    _record(benchmark, bench_medians, "per_row", inserts=N_EVENTS)


def test_buffered_tracker(benchmark, bench_medians):
    events = _events()

    def write_buffered():
        backend = BufferedDatabaseBackend(size=BUFFER_SIZE, seconds=3600)
        for e in events:
            backend.add(e)
        backend.flush()

    # Not timed: check that it writes every event in ceil(N / size) INSERT statements.
    _empty_table()
    with CaptureQueriesContext(connection) as queries:
        write_buffered()
    inserts = sum(q["sql"].lstrip().upper().startswith("INSERT") for q in queries.captured_queries)
    assert inserts == math.ceil(N_EVENTS / BUFFER_SIZE)
    assert AnalyticsEvent.objects.count() == N_EVENTS

    benchmark.pedantic(
        write_buffered, setup=_empty_table, rounds=ROUNDS, iterations=1, warmup_rounds=1
    )
    assert AnalyticsEvent.objects.count() == N_EVENTS
    _record(benchmark, bench_medians, "buffered", inserts=inserts)
