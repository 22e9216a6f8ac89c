"""Apple Health and Health Connect, through Stride's mobile app: the app reads workouts on the
phone (HealthKit / Health Connect have no server API) and sends them in batches.

One batch holds new or changed workouts (each with its route and heart-rate samples, as the
phone stores them: separate series with their own timestamps) and the ids of workouts deleted
on the phone. Each workout is recorded through `training.services.record_activity` with the
platform as provider and the platform's workout id as external id, so a batch sent twice, or a
workout already imported from a watch file, is recognised. Every workout gets its own result:
one bad workout never sinks the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from apps.devices.parsers import sports
from apps.training import services as training_services
from apps.training.exceptions import ActivityInvalid
from apps.training.types import NormalizedActivity, NormalizedStreams

PLATFORMS = ("apple_health", "health_connect")
MAX_WORKOUTS = 25
MAX_SAMPLES = 50_000  # per series: 13 hours at 1 Hz


@dataclass
class WorkoutResult:
    id: str
    status: str  # created, duplicate, rejected, deleted, not_found
    activity_id: int | None = None
    reason: str = ""

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "activity_id": self.activity_id,
            "reason": self.reason,
        }


def _offset(value, start: datetime) -> float:
    """A sample time as seconds from the workout's start: ISO 8601 or seconds already."""
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except ValueError:
        return (datetime.fromisoformat(str(value)) - start).total_seconds()


def _streams(workout: dict, start: datetime) -> NormalizedStreams | None:
    """Route points and heart-rate samples on one timeline (each keeps its own instants; the
    other series is empty there)."""
    route = workout.get("route") or []
    heart = workout.get("heart_rate") or []
    if not route and not heart:
        return None
    samples: dict[float, dict] = {}
    for point in route:
        t = _offset(point["time"], start)
        samples.setdefault(t, {}).update(
            lat=float(point["lat"]), lng=float(point["lng"]), altitude=point.get("altitude")
        )
    for sample in heart:
        samples.setdefault(_offset(sample["time"], start), {})["heart_rate"] = float(sample["bpm"])
    times = sorted(t for t in samples if t >= 0)
    if len(times) < 2:
        return None

    def series(name: str) -> list | None:
        values = [samples[t].get(name) for t in times]
        return values if any(v is not None for v in values) else None

    return NormalizedStreams(
        time=times,
        lat=series("lat"),
        lng=series("lng"),
        altitude=series("altitude"),
        heart_rate=series("heart_rate"),
    )


def _record_one(owner, platform: str, workout: dict) -> WorkoutResult:
    workout_id = str(workout.get("id", ""))[:100]
    start = workout["start"]
    end = workout["end"]
    if end <= start:
        return WorkoutResult(workout_id, "rejected", reason=_("The workout ends before it starts."))
    if (
        len(workout.get("route") or []) > MAX_SAMPLES
        or len(workout.get("heart_rate") or []) > MAX_SAMPLES
    ):
        return WorkoutResult(
            workout_id,
            "rejected",
            reason=_("Too many samples in one workout (at most %(n)s).") % {"n": MAX_SAMPLES},
        )
    try:
        streams = _streams(workout, start)
    except (KeyError, TypeError, ValueError):
        return WorkoutResult(
            workout_id, "rejected", reason=_("A route point or heart-rate sample is malformed.")
        )
    activity = NormalizedActivity(
        sport=sports.from_text(workout.get("sport")),
        start_time=start,
        source="provider",
        provider=platform,
        external_id=workout_id,
        title=workout.get("title") or "",
        device_name=workout.get("device") or "",
        elapsed_s=(end - start).total_seconds(),
        distance_m=workout.get("distance_m"),
        calories=workout.get("energy_kcal"),
        streams=streams,
    )
    try:
        with transaction.atomic():
            recorded = training_services.record_activity(owner=owner, activity=activity)
    except ActivityInvalid as exc:
        reasons = [m for messages in (exc.fields or {}).values() for m in messages]
        return WorkoutResult(workout_id, "rejected", reason=" ".join(reasons) or exc.message)
    return WorkoutResult(
        workout_id, "created" if recorded.created else "duplicate", recorded.activity.pk
    )


def _delete_one(owner, platform: str, workout_id: str) -> WorkoutResult:
    """The phone's source goes; the activity with it only if no other source holds it."""
    removed = training_services.activity_source_remove(
        owner=owner, provider=platform, external_id=workout_id
    )
    if removed is None:
        return WorkoutResult(workout_id, "not_found")
    return WorkoutResult(workout_id, "deleted", removed.activity_id)


def health_batch_apply(*, owner, platform: str, workouts: list[dict], deleted: list[str]) -> dict:
    """Record the batch's workouts and remove its deleted ones; a result per workout."""
    return {
        "platform": platform,
        "workouts": [_record_one(owner, platform, w).as_dict() for w in workouts],
        "deleted": [_delete_one(owner, platform, str(i)[:100]).as_dict() for i in deleted],
    }
