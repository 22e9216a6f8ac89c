"""What training holds about a person: every activity with its figures, its samples (one JSON
file per activity, the stream names of apps.training.types) and its GPX; and their erasure and
re-import into another Stride."""

from __future__ import annotations

import json
from datetime import datetime

from django.db import transaction

from apps.core.personal_data import ArchiveFiles, ExportFile, ExportPart, eraser, exporter, importer
from apps.training import presenters, routes, selectors, services, streams
from apps.training.exceptions import ActivityInvalid
from apps.training.models import Activity, ActivitySource, ActivityStreams, Route
from apps.training.types import STREAM_NAMES, NormalizedActivity, NormalizedLap, NormalizedStreams

FIELDS = (
    "sport",
    "title",
    "notes",
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
    "external_id",
    "device_name",
    "laps",
)
# What an import takes as stated: figures are recomputed from the samples when there are
# some, the source is checked on its own, and laps are read apart.
IMPORTED_FIELDS = tuple(f for f in FIELDS if f not in ("training_load", "source", "laps"))
MAX_STREAM_FILE_BYTES = 64 * 1024 * 1024


@exporter("training")
def export_training(user_id: int) -> ExportPart:
    owner_rules = selectors.ViewerRules(True, frozenset(), None)
    activities, files = [], []
    packed = dict(
        ActivityStreams.objects.filter(activity__owner_id=user_id).values_list(
            "activity_id", "data"
        )
    )
    sources: dict[int, list[dict]] = {}
    for source in (
        ActivitySource.objects.filter(owner_id=user_id)
        .defer("packed_streams", "summary")
        .order_by("-is_primary", "received_at", "pk")
    ):
        sources.setdefault(source.activity_id, []).append(
            {
                "kind": source.kind,
                "provider": source.provider,
                "external_id": source.external_id,
                "device_file": source.device_file,
                "device_name": source.device_name,
                "received_at": source.received_at.isoformat(),
                "channels": source.channels,
                "samples": source.samples,
                "primary": source.is_primary,
                "contributed": source.contributed,
            }
        )
    for activity in Activity.objects.filter(owner_id=user_id).order_by("start_time", "pk"):
        entry = {"id": activity.pk, "start_time": activity.start_time.isoformat()}
        entry.update({f: getattr(activity, f) for f in FIELDS})
        entry["sources"] = sources.get(activity.pk, [])
        # Whether the activity's own source is a device's file (it then ranks as one).
        entry["device_file"] = any(s["primary"] and s["device_file"] for s in entry["sources"])
        if activity.pk in packed:
            entry["streams"] = f"files/training/streams/{activity.pk}.json"
            entry["gpx"] = f"files/training/gpx/{activity.pk}.gpx"
            files.append(
                ExportFile(
                    f"training/streams/{activity.pk}.json",
                    content=json.dumps(streams.unpack(bytes(packed[activity.pk]))).encode(),
                )
            )
            files.append(
                ExportFile(
                    f"training/gpx/{activity.pk}.gpx",
                    content=presenters.activity_gpx(activity, owner_rules).encode(),
                )
            )
        activities.append(entry)
    saved_routes = []
    for route in Route.objects.filter(owner_id=user_id).order_by("created", "pk"):
        saved_routes.append(
            {
                "name": route.name,
                "tags": route.tags,
                "sport": route.sport,
                "visibility": route.visibility,
                "gpx": f"files/training/routes/{route.pk}.gpx",
            }
        )
        owner = route.owner
        files.append(
            ExportFile(
                f"training/routes/{route.pk}.gpx",
                content=routes.route_gpx(route=route, viewer=owner).encode(),
            )
        )
    if activities:  # the same activities, one row each, for a spreadsheet
        files.append(
            ExportFile(
                "training/activities.csv",
                content="".join(
                    presenters.activities_csv(
                        Activity.objects.filter(owner_id=user_id).order_by("start_time", "pk")
                    )
                ).encode(),
            )
        )
    return ExportPart(data={"activities": activities, "routes": saved_routes}, files=files)


@eraser("training", order=50)
def erase_training(user_id: int) -> None:
    """Activities are the person's alone: they go, with their samples and best efforts."""
    Route.objects.filter(owner_id=user_id).delete()
    Activity.objects.filter(owner_id=user_id).delete()


def _streams(files: ArchiveFiles, entry: dict) -> NormalizedStreams | None:
    path = entry.get("streams")
    if not isinstance(path, str) or not path.startswith("files/"):
        return None
    raw = files.read(path.removeprefix("files/"), max_bytes=MAX_STREAM_FILE_BYTES)
    if raw is None:
        return None
    data = json.loads(raw)
    if not isinstance(data, dict) or not isinstance(data.get("time"), list):
        return None
    if isinstance(data.get("lat"), list) and isinstance(data.get("lng"), list):
        data.pop("distance", None)  # computed from the positions: recomputed, not a channel
    return NormalizedStreams(**{k: data[k] for k in STREAM_NAMES if isinstance(data.get(k), list)})


def _laps(value) -> list[NormalizedLap]:
    laps = []
    for lap in value if isinstance(value, list) else []:
        try:
            laps.append(
                NormalizedLap(float(lap["start_s"]), float(lap["elapsed_s"]), lap.get("distance_m"))
            )
        except (KeyError, TypeError, ValueError):
            continue
    return laps


@importer("training")
def import_training(user_id: int, data, files: ArchiveFiles) -> dict:
    """Each activity is recorded anew (figures recomputed from its samples); one already here
    (same source id, or same sport at the same time) is skipped, so importing twice is safe."""
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.get(pk=user_id)
    summary = {"activities": 0, "already_here": 0, "skipped": 0}
    entries = data.get("activities") if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        try:
            start = datetime.fromisoformat(entry["start_time"])
            fields = {f: entry.get(f) for f in IMPORTED_FIELDS}
            fields = {k: v for k, v in fields.items() if v is not None}
            for text in ("title", "notes", "timezone", "provider", "external_id", "device_name"):
                fields[text] = str(fields.get(text, ""))
            source = (
                entry.get("source")
                if entry.get("source") in ("manual", "file", "provider")
                else "file"
            )
            normalized = NormalizedActivity(
                start_time=start,
                source=source,
                device_file=entry.get("device_file") is True,
                streams=_streams(files, entry),
                laps=_laps(entry.get("laps")),
                **fields,
            )
            with transaction.atomic():
                recorded = services.record_activity(owner=owner, activity=normalized)
        except (KeyError, TypeError, ValueError, ActivityInvalid):
            summary["skipped"] += 1
            continue
        summary["activities" if recorded.created else "already_here"] += 1
    summary["routes"] = _import_routes(owner, data, files)
    return summary


def _import_routes(owner, data, files: ArchiveFiles) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    existing = set(Route.objects.filter(owner=owner).values_list("name", flat=True))
    count = 0
    entries = data.get("routes") if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        try:
            name = str(entry["name"])
            if name in existing:
                continue
            raw = files.read(
                str(entry["gpx"]).removeprefix("files/"), max_bytes=routes.GPX_MAX_BYTES
            )
            if raw is None:
                continue
            with transaction.atomic():
                routes.route_from_gpx(
                    owner=owner,
                    upload=SimpleUploadedFile("route.gpx", raw),
                    name=name,
                    tags=entry.get("tags") or [],
                    sport=entry.get("sport") or "run",
                    visibility=entry.get("visibility") or "only_me",
                )
        except (KeyError, TypeError, ValueError, ActivityInvalid):
            continue
        existing.add(name)
        count += 1
    return count


from apps.training.plans import personal_data as _plans  # noqa: E402, F401 - registers its part
