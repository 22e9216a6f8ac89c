"""Personal data across apps: each app registers an exporter for what it holds about a person.

An app's `personal_data.py` (imported at start) decorates a function `(user_id) -> ExportPart`
with `@exporter("name")`. The accounts app's data export collects every part into one archive
(JSON in open formats plus the original files).

Erasure works the same way: `@eraser("name", order=...)` decorates `(user_id) -> None`, which
deletes what only concerns the person and anonymises what others rely on (a chat message stays,
without its author). Erasers run in one transaction, lowest `order` first; accounts erases the
user row itself last. They must be idempotent: a retried erasure runs them again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class ExportFile:
    arcname: str  # path inside the archive, under files/
    storage: Any
    name: str  # name in the storage


@dataclass(frozen=True)
class ExportPart:
    data: Any  # JSON-serialisable
    files: list[ExportFile] = field(default_factory=list)


Exporter = Callable[[int], ExportPart]
_exporters: dict[str, Exporter] = {}


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    def register(func: Exporter) -> Exporter:
        _exporters[name] = func
        return func

    return register


def exporters() -> dict[str, Exporter]:
    autodiscover_modules("personal_data")
    return dict(sorted(_exporters.items()))


Eraser = Callable[[int], None]
_erasers: dict[str, tuple[int, Eraser]] = {}

ERASE_LAST = 1000  # the order of the eraser that removes the user row


def eraser(name: str, *, order: int = 100) -> Callable[[Eraser], Eraser]:
    def register(func: Eraser) -> Eraser:
        _erasers[name] = (order, func)
        return func

    return register


def erasers() -> list[tuple[str, Eraser]]:
    autodiscover_modules("personal_data")
    ranked = sorted(_erasers.items(), key=lambda item: (item[1][0], item[0]))
    return [(name, func) for name, (_order, func) in ranked]


# --- What core itself holds about a person -------------------------------------------------


@eraser("core")
def erase_core(user_id: int) -> None:
    from apps.core.models import AnalyticsEvent, IdempotencyRecord, user_scope_for_id

    # Stored responses may repeat the person's data (a profile update echoes it).
    IdempotencyRecord.objects.filter(scope=user_scope_for_id(user_id)).delete()
    # Product analytics keep counting the event, no longer whose it was.
    AnalyticsEvent.objects.filter(user_id=user_id).update(user_id=None)
