"""Writes on activities. `record_activity` is the one way an activity comes to exist."""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import available_timezones

import polyline
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts import selectors as accounts_selectors
from apps.accounts.models import Visibility
from apps.core import metrics as core_metrics
from apps.core.events import publish
from apps.training import metrics, selectors, streams
from apps.training.exceptions import ActivityInvalid
from apps.training.models import (
    DISTANCE_SPORTS,
    Activity,
    ActivitySource,
    ActivityStreams,
    BestEffort,
    Sport,
)
from apps.training.types import STREAM_NAMES, NormalizedActivity, NormalizedLap, NormalizedStreams

FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of phones and watches drift
MAX_DURATION_S = 7 * 24 * 3600  # an ultra or a multi-day hike, but not a broken clock
MAX_SAMPLES = 200_000  # a week at 1 Hz would be more: such files are resampled by devices
SUMMARY_POINTS = 300
DEFAULT_REST_HR = 60.0
DEFAULT_MAX_HR = 190.0
DEFAULT_THRESHOLD_SPEED = 1000 / 300  # 5:00 per km until the athlete has a 10 km best effort

# Figures a person may correct after recording.
EDITABLE_FIELDS = ("title", "notes", "sport", "visibility", "perceived_effort", "calories")


@dataclass
class Recorded:
    activity: Activity
    created: bool  # False: the activity was there already (a retry or another source)
    source_added: bool = False  # True: it was there, and this source was new to it


@dataclass
class SourceRemoved:
    activity_id: int
    deleted: bool  # True: it was the last source, so the activity went with it


def _check(data: NormalizedActivity) -> None:
    errors: dict[str, list[str]] = {}
    if data.sport not in Sport.values:
        errors["sport"] = [_("Choose a sport from the list.")]
    if data.start_time is None or timezone.is_naive(data.start_time):
        errors["start_time"] = [_("The start time needs a date, a time and a time zone.")]
    elif data.start_time > timezone.now() + FUTURE_TOLERANCE:
        errors["start_time"] = [_("The start time is in the future.")]
    if data.timezone and data.timezone not in available_timezones():
        errors["timezone"] = [_("Choose a time zone such as Europe/Berlin.")]
    if data.visibility and data.visibility not in Visibility.values:
        errors["visibility"] = [_("Choose who may see the activity.")]
    if data.perceived_effort is not None and not 1 <= data.perceived_effort <= 10:
        errors["perceived_effort"] = [_("Rate the effort from 1 (very easy) to 10 (maximal).")]
    for name in ("elapsed_s", "moving_s", "distance_m", "calories"):
        value = getattr(data, name)
        if value is not None and (not math.isfinite(value) or value < 0):
            errors[name] = [_("This cannot be negative.")]
    s = data.streams
    if s is not None:
        n = len(s.time)
        if n > MAX_SAMPLES:
            errors["streams"] = [_("Too many samples (at most %(n)s).") % {"n": MAX_SAMPLES}]
        elif any(len(v) != n for v in s.present().values()):
            errors["streams"] = [_("All streams need one value per time sample.")]
        elif any(
            v is not None and not math.isfinite(v)
            for values in s.present().values()
            for v in values
        ):
            errors["streams"] = [_("Streams hold values that are not numbers.")]
        elif any(b < a for a, b in zip(s.time, s.time[1:], strict=False)):
            errors["streams"] = [_("Sample times must not go backwards.")]
        elif n and s.time[-1] - s.time[0] > MAX_DURATION_S:
            errors["streams"] = [_("The recording is longer than a week.")]
    elif not data.elapsed_s:
        errors["elapsed_s"] = [_("Enter how long it took.")]
    if (data.elapsed_s or 0) > MAX_DURATION_S:
        errors["elapsed_s"] = [_("An activity can last at most a week.")]
    if errors:
        raise ActivityInvalid(fields=errors)


def _max_hr(profile, observed: float | None) -> float:
    estimate = DEFAULT_MAX_HR
    if profile.birth_year:
        age = timezone.now().year - profile.birth_year
        estimate = 208 - 0.7 * age  # Tanaka, Monahan & Seals (2001)
    return max(estimate, observed or 0)


def _threshold_speed(owner) -> float:
    best = BestEffort.objects.filter(owner=owner, distance="10k").aggregate(t=Min("elapsed_s"))
    return 10000 / best["t"] if best["t"] else DEFAULT_THRESHOLD_SPEED


def _compute(data: NormalizedActivity, owner, profile) -> dict:
    """Every figure of the activity, from its streams where it has them."""
    figures: dict = {
        "elapsed_s": data.elapsed_s,
        "moving_s": data.moving_s,
        "distance_m": data.distance_m,
        "elevation_gain_m": data.elevation_gain_m,
        "elevation_loss_m": data.elevation_loss_m,
        "avg_heart_rate": data.avg_heart_rate,
        "max_heart_rate": data.max_heart_rate,
        "avg_cadence": data.avg_cadence,
        "avg_power": data.avg_power,
        "summary_polyline": "",
        "splits_metric": [],
        "splits_imperial": [],
        "laps": [],
        "zones": {},
        "packed": None,
        "efforts": [],
    }
    s = data.streams
    if s is None or len(s.time) < 2:
        figures["moving_s"] = figures["moving_s"] or figures["elapsed_s"]
        figures["training_load"] = _load_without_streams(data, figures, profile)
        return figures

    time = [t - s.time[0] for t in s.time]
    present = s.present()
    present["time"] = time
    figures["elapsed_s"] = time[-1]
    distance: list[float] | None = None
    if "lat" in present and "lng" in present:
        distance = metrics.cumulative_distance(time, present["lat"], present["lng"])
        points = [
            (la, ln)
            for la, ln in zip(present["lat"], present["lng"], strict=False)
            if la is not None and ln is not None
        ]
        picked = metrics.downsample(len(points), SUMMARY_POINTS)
        figures["summary_polyline"] = polyline.encode([points[i] for i in picked], 5)
    elif "distance" in present:  # a treadmill or a pool: the device's own distance
        last, distance = 0.0, []
        for value in present["distance"]:
            last = max(last, value if value is not None else last)
            distance.append(last)
    if distance is not None and data.sport in DISTANCE_SPORTS | {"other"}:
        present["distance"] = distance
        figures["distance_m"] = distance[-1]
        figures["moving_s"] = metrics.moving_time(time, distance, data.sport)
        for unit, key in ((metrics.KM, "splits_metric"), (metrics.MILE, "splits_imperial")):
            figures[key] = [
                split.as_dict()
                for split in metrics.splits(
                    time,
                    distance,
                    unit_m=unit,
                    sport=data.sport,
                    altitude=present.get("altitude"),
                    heart_rate=present.get("heart_rate"),
                )
            ]
        if data.sport in metrics.BEST_EFFORT_SPORTS:
            figures["efforts"] = metrics.best_efforts(time, distance)
        if data.sport in {"run", "trail_run"}:
            figures["zones"]["pace"] = metrics.time_in_zones(
                time,
                metrics.speeds(time, distance),
                _threshold_speed(owner),
                metrics.PACE_ZONE_BOUNDS,
            )
    else:
        figures["moving_s"] = figures["moving_s"] or figures["elapsed_s"]
    if "altitude" in present:
        gain, loss = metrics.elevation_gain_loss(present["altitude"])
        figures["elevation_gain_m"], figures["elevation_loss_m"] = gain, loss
    for name, key in (
        ("heart_rate", "avg_heart_rate"),
        ("cadence", "avg_cadence"),
        ("power", "avg_power"),
    ):
        if name in present:
            figures[key] = metrics.time_weighted_mean(time, present[name])
    heart_rate = present.get("heart_rate")
    if heart_rate:
        observed = max(v for v in heart_rate if v is not None)
        figures["max_heart_rate"] = observed
        max_hr = _max_hr(profile, observed)
        figures["zones"]["heart_rate"] = metrics.time_in_zones(
            time, heart_rate, max_hr, metrics.HR_ZONE_BOUNDS
        )
        figures["training_load"] = metrics.trimp(
            time,
            heart_rate,
            rest_hr=DEFAULT_REST_HR,
            max_hr=max_hr,
            female=profile.sex == "female",
        )
    else:
        figures["training_load"] = _load_without_streams(data, figures, profile)
    figures["laps"] = _laps(data, time, distance)
    figures["packed"] = (
        streams.pack({n: present[n] for n in STREAM_NAMES if n in present}),
        len(time),
        [n for n in STREAM_NAMES if n in present],
    )
    return figures


def _load_without_streams(data: NormalizedActivity, figures: dict, profile) -> float:
    duration = figures.get("moving_s") or figures.get("elapsed_s") or 0
    if figures.get("avg_heart_rate"):
        # One average instead of a stream: TRIMP of a steady effort at that heart rate.
        max_hr = _max_hr(profile, figures.get("max_heart_rate"))
        return _steady_trimp(duration, figures["avg_heart_rate"], max_hr, profile.sex == "female")
    return metrics.session_rpe_load(duration, data.perceived_effort, data.sport)


def _steady_trimp(duration_s: float, hr: float, max_hr: float, female: bool) -> float:
    k, b = (0.86, 1.67) if female else (0.64, 1.92)
    x = min(max((hr - DEFAULT_REST_HR) / max(max_hr - DEFAULT_REST_HR, 1.0), 0.0), 1.0)
    return duration_s / 60.0 * x * k * math.exp(b * x)


def _laps(data: NormalizedActivity, time: list[float], distance: list[float] | None) -> list:
    out = []
    for index, lap in enumerate(data.laps, start=1):
        lap_distance = lap.distance_m
        if lap_distance is None and distance is not None:
            start = metrics.value_at(time, distance, lap.start_s) or 0.0
            end = metrics.value_at(time, distance, lap.start_s + lap.elapsed_s) or start
            lap_distance = end - start
        out.append(
            {
                "index": index,
                "start_s": round(lap.start_s, 1),
                "elapsed_s": round(lap.elapsed_s, 1),
                "distance_m": None if lap_distance is None else round(lap_distance, 1),
            }
        )
    return out


def _duplicate(owner, data: NormalizedActivity, elapsed_s: float) -> Activity | None:
    if data.external_id:
        known = (
            ActivitySource.objects.filter(
                owner=owner, provider=data.provider, external_id=data.external_id
            )
            .select_related("activity")
            .first()
        )
        if known is not None:
            return known.activity
    # The same workout from another source (a watch and a phone app): same sport, overlapping.
    end = data.start_time + timedelta(seconds=max(elapsed_s, 1))
    candidates = Activity.objects.filter(
        owner=owner,
        sport=data.sport,
        start_time__lt=end,
        start_time__gt=data.start_time - timedelta(seconds=MAX_DURATION_S),
    )
    for candidate in candidates:
        if candidate.end_time > data.start_time:
            return candidate
    return None


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def record_activity(*, owner, activity: NormalizedActivity) -> Recorded:
    """Create an activity from any source: check it, compute its figures from its streams,
    store it with its streams, best efforts and source, and publish `activity_recorded`. The
    same source again changes nothing; the same workout from another source (same sport,
    overlapping in time) joins the existing activity as one more source, which may become its
    primary or add stream channels (see `_rederive`)."""
    _check(activity)
    packed = _source_streams(activity)
    profile = accounts_selectors.profile_for(user=owner)
    figures = _compute(activity, owner, profile)  # CPU work before any lock is taken
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()  # one by one
        existing = _duplicate(owner, activity, figures["elapsed_s"] or 0)
        if existing is not None:
            if _has_source(existing, activity):
                return Recorded(existing, created=False)
            _source_create(
                owner=owner, record=existing, data=activity, packed=packed, primary=False
            )
            _rederive(existing, profile=profile)
            return Recorded(existing, created=False, source_added=True)
        record = Activity.objects.create(
            owner=owner,
            sport=activity.sport,
            title=activity.title[:120],
            notes=activity.notes[:5000],
            start_time=activity.start_time,
            timezone=activity.timezone or profile.timezone or "UTC",
            calories=_rounded(activity.calories),
            perceived_effort=activity.perceived_effort,
            visibility=activity.visibility or profile.activity_visibility,
            source=activity.source,
            provider=activity.provider,
            external_id=activity.external_id,
            device_name=activity.device_name[:100],
            **_figure_fields(figures),
        )
        if figures["packed"] is not None:
            data, samples, names = figures["packed"]
            ActivityStreams.objects.create(activity=record, samples=samples, names=names, data=data)
        _store_efforts(record, figures["efforts"])
        _source_create(owner=owner, record=record, data=activity, packed=packed, primary=True)
        publish(
            "activity_recorded",
            activity_id=record.pk,
            owner_id=owner.pk,
            sport=record.sport,
            start_time=record.start_time.isoformat(),
            distance_m=record.distance_m,
            moving_s=record.moving_s,
        )
    core_metrics.activity_imported(source=record.provider or record.source)
    return Recorded(record, created=True)


def _figure_fields(figures: dict) -> dict:
    """The activity's columns computed by `_compute`, rounded as they are stored."""

    def one_decimal(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {
        "elapsed_s": _rounded(figures["elapsed_s"]) or 0,
        "moving_s": _rounded(figures["moving_s"]) or 0,
        "distance_m": one_decimal(figures["distance_m"]),
        "elevation_gain_m": one_decimal(figures["elevation_gain_m"]),
        "elevation_loss_m": one_decimal(figures["elevation_loss_m"]),
        "avg_heart_rate": _rounded(figures["avg_heart_rate"]),
        "max_heart_rate": _rounded(figures["max_heart_rate"]),
        "avg_cadence": _rounded(figures["avg_cadence"]),
        "avg_power": _rounded(figures["avg_power"]),
        "training_load": round(figures["training_load"], 1),
        "summary_polyline": figures["summary_polyline"],
        "splits_metric": figures["splits_metric"],
        "splits_imperial": figures["splits_imperial"],
        "laps": figures["laps"],
        "zones": figures["zones"],
    }


# --- Several sources of one activity ----------------------------------------------------------

# What a source states besides its streams, kept to re-derive the activity from it later.
SUMMARY_FIELDS = (
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
)
# A channel of another source is matched to a primary sample at most this far apart in time.
MERGE_TOLERANCE_S = 5.0
# Channels merged from another source, each group taken whole (a position needs both).
MERGE_GROUPS = (
    ("lat", "lng"),
    ("altitude",),
    ("heart_rate",),
    ("cadence",),
    ("power",),
    ("speed",),
    ("temperature",),
    ("distance",),
)


def _has_source(record: Activity, data: NormalizedActivity) -> bool:
    """Whether this source is one of the activity's already (a retry, the same file again).
    A source without an id of its own is known by its kind and provider."""
    if data.external_id:
        return record.sources.filter(provider=data.provider, external_id=data.external_id).exists()
    return record.sources.filter(kind=data.source, provider=data.provider, external_id="").exists()


def _source_streams(data: NormalizedActivity) -> tuple[bytes, list[str], int] | None:
    """The source's own samples packed, with its channels and sample count; None without."""
    present = data.streams.present() if data.streams is not None else {}
    channels = [n for n in STREAM_NAMES if n in present and n != "time"]
    if not channels or len(present["time"]) < 2:
        return None
    blob = streams.pack({n: present[n] for n in STREAM_NAMES if n in present})
    return blob, channels, len(present["time"])


def _source_create(
    *, owner, record: Activity, data: NormalizedActivity, packed: tuple | None, primary: bool
) -> None:
    blob, channels, samples = packed if packed is not None else (None, [], 0)
    summary = {name: getattr(data, name) for name in SUMMARY_FIELDS}
    summary["laps"] = [
        {"start_s": lap.start_s, "elapsed_s": lap.elapsed_s, "distance_m": lap.distance_m}
        for lap in data.laps
    ]
    ActivitySource.objects.create(
        activity=record,
        owner=owner,
        kind=data.source,
        provider=data.provider,
        external_id=data.external_id,
        device_file=data.device_file,
        received_at=timezone.now(),
        start_time=data.start_time,
        device_name=data.device_name[:100],
        channels=channels,
        samples=samples,
        summary=summary,
        packed_streams=blob,
        is_primary=primary,
        contributed=channels if primary else [],
    )


def source_rank(source: ActivitySource) -> tuple:
    """Best first: streams over a summary only; a device's own file over a platform's data;
    more channels, then more samples, over fewer; ties: the earliest received."""
    return (
        not source.channels,
        not source.device_file,
        -len(source.channels),
        -source.samples,
        source.received_at,
        source.pk,
    )


def _source_activity(source: ActivitySource, sport: str) -> NormalizedActivity:
    summary = source.summary or {}
    data = NormalizedActivity(
        sport=sport,
        start_time=source.start_time,
        source=source.kind,
        provider=source.provider,
        external_id=source.external_id,
        device_file=source.device_file,
        device_name=source.device_name,
        **{name: summary.get(name) for name in SUMMARY_FIELDS},
        laps=[
            NormalizedLap(lap["start_s"], lap["elapsed_s"], lap.get("distance_m"))
            for lap in summary.get("laps") or []
        ],
    )
    if source.packed_streams is not None and source.channels:
        data.streams = NormalizedStreams(**streams.unpack(bytes(source.packed_streams)))
    return data


def _nearest(times: list[float], t: float) -> int | None:
    """The index of the sample of `times` (ascending) nearest to t, if close enough."""
    j = bisect_left(times, t)
    near = [k for k in (j - 1, j) if 0 <= k < len(times)]
    best = min(near, key=lambda k: abs(times[k] - t), default=None)
    return best if best is not None and abs(times[best] - t) <= MERGE_TOLERANCE_S else None


def _merge(base: NormalizedActivity, other: NormalizedActivity) -> list[str]:
    """Add to `base`'s streams the channels it lacks and `other` has, each value taken from
    `other`'s sample nearest in time (within MERGE_TOLERANCE_S). Returns the channels added."""
    if base.streams is None or other.streams is None:
        return []
    have = base.streams.present()
    theirs = other.streams.present()
    groups = [
        g for g in MERGE_GROUPS if not any(n in have for n in g) and all(n in theirs for n in g)
    ]
    if not groups:
        return []
    shift = (other.start_time - base.start_time).total_seconds()
    their_times = [t + shift for t in theirs["time"]]
    matched = [_nearest(their_times, t) for t in base.streams.time]
    added = []
    for group in groups:
        for name in group:
            values = theirs[name]
            setattr(base.streams, name, [None if k is None else values[k] for k in matched])
        if any(n in base.streams.present() for n in group):
            added.extend(group)
    return added


def _may_merge(primary: ActivitySource, other: ActivitySource) -> bool:
    owner_only = selectors.OWNER_ONLY_PROVIDERS
    return other.provider not in owner_only or primary.provider in owner_only


def _planned(ranked: list[ActivitySource]) -> dict[int, list[str]]:
    """Which channels each source would give, from their channel lists alone (best first)."""
    primary = ranked[0]
    have = set(primary.channels)
    planned = {primary.pk: list(primary.channels)}
    for other in ranked[1:]:
        planned[other.pk] = []
        if not _may_merge(primary, other):
            continue
        for group in MERGE_GROUPS:
            if not have.intersection(group) and set(group) <= set(other.channels):
                planned[other.pk].extend(group)
                have.update(group)
    return planned


def _rederive(record: Activity, *, profile=None, force: bool = False) -> bool:
    """Pick the primary among the activity's sources, merge in the channels it lacks from the
    others (a platform's data under the owner-only terms never goes into another's), and
    store the figures computed from that. What a person corrected (title, notes, sport,
    visibility, effort) stays. Publishes `activity_updated` when a figure changed."""
    sources = sorted(record.sources.all(), key=source_rank)
    primary = sources[0]
    stated = [s.summary.get("calories") for s in sources if (s.summary or {}).get("calories")]
    unchanged = _planned(sources) == {s.pk: s.contributed for s in sources}
    if not force and primary.is_primary and unchanged:
        # The same primary and the same merge (a summary joined, or a source that gave
        # nothing left): the figures stay as they are; only what was missing is filled in.
        ActivitySource.objects.filter(activity=record).exclude(pk=primary.pk).update(
            is_primary=False
        )
        if record.calories is None and stated:
            record.calories = _rounded(stated[0])
            record.save(update_fields=["calories", "modified"])
            publish("activity_updated", activity_id=record.pk, owner_id=record.owner_id)
            return True
        return False
    merged = _source_activity(primary, record.sport)
    contributed: dict[int, list[str]] = {primary.pk: list(primary.channels)}
    for other in sources[1:]:
        if _may_merge(primary, other):
            contributed[other.pk] = _merge(merged, _source_activity(other, record.sport))
    if profile is None:
        profile = accounts_selectors.profile_for(user=record.owner)
    figures = _compute(merged, record.owner, profile)
    fields = _figure_fields(figures)
    fields.update(
        source=primary.kind,
        provider=primary.provider,
        external_id=primary.external_id,
        device_name=primary.device_name,
        start_time=primary.start_time,
    )
    if record.calories is None and stated:  # the best source that states them
        fields["calories"] = _rounded(stated[0])
    changed = [name for name, value in fields.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, fields[name])
    if changed:
        record.save(update_fields=[*changed, "modified"])
    ActivityStreams.objects.filter(activity=record).delete()
    if figures["packed"] is not None:
        data, samples, names = figures["packed"]
        ActivityStreams.objects.create(activity=record, samples=samples, names=names, data=data)
    BestEffort.objects.filter(activity=record).delete()
    _store_efforts(record, figures["efforts"])
    ActivitySource.objects.filter(activity=record).exclude(pk=primary.pk).update(is_primary=False)
    for source in sources:
        source.is_primary = source.pk == primary.pk
        source.contributed = contributed.get(source.pk, [])
    ActivitySource.objects.bulk_update(sources, ["is_primary", "contributed"])
    if changed:
        publish("activity_updated", activity_id=record.pk, owner_id=record.owner_id)
    return bool(changed)


def activity_source_remove(*, owner, provider: str, external_id: str) -> SourceRemoved | None:
    """Forget one source of an activity (the platform deleted the workout, the phone removed
    it): the activity is re-derived from the sources left, and goes with its last one."""
    if not external_id:
        return None
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()  # one by one
        source = (
            ActivitySource.objects.filter(owner=owner, provider=provider, external_id=external_id)
            .select_related("activity")
            .first()
        )
        if source is None:
            return None
        record = source.activity
        if not record.sources.exclude(pk=source.pk).exists():
            activity_id = record.pk
            delete_activity(activity=record)
            return SourceRemoved(activity_id, deleted=True)
        gave = bool(source.contributed)  # its channels must leave the activity's streams
        source.delete()
        _rederive(record, force=gave)
        return SourceRemoved(record.pk, deleted=False)


def _store_efforts(activity: Activity, efforts: list[metrics.Effort]) -> None:
    if not efforts:
        return
    records = dict(
        BestEffort.objects.filter(owner_id=activity.owner_id, distance__in=[e.key for e in efforts])
        .values("distance")
        .annotate(best=Min("elapsed_s"))
        .values_list("distance", "best")
    )
    BestEffort.objects.bulk_create(
        [
            BestEffort(
                activity=activity,
                owner_id=activity.owner_id,
                distance=e.key,
                elapsed_s=round(e.elapsed_s, 1),
                start_s=round(e.start_s, 1),
                achieved_at=activity.start_time + timedelta(seconds=e.start_s),
                was_record=e.key not in records or e.elapsed_s < records[e.key],
            )
            for e in efforts
        ]
    )


@transaction.atomic
def update_activity(*, activity: Activity, **changes) -> Activity:
    """Correct what a person may correct; figures computed from streams stay as they are."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    if "sport" in changes and changes["sport"] not in Sport.values:
        errors["sport"] = [_("Choose a sport from the list.")]
    if "visibility" in changes and changes["visibility"] not in Visibility.values:
        errors["visibility"] = [_("Choose who may see the activity.")]
    effort = changes.get("perceived_effort")
    if effort is not None and not 1 <= effort <= 10:
        errors["perceived_effort"] = [_("Rate the effort from 1 (very easy) to 10 (maximal).")]
    if errors:
        raise ActivityInvalid(fields=errors)
    for field, value in changes.items():
        setattr(activity, field, value)
    activity.save(update_fields=[*changes, "modified"])
    publish("activity_updated", activity_id=activity.pk, owner_id=activity.owner_id)
    return activity


@transaction.atomic
def delete_activity(*, activity: Activity) -> None:
    payload = {
        "activity_id": activity.pk,
        "owner_id": activity.owner_id,
        "sport": activity.sport,
        "start_time": activity.start_time.isoformat(),
        "distance_m": activity.distance_m,
    }
    activity.delete()
    publish("activity_deleted", **payload)


# --- Manual entry ---------------------------------------------------------------------------

# Per sport: (shortest distance m, longest distance m, slowest m/s, fastest m/s), for typed
# activities. Outside them a figure is almost surely a typo (minutes for hours, m for km).
MANUAL_BOUNDS: dict[str, tuple[float, float, float, float]] = {
    "run": (100, 350_000, 0.8, 7.0),  # 0:21/km .. 2:23/km: walking breaks to a world record
    "trail_run": (100, 350_000, 0.4, 6.5),
    "walk": (100, 120_000, 0.3, 3.0),
    "hike": (100, 150_000, 0.1, 3.0),
    "ride": (200, 1_200_000, 1.0, 25.0),
    "swim": (25, 40_000, 0.1, 2.6),
}
MANUAL_MAX_DURATION_S = {"yoga": 6 * 3600, "strength": 6 * 3600}
MANUAL_MIN_DURATION_S = 60


def _pace_text(speed: float, sport: str) -> str:
    if sport == "ride":
        return _("%(kmh).1f km/h") % {"kmh": speed * 3.6}
    if sport == "swim":
        seconds = 100 / speed
        return _("%(m)d:%(s)02d per 100 m") % {"m": seconds // 60, "s": seconds % 60}
    seconds = 1000 / speed
    return _("%(m)d:%(s)02d per km") % {"m": seconds // 60, "s": seconds % 60}


def check_manual(*, sport: str, elapsed_s: float | None, distance_m: float | None) -> None:
    """Bounds a person understands for a typed activity, per sport."""
    if sport not in Sport.values:
        raise ActivityInvalid(fields={"sport": [_("Choose a sport from the list.")]})
    errors: dict[str, list[str]] = {}
    if elapsed_s is None or elapsed_s < MANUAL_MIN_DURATION_S:
        errors["elapsed_s"] = [_("An activity lasts at least a minute.")]
    elif elapsed_s > MANUAL_MAX_DURATION_S.get(sport, MAX_DURATION_S):
        hours = MANUAL_MAX_DURATION_S.get(sport, MAX_DURATION_S) // 3600
        errors["elapsed_s"] = [
            _("A session like this lasts at most %(hours)d hours.") % {"hours": hours}
        ]
    bounds = MANUAL_BOUNDS.get(sport)
    if bounds is None:
        if distance_m:
            errors["distance_m"] = [_("This sport has no distance; leave it empty.")]
    elif distance_m is None:
        errors["distance_m"] = [_("Enter the distance.")]
    elif not bounds[0] <= distance_m <= bounds[1]:
        errors["distance_m"] = [
            _("For this sport the distance must be between %(low)s and %(high)s km.")
            % {"low": f"{bounds[0] / 1000:g}", "high": f"{bounds[1] / 1000:g}"}
        ]
    elif elapsed_s and "elapsed_s" not in errors:
        speed = distance_m / elapsed_s
        if not bounds[2] <= speed <= bounds[3]:
            errors["distance_m"] = [
                _(
                    "That is %(pace)s, which is not plausible for this sport. Check the "
                    "distance and the duration."
                )
                % {"pace": _pace_text(speed, sport)}
            ]
    if errors:
        raise ActivityInvalid(fields=errors)


def record_manual_activity(*, owner, **fields) -> Recorded:
    """A typed activity: checked against per-sport bounds, then recorded like any other."""
    sport = fields.get("sport", "")
    check_manual(
        sport=sport, elapsed_s=fields.get("elapsed_s"), distance_m=fields.get("distance_m")
    )
    return record_activity(owner=owner, activity=NormalizedActivity(source="manual", **fields))
