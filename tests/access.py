"""The access harness: every endpoint that serves or changes a person's data registers here,
and `tests/test_access.py` checks each one the same way:

- anonymous → 401 in the common error shape, nothing changed;
- another signed-in user → 403 or 404 (or, for "self" endpoints that always act on the caller,
  a response that carries none of the owner's data), and the owner's object unchanged;
- the owner → the expected 2xx.

Register with `owned(...)` for endpoints addressing an object by id, `own(...)` for endpoints
that act on the caller (`/me/...`). `make(owner)` creates the object and returns it;
`url(obj)` builds the path; `snapshot(obj)` returns what must not change when access is
denied (re-read from the database).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AccessCase:
    name: str
    method: str
    url: Callable[[Any], str]
    make: Callable[[Any], Any]
    snapshot: Callable[[Any], Any]
    body: dict | Callable[[], dict] | None = None
    owner_status: int = 200
    kind: str = "owned"  # or "own"
    leaks: Callable[[Any], list[str]] = field(default=lambda obj: [])
    format: str = "json"  # or "multipart"
    headers: dict = field(default_factory=dict)  # extra request headers, e.g. Idempotency-Key

    def payload(self) -> dict | None:
        return self.body() if callable(self.body) else self.body

    def __str__(self) -> str:
        return self.name


CASES: list[AccessCase] = []


def owned(name: str, method: str, *, url, make, snapshot, **options) -> None:
    CASES.append(AccessCase(name, method, url, make, snapshot, kind="owned", **options))


def own(name: str, method: str, *, url, make, snapshot, leaks, **options) -> None:
    CASES.append(AccessCase(name, method, url, make, snapshot, kind="own", leaks=leaks, **options))
