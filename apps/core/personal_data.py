"""Personal data across apps: each app registers an exporter for what it holds about a person.

An app's `personal_data.py` (imported at start) decorates a function `(user_id) -> ExportPart`
with `@exporter("name")`. The accounts app's data export collects every part into one archive
(JSON in open formats plus the original files). Erasers will register the same way.
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
