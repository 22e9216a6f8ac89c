"""GPX 1.0 and 1.1 through gpxpy, with Garmin's TrackPointExtension (heart rate, cadence,
temperature) and the power extension many apps write."""

from __future__ import annotations

import contextlib
from datetime import UTC

import gpxpy
import gpxpy.gpx
from django.utils.translation import gettext as _

from apps.devices.exceptions import UnreadableFile, no_activity
from apps.devices.parsers import content_id, reject_dtd, sports
from apps.devices.parsers.samples import Samples
from apps.devices.types import NormalizedActivity

# local names of extension elements -> stream
EXTENSIONS = {"hr": "heart_rate", "cad": "cadence", "atemp": "temperature", "power": "power"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _extensions(point) -> dict:
    found: dict = {}
    stack = list(point.extensions or [])
    while stack:
        element = stack.pop()
        name = EXTENSIONS.get(_local(element.tag))
        if name and element.text:
            with contextlib.suppress(ValueError):
                found[name] = float(element.text)
        stack.extend(list(element))
    return found


def parse(data: bytes) -> NormalizedActivity:
    reject_dtd(data)
    try:
        gpx = gpxpy.parse(data.decode("utf-8", errors="replace"))
    except (gpxpy.gpx.GPXException, ValueError, SyntaxError):
        raise UnreadableFile(_("The GPX file is damaged or incomplete.")) from None
    samples = Samples()
    track = gpx.tracks[0] if gpx.tracks else None
    for trk in gpx.tracks:
        for segment in trk.segments:
            for point in segment.points:
                if point.time is None:
                    continue
                when = point.time if point.time.tzinfo else point.time.replace(tzinfo=UTC)
                samples.add(
                    when,
                    lat=point.latitude,
                    lng=point.longitude,
                    altitude=point.elevation,
                    **_extensions(point),
                )
    if not samples:
        if gpx.routes or any(seg.points for trk in gpx.tracks for seg in trk.segments):
            raise no_activity("course")  # a route to follow: points without times
        raise no_activity("empty")
    return NormalizedActivity(
        sport=sports.from_text(track.type if track else None),
        start_time=samples.start,
        source="file",
        external_id=content_id(data),
        title=(track.name or gpx.name or "") if track else (gpx.name or ""),
        notes=(track.description or "") if track else "",
        device_name=(gpx.creator or "")[:100],
        streams=samples.streams(),
    )
