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
    """A file of the archive: a stored file (storage + name) or bytes made for the export."""

    arcname: str  # path inside the archive, under files/
    storage: Any = None
    name: str = ""  # name in the storage
    content: bytes | None = None

    def read(self) -> bytes:
        if self.content is not None:
            return self.content
        with self.storage.open(self.name, "rb") as source:
            return source.read()


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


# --- Import: an archive exported by another Stride --------------------------------------------


class ArchiveFiles:
    """The original files of an export archive (`files/...`), each read with a size bound."""

    def __init__(self, archive, *, max_bytes: int) -> None:
        self._archive = archive
        self._max_bytes = max_bytes

    def read(self, arcname: str, *, max_bytes: int | None = None) -> bytes | None:
        """The file's bytes; None if it is missing or larger than the bound."""
        try:
            info = self._archive.getinfo(f"files/{arcname}")
        except KeyError:
            return None
        if info.file_size > (max_bytes or self._max_bytes):
            return None
        return self._archive.read(info)


Importer = Callable[[int, Any, ArchiveFiles], dict]
_importers: dict[str, Importer] = {}


def importer(name: str) -> Callable[[Importer], Importer]:
    """Register `(user_id, data, files) -> summary` for the part `name` of an archive. It must
    validate what it reads (an archive is user input), skip what it cannot take, and be safe
    to run twice (a repeated import adds nothing new)."""

    def register(func: Importer) -> Importer:
        _importers[name] = func
        return func

    return register


def importers() -> dict[str, Importer]:
    autodiscover_modules("personal_data")
    return dict(sorted(_importers.items()))
