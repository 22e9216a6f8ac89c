"""Strava and Garmin export archives: which files inside are workouts, with the sport and title
Strava's activities.csv gives them. Zip bombs are refused from the declared sizes before any
byte is inflated, and no entry is read past its declared size."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from apps.devices.exceptions import ArchiveRejected
from apps.devices.parsers import sports

WORKOUT_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")


@dataclass
class Entry:
    name: str  # path inside the archive (nested: outer.zip/inner.fit)
    data: bytes | None  # None: larger than a single upload may be
    sport: str = ""
    title: str = ""


class _Budget:
    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0

    def take(self, infos: list[zipfile.ZipInfo]) -> None:
        self.files += len(infos)
        self.bytes += sum(max(0, i.file_size) for i in infos)
        if self.files > settings.UPLOAD_ARCHIVE_MAX_FILES:
            raise ArchiveRejected(
                _("The archive holds more than %(n)d files.")
                % {"n": settings.UPLOAD_ARCHIVE_MAX_FILES}
            )
        if self.bytes > settings.UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_BYTES:
            raise ArchiveRejected(
                _("The archive is larger than %(size)s once unpacked.")
                % {"size": filesizeformat(settings.UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_BYTES)}
            )


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    if info.file_size > limit:
        return None
    with zf.open(info) as member:
        data = member.read(info.file_size + 1)
    if len(data) > info.file_size:  # lies about its size
        raise ArchiveRejected(_("The archive is damaged."))
    return data


def _strava_index(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> dict[str, tuple]:
    info = names.get("activities.csv")
    if info is None or info.file_size > 64 * 1024 * 1024:
        return {}
    text = _read(zf, info, 64 * 1024 * 1024) or b""
    index = {}
    for row in csv.DictReader(io.StringIO(text.decode("utf-8-sig", errors="replace"))):
        filename = (row.get("Filename") or "").strip()
        if filename:
            index[filename] = (
                sports.from_text(row.get("Activity Type")) if row.get("Activity Type") else "",
                (row.get("Activity Name") or "").strip()[:120],
            )
    return index


def _walk(data, prefix: str, depth: int, budget: _Budget) -> Iterator[Entry]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ArchiveRejected() from None
    budget.take(infos)
    names = {i.filename: i for i in infos}
    index = _strava_index(zf, names) if depth == 0 else {}
    try:
        for info in infos:
            lower = info.filename.lower()
            if lower.endswith(".zip"):
                if depth + 1 > settings.UPLOAD_ARCHIVE_MAX_DEPTH:
                    raise ArchiveRejected(_("The archive nests archives too deeply."))
                inner = _read(zf, info, settings.UPLOAD_ARCHIVE_MAX_BYTES)
                if inner is not None:
                    yield from _walk(inner, f"{prefix}{info.filename}/", depth + 1, budget)
            elif lower.endswith(WORKOUT_SUFFIXES):
                if index and info.filename not in index:
                    continue  # a Strava export: only its activities (not routes/, media/)
                sport, title = index.get(info.filename, ("", ""))
                yield Entry(
                    f"{prefix}{info.filename}",
                    _read(zf, info, settings.UPLOAD_MAX_BYTES),
                    sport,
                    title,
                )
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        raise ArchiveRejected(_("The archive is damaged.")) from None


def workout_files(data) -> Iterator[Entry]:
    """The workout files of a Strava or Garmin export (or any zip of FIT/GPX/TCX files), from
    its bytes or a seekable file (the archive is not read into memory), one at a time; raises
    `ArchiveRejected` (possibly after some) when the bounds are exceeded."""
    found = False
    for entry in _walk(data, "", 0, _Budget()):
        found = True
        yield entry
    if not found:
        raise ArchiveRejected(_("The archive holds no FIT, GPX or TCX files."))


def display_name(path: str) -> str:
    return PurePosixPath(path).name[:255] or "file"
