"""Synthetic tracks whose figures can be worked out by hand.

A track along a meridian: great-circle distance there is exactly R * Δφ, so a runner who moves
`speed` metres every second has covered exactly speed * t metres (R = 6,371,008.8 m)."""

import math
from datetime import UTC, datetime, timedelta

from apps.core.geo import EARTH_RADIUS_M
from apps.training.types import NormalizedActivity, NormalizedStreams

METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180  # along a meridian
START = datetime(2026, 6, 1, 6, 30, tzinfo=UTC)


def meridian_run(
    *,
    speed: float = 3.0,
    seconds: int = 3500,
    pause_at: int | None = None,
    pause_s: int = 0,
    gap_at: int | None = None,
    gap_s: int = 0,
    lat0: float = 48.0,
    lng: float = 11.5,
    heart_rate: float | None = 150.0,
    altitude: list[float] | None = None,
) -> NormalizedStreams:
    """1 Hz samples moving north at `speed` m/s; optionally standing still for `pause_s`
    seconds after `pause_at` seconds of running (samples keep coming, as when waiting at a
    light), and a recording gap (no samples, as with auto-pause) of `gap_s` after `gap_at`."""
    time, lat, lngs = [], [], []
    t, d = 0.0, 0.0
    for i in range(seconds + 1):
        if i:
            t += 1
            d += speed
        if pause_at is not None and i == pause_at + 1:
            for _ in range(pause_s):  # standing still
                time.append(t)
                lat.append(lat0 + (d - speed) / METRES_PER_DEGREE)
                lngs.append(lng)
                t += 1
        if gap_at is not None and i == gap_at + 1:
            t += gap_s
        time.append(t)
        lat.append(lat0 + d / METRES_PER_DEGREE)
        lngs.append(lng)
    n = len(time)
    return NormalizedStreams(
        time=time,
        lat=lat,
        lng=lngs,
        heart_rate=[heart_rate] * n if heart_rate is not None else None,
        altitude=altitude if altitude is not None else None,
    )


def run_activity(streams: NormalizedStreams, **fields) -> NormalizedActivity:
    return NormalizedActivity(
        sport=fields.pop("sport", "run"),
        start_time=fields.pop("start_time", START),
        source=fields.pop("source", "file"),
        streams=streams,
        **fields,
    )


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)
