"""TCX (Garmin Training Center) with a small reader on defusedxml: no DTDs, no entities.
Timestamps with an offset are converted to UTC; naive ones are UTC, as the schema says."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from apps.devices.exceptions import UnreadableFile, no_activity
from apps.devices.parsers import content_id, reject_dtd, sports
from apps.devices.parsers.samples import Samples
from apps.devices.types import NormalizedActivity, NormalizedLap


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element, name: str):
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _path(element, *names: str):
    for name in names:
        if element is None:
            return None
        element = _child(element, name)
    return element


def _float(element) -> float | None:
    if element is None or element.text is None:
        return None
    try:
        return float(element.text)
    except ValueError:
        return None


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 time from a TCX file as an aware UTC datetime (naive means UTC)."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _extension(point, name: str) -> float | None:
    extensions = _child(point, "Extensions")
    if extensions is None:
        return None
    for element in extensions.iter():
        if _local(element.tag) == name:
            return _float(element)
    return None


def parse(data: bytes) -> NormalizedActivity:
    reject_dtd(data)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise UnreadableFile(_("The TCX file is damaged or incomplete.")) from None
    activities = _child(root, "Activities")
    activity = _child(activities, "Activity") if activities is not None else None
    if activity is None:
        if _child(root, "Workouts") is not None:
            raise no_activity("workout")
        if _child(root, "Courses") is not None:
            raise no_activity("course")
        raise no_activity("empty")
    samples = Samples()
    laps = []
    for lap in activity:
        if _local(lap.tag) != "Lap":
            continue
        laps.append(
            (
                parse_time(lap.get("StartTime")),
                _float(_child(lap, "TotalTimeSeconds")),
                _float(_child(lap, "DistanceMeters")),
            )
        )
        for track in lap:
            if _local(track.tag) != "Track":
                continue
            for point in track:
                when = parse_time(getattr(_child(point, "Time"), "text", None))
                if when is None:
                    continue
                position = _child(point, "Position")
                run_cadence = _extension(point, "RunCadence")
                samples.add(
                    when,
                    lat=_float(_child(position, "LatitudeDegrees"))
                    if position is not None
                    else None,
                    lng=_float(_child(position, "LongitudeDegrees"))
                    if position is not None
                    else None,
                    altitude=_float(_child(point, "AltitudeMeters")),
                    distance=_float(_child(point, "DistanceMeters")),
                    heart_rate=_float(_path(point, "HeartRateBpm", "Value")),
                    cadence=run_cadence
                    if run_cadence is not None
                    else _float(_child(point, "Cadence")),
                    speed=_extension(point, "Speed"),
                    power=_extension(point, "Watts"),
                )
    if not samples:
        raise no_activity("empty")
    start = samples.start
    creator = _path(activity, "Creator", "Name")
    normalized_laps = [
        NormalizedLap((lap_start - start).total_seconds(), elapsed, distance)
        for lap_start, elapsed, distance in laps
        if lap_start is not None and elapsed is not None
    ]
    return NormalizedActivity(
        sport=sports.from_text(activity.get("Sport")),
        start_time=start,
        source="file",
        external_id=content_id(data),
        notes=(getattr(_child(activity, "Notes"), "text", None) or "")[:5000],
        device_name=(getattr(creator, "text", None) or "")[:100],
        streams=samples.streams(),
        laps=normalized_laps if len(normalized_laps) > 1 else [],
    )
