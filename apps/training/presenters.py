"""An activity as a viewer may see it, for the API, the pages and exports alike. Everything
that depends on who is looking (hidden fields, privacy zones, units) is decided here once."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import gpxpy
import gpxpy.gpx
from django.utils.translation import gettext_lazy as _

from apps.training import selectors
from apps.training.models import Activity, Source


def activity_summary(activity: Activity, rules: selectors.ViewerRules) -> dict:
    """The fields of a list entry."""
    start = activity.start_time
    return {
        "id": activity.pk,
        "owner": {"id": activity.owner_id},
        "sport": activity.sport,
        "title": activity.title,
        "start_time": None if rules.hide_start_time else start,
        "start_date": start.date() if rules.hide_start_time else None,
        "timezone": activity.timezone,
        "elapsed_s": activity.elapsed_s,
        "moving_s": activity.moving_s,
        "distance_m": activity.distance_m,
        "elevation_gain_m": activity.elevation_gain_m,
        "avg_heart_rate": None if rules.hide_heart_rate else activity.avg_heart_rate,
        "calories": None if rules.hide_calories else activity.calories,
        "visibility": activity.visibility,
        "source": activity.source,
    }


def activity_detail(activity: Activity, rules: selectors.ViewerRules, *, units: str) -> dict:
    data = activity_summary(activity, rules)
    splits = activity.splits_imperial if units == "imperial" else activity.splits_metric
    if rules.hide_heart_rate:
        splits = [{**s, "avg_heart_rate": None} for s in splits]
    data.update(
        {
            "notes": activity.notes,
            "elevation_loss_m": activity.elevation_loss_m,
            "max_heart_rate": None if rules.hide_heart_rate else activity.max_heart_rate,
            "avg_cadence": activity.avg_cadence,
            "avg_power": activity.avg_power,
            "perceived_effort": activity.perceived_effort if rules.is_owner else None,
            "training_load": activity.training_load if rules.is_owner else None,
            "device_name": activity.device_name,
            "provider": activity.provider,
            "splits": [] if rules.hide_pace else splits,
            "split_unit": "mi" if units == "imperial" else "km",
            "laps": [] if rules.hide_pace else activity.laps,
            "zones": _zones(activity, rules),
            "map": selectors.summary_points(activity, rules),
            "best_efforts": [
                {
                    "distance": e.distance,
                    "elapsed_s": e.elapsed_s,
                    "personal_record": e.was_record,
                }
                for e in activity.best_efforts.all()
            ]
            if not rules.hide_pace
            else [],
        }
    )
    return data


def activity_sources(activity: Activity) -> list[dict]:
    """Where the activity came from (for its owner): the primary first."""
    return [
        {
            "id": source.pk,
            "kind": source.kind,
            "provider": source.provider,
            "external_id": source.external_id,
            "device_name": source.device_name,
            "received_at": source.received_at,
            "start_time": source.start_time,
            "contains": "streams" if source.has_streams else "summary",
            "channels": source.channels,
            "samples": source.samples,
            "primary": source.is_primary,
            "contributed": source.contributed,
        }
        for source in selectors.activity_sources(activity=activity)
    ]


CHANNEL_LABELS = {
    "lat": _("position"),
    "lng": _("position"),
    "altitude": _("altitude"),
    "heart_rate": _("heart rate"),
    "cadence": _("cadence"),
    "power": _("power"),
    "speed": _("speed"),
    "temperature": _("temperature"),
    "distance": _("distance"),
}


def activity_sources_for_page(activity: Activity) -> list[dict]:
    """The sources with what a person reads: the source's name and its channels in words."""
    kinds = dict(Source.choices)
    out = []
    for source in activity_sources(activity):
        labels = []
        for name in source["channels"]:
            label = str(CHANNEL_LABELS.get(name, name))
            if label not in labels:
                labels.append(label)
        added = []
        for name in source["contributed"] if not source["primary"] else []:
            label = str(CHANNEL_LABELS.get(name, name))
            if label not in added:
                added.append(label)
        out.append(
            {
                **source,
                "label": source["provider"].capitalize() or kinds.get(source["kind"], ""),
                "channel_labels": ", ".join(labels),
                "added_labels": ", ".join(added),
            }
        )
    return out


def _zones(activity: Activity, rules: selectors.ViewerRules) -> dict:
    zones = dict(activity.zones or {})
    if rules.hide_heart_rate:
        zones.pop("heart_rate", None)
    if rules.hide_pace:
        zones.pop("pace", None)
    return zones


def activity_gpx(activity: Activity, rules: selectors.ViewerRules) -> str:
    """GPX 1.1 of the track a viewer may see (privacy zones cut, no times if hidden)."""
    from datetime import timedelta

    data = selectors.activity_streams(activity=activity, rules=rules)
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "Stride"
    track = gpxpy.gpx.GPXTrack(name=activity.title or str(activity))
    track.type = activity.sport
    gpx.tracks.append(track)
    segment = gpxpy.gpx.GPXTrackSegment()
    track.segments.append(segment)
    lat, lng = data.get("lat") or [], data.get("lng") or []
    times, altitude = data.get("time"), data.get("altitude")
    owner_times = rules.is_owner and times is not None
    for i in range(len(lat)):
        if lat[i] is None or lng[i] is None:
            continue
        point = gpxpy.gpx.GPXTrackPoint(lat[i], lng[i], elevation=altitude[i] if altitude else None)
        if owner_times and times[i] is not None:
            point.time = activity.start_time + timedelta(seconds=times[i])
        segment.points.append(point)
    return gpx.to_xml(version="1.1")


CSV_COLUMNS = (
    "id",
    "sport",
    "title",
    "start_time",
    "timezone",
    "elapsed_s",
    "moving_s",
    "distance_m",
    "elevation_gain_m",
    "elevation_loss_m",
    "avg_heart_rate",
    "max_heart_rate",
    "avg_cadence",
    "avg_power",
    "calories",
    "perceived_effort",
    "training_load",
    "visibility",
    "source",
    "provider",
    "device_name",
    "notes",
)


def activities_csv(activities: Iterable[Activity]) -> Iterator[str]:
    """CSV lines (header first) of the owner's activities, for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for activity in activities:
        row = []
        for column in CSV_COLUMNS:
            value = getattr(activity, "pk" if column == "id" else column)
            if column == "start_time":
                value = value.isoformat()
            if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                value = "'" + value  # never a formula when opened in a spreadsheet
            row.append("" if value is None else value)
        writer.writerow(row)
        yield flush()
