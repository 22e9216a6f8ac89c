"""Reads that may lag go to a PostgreSQL read replica; everything else to the primary.

With `DATABASE_REPLICA_URL` set, settings add a `replica` alias and this router. A read goes
to the replica only when code marked it safe to be a little stale:

    @replica_safe                      # a selector (a list, a queryset), or a whole GET view
    def leaderboard_rows(...): ...

    @replica_safe_queryset             # only the queryset it returns: its own reads on the
    def feed(...): ...                 # way (blocks, access checks) stay on the primary

    with replica_reads():              # a block of reads
        rows = list(selectors.activity_list_for_feed(...))

    selectors.something().using(replica_alias())   # one queryset, evaluated anywhere

Everything else reads from the primary, and so does a marked read when it runs inside a
transaction (`atomic`: it may read its own uncommitted writes) or after this request or task
wrote anything (read-your-writes). Writes and migrations always go to the primary.

Querysets are lazy: a decorated selector that returns a queryset gets it pinned (`.using`) to
the alias that is right when the selector is called, so its caller may page and evaluate it
later. The caller must then not write before evaluating it (that read would not see the write)
nor update or delete through it. Rows read from the replica load their related rows
(`prefetch_related`, a foreign key) from the replica too, until this unit of work writes.

`DATABASE_REPLICA_READS` off sends every read to the primary (a replica far behind, or tests
whose transaction the replica connection cannot see).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

REPLICA = "replica"
_reads_safe: ContextVar[bool] = ContextVar("stride_replica_reads_safe", default=False)
_wrote: ContextVar[bool] = ContextVar("stride_replica_wrote", default=False)

F = TypeVar("F", bound=Callable)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and getattr(settings, "DATABASE_REPLICA_READS", True)


def replica_alias() -> str:
    """The alias safe reads use now: the replica if there is one and nothing forbids it."""
    if not replica_configured() or _wrote.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may come from the replica (and may be a little stale)."""
    token = _reads_safe.set(True)
    try:
        yield
    finally:
        _reads_safe.reset(token)


def _pinned(result):
    """A lazy queryset keeps the alias that is right now (when its selector is called)."""
    if isinstance(result, QuerySet) and result._db is None and replica_alias() == REPLICA:
        return result.using(REPLICA)
    return result


def replica_safe(func: F) -> F:
    """Mark a read-only function (a selector, a GET view) as safe to read from the replica;
    a queryset it returns is pinned to the replica unless a write or a transaction forbids
    the replica now (then it is left to the router: the primary)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with replica_reads():
            result = func(*args, **kwargs)
        return _pinned(result)

    wrapper.replica_safe = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def replica_safe_queryset(func: F) -> F:
    """Mark a selector whose returned queryset may be read from the replica, while what it
    reads on its way there (blocks, an access check) stays on the primary."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        result = func(*args, **kwargs)
        return _pinned(result)

    wrapper.replica_safe = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def unit_of_work_start() -> None:
    """A Celery task starts: earlier tasks' writes in this worker no longer pin it."""
    _wrote.set(False)
    _reads_safe.set(False)


@contextmanager
def primary_only() -> Iterator[None]:
    """A fresh unit of work (a request, a task): forget earlier writes, start on the primary."""
    wrote = _wrote.set(False)
    safe = _reads_safe.set(False)
    try:
        yield
    finally:
        _wrote.reset(wrote)
        _reads_safe.reset(safe)


class ReplicaRouter:
    """Primary for writes, transactions and unmarked reads; the replica for marked reads."""

    def db_for_read(self, model, **hints):
        if _reads_safe.get():
            return replica_alias()
        state = getattr(hints.get("instance"), "_state", None)
        if state is not None and state.db == REPLICA:  # related rows of a replica row
            return replica_alias()
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two doors

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaRequestMiddleware:
    """Each request starts with no writes remembered (contextvars outlive a request in a
    gunicorn thread that serves the next one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with primary_only():
            return self.get_response(request)
