"""Figures computed from an activity's streams. Pure functions over lists: no Django, no I/O.

Conventions: `time` is seconds from the start, ascending; positions in degrees; `None` where a
sensor gave nothing. Distances are great-circle (haversine on the mean Earth radius): on a
run the difference from the WGS-84 ellipsoid is under 0.5 %, well inside GPS noise.

- Moving time: an interval between two samples counts as moving when its speed is at least
  the sport's threshold and it is not a recording gap (longer than MAX_SAMPLE_GAP_S, which is
  how watches record auto-pause).
- Elevation: the altitude is smoothed with a centred moving average, then cut into climbs
  and descents at turning points that stand out by ELEVATION_HYSTERESIS_M, so GPS or
  barometer jitter on the flat adds nothing while a real climb counts whole.
- Splits and best efforts interpolate time linearly between samples at the exact distance.
- Training load: Banister's TRIMP from heart rate; without heart rate, session-RPE (minutes x
  perceived effort) scaled to TRIMP's range.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from apps.core.geo import haversine_m

MAX_SAMPLE_GAP_S = 30.0
ELEVATION_SMOOTHING_SAMPLES = 5
ELEVATION_HYSTERESIS_M = 3.0
KM = 1000.0
MILE = 1609.344

# Slowest speed (m/s) that still counts as moving, per sport.
MOVING_SPEED = {
    "run": 1.0,
    "trail_run": 0.6,
    "walk": 0.4,
    "hike": 0.3,
    "ride": 1.5,
    "swim": 0.2,
}
DEFAULT_MOVING_SPEED = 0.5

BEST_EFFORTS: dict[str, float] = {
    "400m": 400.0,
    "1k": 1000.0,
    "1mi": MILE,
    "5k": 5000.0,
    "10k": 10000.0,
    "half": 21097.5,
    "marathon": 42195.0,
}
BEST_EFFORT_SPORTS = {"run", "trail_run"}


def cumulative_distance(
    time: list[float], lat: list[float | None], lng: list[float | None]
) -> list[float]:
    """Distance covered at each sample; samples without a position add nothing."""
    out = [0.0] * len(time)
    total = 0.0
    previous: tuple[float, float] | None = None
    for i in range(len(time)):
        la, ln = lat[i], lng[i]
        if la is not None and ln is not None:
            if previous is not None:
                total += haversine_m(previous[0], previous[1], la, ln)
            previous = (la, ln)
        out[i] = total
    return out


def moving_time(time: list[float], distance: list[float], sport: str) -> float:
    threshold = MOVING_SPEED.get(sport, DEFAULT_MOVING_SPEED)
    moving = 0.0
    for i in range(1, len(time)):
        dt = time[i] - time[i - 1]
        if dt <= 0 or dt > MAX_SAMPLE_GAP_S:
            continue
        if (distance[i] - distance[i - 1]) / dt >= threshold:
            moving += dt
    return moving


def _smooth(values: list[float], window: int) -> list[float]:
    half = window // 2
    prefix = [0.0]
    for v in values:
        prefix.append(prefix[-1] + v)
    out = []
    n = len(values)
    for i in range(n):
        lo, hi = max(0, i - half), min(n, i + half + 1)
        out.append((prefix[hi] - prefix[lo]) / (hi - lo))
    return out


def elevation_gain_loss(altitude: list[float | None]) -> tuple[float, float]:
    """Total climb and descent: the smoothed profile is cut into legs at turning points that
    stand out by at least the hysteresis, and each leg counts whole."""
    values = [a for a in altitude if a is not None]
    if len(values) < 2:
        return 0.0, 0.0
    smooth = _smooth(values, ELEVATION_SMOOTHING_SAMPLES)
    gain = loss = 0.0
    pivot = extreme = smooth[0]  # the last turning point, and the furthest point since
    trend = 0  # 1 climbing, -1 descending, 0 not yet known
    for value in smooth[1:]:
        if trend == 0:
            if abs(value - pivot) >= ELEVATION_HYSTERESIS_M:
                trend, extreme = (1 if value > pivot else -1), value
        elif trend == 1:
            if value > extreme:
                extreme = value
            elif extreme - value >= ELEVATION_HYSTERESIS_M:
                gain += extreme - pivot
                pivot, extreme, trend = extreme, value, -1
        else:
            if value < extreme:
                extreme = value
            elif value - extreme >= ELEVATION_HYSTERESIS_M:
                loss += pivot - extreme
                pivot, extreme, trend = extreme, value, 1
    if trend == 1:
        gain += extreme - pivot
    elif trend == -1:
        loss += pivot - extreme
    return gain, loss


def _time_at_distance(time: list[float], distance: list[float], target: float, hint: int) -> float:
    """Time when the cumulative distance first reaches `target` (linear between samples)."""
    i = bisect.bisect_left(distance, target, lo=max(hint, 0))
    if i == 0:
        return time[0]
    if i >= len(distance):
        return time[-1]
    d0, d1 = distance[i - 1], distance[i]
    if d1 == d0:
        return time[i]
    return time[i - 1] + (time[i] - time[i - 1]) * (target - d0) / (d1 - d0)


@dataclass
class Split:
    index: int  # 1-based
    distance_m: float
    elapsed_s: float
    moving_s: float
    elevation_diff_m: float | None
    avg_heart_rate: float | None

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "distance_m": round(self.distance_m, 1),
            "elapsed_s": round(self.elapsed_s, 1),
            "moving_s": round(self.moving_s, 1),
            "elevation_diff_m": None
            if self.elevation_diff_m is None
            else round(self.elevation_diff_m, 1),
            "avg_heart_rate": None if self.avg_heart_rate is None else round(self.avg_heart_rate),
        }


def value_at(time: list[float], values: list[float | None], t: float) -> float | None:
    i = bisect.bisect_left(time, t)
    i = min(max(i, 0), len(time) - 1)
    for j in (i, i - 1, i + 1):
        if 0 <= j < len(values) and values[j] is not None:
            return values[j]
    return None


def time_weighted_mean(
    time: list[float], values: list[float | None], start: float = -math.inf, end: float = math.inf
) -> float | None:
    """Mean of a stream over [start, end], each sample weighted by the time until the next one
    (gaps longer than MAX_SAMPLE_GAP_S are not counted)."""
    total = weight = 0.0
    for i in range(len(time) - 1):
        v = values[i]
        if v is None or time[i] < start or time[i] >= end:
            continue
        dt = time[i + 1] - time[i]
        if 0 < dt <= MAX_SAMPLE_GAP_S:
            total += v * dt
            weight += dt
    if weight == 0:
        present = [
            v for t, v in zip(time, values, strict=False) if v is not None and start <= t <= end
        ]
        return sum(present) / len(present) if present else None
    return total / weight


def _moving_between(
    time: list[float], distance: list[float], threshold: float, start: float, end: float
) -> float:
    moving = 0.0
    lo = bisect.bisect_left(time, start)
    for i in range(max(lo, 1), len(time)):
        t0, t1 = time[i - 1], time[i]
        if t0 >= end:
            break
        dt = t1 - t0
        if dt <= 0 or dt > MAX_SAMPLE_GAP_S:
            continue
        if (distance[i] - distance[i - 1]) / dt >= threshold:
            moving += max(0.0, min(t1, end) - max(t0, start))
    return moving


def splits(
    time: list[float],
    distance: list[float],
    *,
    unit_m: float,
    sport: str,
    altitude: list[float | None] | None = None,
    heart_rate: list[float | None] | None = None,
) -> list[Split]:
    """One split per full unit (km or mile) and a last partial one if at least 1 % is left."""
    total = distance[-1] if distance else 0.0
    if total <= 0:
        return []
    threshold = MOVING_SPEED.get(sport, DEFAULT_MOVING_SPEED)
    out: list[Split] = []
    start_t, start_d, hint = time[0], 0.0, 0
    index = 1
    while start_d < total - 0.01 * unit_m:
        end_d = min(start_d + unit_m, total)
        end_t = _time_at_distance(time, distance, end_d, hint)
        hint = bisect.bisect_left(distance, end_d)
        elevation = None
        if altitude is not None:
            a0, a1 = value_at(time, altitude, start_t), value_at(time, altitude, end_t)
            elevation = None if a0 is None or a1 is None else a1 - a0
        out.append(
            Split(
                index=index,
                distance_m=end_d - start_d,
                elapsed_s=end_t - start_t,
                moving_s=_moving_between(time, distance, threshold, start_t, end_t),
                elevation_diff_m=elevation,
                avg_heart_rate=time_weighted_mean(time, heart_rate, start_t, end_t)
                if heart_rate is not None
                else None,
            )
        )
        start_t, start_d, index = end_t, end_d, index + 1
    return out


@dataclass
class Effort:
    key: str
    distance_m: float
    elapsed_s: float
    start_s: float  # offset of the effort's start from the activity's start


def best_efforts(time: list[float], distance: list[float]) -> list[Effort]:
    """The fastest stretch of each standard distance the activity covers (two pointers over the
    cumulative distance; the window's start is interpolated so it is exactly that long)."""
    total = distance[-1] if distance else 0.0
    out = []
    for key, length in BEST_EFFORTS.items():
        if total + 1e-6 < length:
            continue
        best: tuple[float, float] | None = None
        hint = 0
        for j in range(len(time)):
            if distance[j] + 1e-9 < length:
                continue
            start_distance = distance[j] - length
            hint = bisect.bisect_left(distance, start_distance, lo=hint)
            start_time = _time_at_distance(time, distance, start_distance, hint)
            elapsed = time[j] - start_time
            if best is None or elapsed < best[0]:
                best = (elapsed, start_time)
        if best is not None:
            out.append(Effort(key, length, best[0], best[1] - time[0]))
    return out


HR_ZONE_BOUNDS = (0.6, 0.7, 0.8, 0.9)  # of maximum heart rate: Z1 < 60 % .. Z5 >= 90 %
PACE_ZONE_BOUNDS = (0.78, 0.88, 0.95, 1.02)  # of threshold speed


def _zone(value: float, bounds: tuple[float, ...]) -> int:
    return bisect.bisect_right(bounds, value)


def time_in_zones(
    time: list[float], values: list[float | None], reference: float, bounds: tuple[float, ...]
) -> list[float]:
    """Seconds spent in each zone; a zone is a band of `value / reference`."""
    seconds = [0.0] * (len(bounds) + 1)
    for i in range(len(time) - 1):
        v = values[i]
        dt = time[i + 1] - time[i]
        if v is None or dt <= 0 or dt > MAX_SAMPLE_GAP_S:
            continue
        seconds[_zone(v / reference, bounds)] += dt
    return [round(s, 1) for s in seconds]


def speeds(time: list[float], distance: list[float]) -> list[float | None]:
    """Speed of each sample from the distance to the next one (None across gaps)."""
    out: list[float | None] = []
    for i in range(len(time) - 1):
        dt = time[i + 1] - time[i]
        out.append((distance[i + 1] - distance[i]) / dt if 0 < dt <= MAX_SAMPLE_GAP_S else None)
    out.append(out[-1] if out else None)
    return out


def trimp(
    time: list[float],
    heart_rate: list[float | None],
    *,
    rest_hr: float,
    max_hr: float,
    female: bool = False,
) -> float:
    """Banister's training impulse: minutes weighted by heart-rate reserve, exponentially."""
    k, b = (0.86, 1.67) if female else (0.64, 1.92)
    reserve = max(max_hr - rest_hr, 1.0)
    load = 0.0
    for i in range(len(time) - 1):
        hr = heart_rate[i]
        dt = time[i + 1] - time[i]
        if hr is None or dt <= 0 or dt > MAX_SAMPLE_GAP_S:
            continue
        x = min(max((hr - rest_hr) / reserve, 0.0), 1.0)
        load += dt / 60.0 * x * k * math.exp(b * x)
    return load


# Perceived effort assumed when a session without heart rate gives none, per sport.
DEFAULT_EFFORT = {"yoga": 3, "walk": 3, "hike": 4, "strength": 5}


def session_rpe_load(duration_s: float, perceived_effort: int | None, sport: str) -> float:
    """Load without heart rate: minutes x effort (Foster's session-RPE), divided by 5 so an
    hour at effort 5 (60) lands near an hour's easy-to-moderate TRIMP."""
    effort = perceived_effort or DEFAULT_EFFORT.get(sport, 5)
    return duration_s / 60.0 * effort / 5.0


def downsample(indices: int, target: int) -> list[int]:
    """Evenly spread indices of `indices` samples, at most `target`, always with the last."""
    if target <= 0 or indices <= target:
        return list(range(indices))
    step = (indices - 1) / (target - 1)
    picked = sorted({round(i * step) for i in range(target)})
    return picked
