"""FIT, GPX and TCX files (also gzipped) into a `NormalizedActivity`.

`parse_file(data)` recognises the format from the content (never from the name), inflates gzip
once here, and raises `UnreadableFile` / `NoActivityInFile` / `FileTooLarge` with a reason a
person understands. Untrusted XML is parsed without DTDs or entities.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import zlib

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from apps.devices.exceptions import EmptyFile, FileTooLarge, UnreadableFile, UnsupportedFile
from apps.devices.types import NormalizedActivity

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"


def inflate(data: bytes, *, limit: int | None = None) -> bytes:
    """The bytes of a gzipped file (several members allowed), at most `limit` of them."""
    limit = settings.UPLOAD_MAX_UNCOMPRESSED_BYTES if limit is None else limit
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(1024 * 1024):
                out.write(chunk)
                if out.tell() > limit:
                    raise FileTooLarge(
                        _("The file is larger than %(size)s once unpacked.")
                        % {"size": filesizeformat(limit)}
                    )
    except (OSError, EOFError, zlib.error):
        raise UnreadableFile(_("The compressed file is damaged or incomplete.")) from None
    return out.getvalue()


def detect(data: bytes) -> str:
    """ "fit", "gpx", "tcx", "zip" or "gzip" from the first bytes."""
    if data[:2] == GZIP_MAGIC:
        return "gzip"
    if data[:4] == ZIP_MAGIC:
        return "zip"
    if len(data) >= 12 and data[0] in (12, 14) and data[8:12] == b".FIT":
        return "fit"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if b"<gpx" in head or b":gpx" in head:
            return "gpx"
        if b"TrainingCenterDatabase" in head:
            return "tcx"
    return ""


def content_id(data: bytes) -> str:
    """A stable id for a file without one of its own: the hash of its content."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


# Foot sports: FIT `cadence`, TCX `RunCadence` and Garmin's GPX `cad` count one leg (strides
# a minute); training counts steps, both legs.
FOOT_SPORTS = {"run", "trail_run", "walk", "hike"}


def _steps(activity: NormalizedActivity) -> NormalizedActivity:
    streams = activity.streams
    if activity.sport in FOOT_SPORTS and streams is not None and streams.cadence:
        streams.cadence = [None if c is None else c * 2 for c in streams.cadence]
    return activity


def parse_file(data: bytes) -> NormalizedActivity:
    """The workout in a FIT, GPX or TCX file, gzipped or not."""
    activity = _steps(_parse(data))
    activity.device_file = True  # recorded by the device: ranks above platform summaries
    return activity


def _parse(data: bytes) -> NormalizedActivity:
    if not data:
        raise EmptyFile()
    kind = detect(data)
    if kind == "gzip":
        data = inflate(data)
        if not data:
            raise EmptyFile()
        kind = detect(data)
    if kind == "fit":
        from apps.devices.parsers import fit

        return fit.parse(data)
    if kind == "gpx":
        from apps.devices.parsers import gpx

        return gpx.parse(data)
    if kind == "tcx":
        from apps.devices.parsers import tcx

        return tcx.parse(data)
    raise UnsupportedFile()


def reject_dtd(data: bytes) -> None:
    """Refuse XML with a document type declaration: entities (billion laughs, external files)
    can only be declared there, and no GPX or TCX writer needs one."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnreadableFile(_("The file declares XML entities, which are not accepted."))
