"""Runs along polylines given in metres east/north of a point, sampled once a second at a
steady speed: their time over any stretch is exact."""

import itertools
import math
from datetime import UTC, datetime, timedelta

from apps.core.geo import EARTH_RADIUS_M
from apps.training.types import NormalizedActivity, NormalizedStreams

ORIGIN = (48.0, 11.5)
K = math.pi / 180 * EARTH_RADIUS_M


def to_latlng(x: float, y: float) -> tuple[float, float]:
    lat = ORIGIN[0] + y / K
    return lat, ORIGIN[1] + x / (K * math.cos(math.radians(ORIGIN[0])))


def path_streams(waypoints: list[tuple[float, float]], speed: float) -> NormalizedStreams:
    """One sample per second moving at `speed` m/s through `waypoints` (metres)."""
    legs = list(itertools.pairwise(waypoints))
    total = sum(math.dist(a, b) for a, b in legs)
    time, lat, lng = [], [], []
    t = 0
    while t * speed <= total + 1e-9:
        d = t * speed
        for a, b in legs:
            length = math.dist(a, b)
            if d <= length + 1e-9:
                f = d / length if length else 0.0
                x, y = a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
                break
            d -= length
        la, ln = to_latlng(x, y)
        time.append(float(t))
        lat.append(la)
        lng.append(ln)
        t += 1
    return NormalizedStreams(time=time, lat=lat, lng=lng)


def path_activity(waypoints, speed: float, *, day: int = 3, hour: int = 7, **fields):
    return NormalizedActivity(
        sport=fields.pop("sport", "run"),
        start_time=datetime(2026, 6, day, hour, tzinfo=UTC)
        + timedelta(minutes=fields.pop("minute", 0)),
        source="file",
        streams=path_streams(waypoints, speed),
        **fields,
    )
