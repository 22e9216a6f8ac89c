"""Segment matching, pure functions on plain lists (no ORM), so it can be benchmarked alone.

A track and a segment are projected onto a local plane in metres (equirectangular around the
track's first point: exact enough over a few tens of kilometres). A track matches a segment
when it passes within START_RADIUS_M of the segment's start, then comes within TOLERANCE_M of
every point of the segment in order (which rules out the other direction and cut corners:
skipped points are never approached), then within START_RADIUS_M of its end.

The grid: `cell(lat, lng)` keys ~1.1 km cells. Segments are stored with the cell of their
start (indexed); an activity asks only for segments starting in a cell its track crosses
(or a neighbour), so a city full of segments is not scanned for every activity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from apps.core.geo import EARTH_RADIUS_M

START_RADIUS_M = 25.0
TOLERANCE_M = 20.0
CELL_DEG = 0.01
FINE_DEG = 0.0005  # ~55 m: the track's own lookup of points near a segment's start


def cell(lat: float, lng: float) -> int:
    return (math.floor(lat / CELL_DEG) + 9000) * 40000 + (math.floor(lng / CELL_DEG) + 18000)


def cells_around(lat: float, lng: float) -> set[int]:
    return {
        cell(lat + dy * CELL_DEG, lng + dx * CELL_DEG) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
    }


def crossed_cells(lat: list, lng: list) -> set[int]:
    """The cells the track passes through."""
    return {
        cell(la, ln) for la, ln in zip(lat, lng, strict=True) if la is not None and ln is not None
    }


def track_cells(lat: list, lng: list) -> set[int]:
    """Every cell the track crosses and their neighbours (a start just over a border)."""
    seen: set[int] = set()
    near: set[int] = set()
    for la, ln in zip(lat, lng, strict=True):
        if la is None or ln is None:
            continue
        key = cell(la, ln)
        if key not in seen:
            seen.add(key)
            near |= cells_around(la, ln)
    return near


@dataclass
class Track:
    """A track projected to metres, with a fine grid of its points for start lookups."""

    x: list[float]
    y: list[float]
    time: list[float]
    lat0: float
    lng0: float
    kx: float
    fine: dict[tuple[int, int], list[int]]

    @classmethod
    def build(cls, lat: list, lng: list, time: list) -> Track:
        points = [
            (la, ln, t)
            for la, ln, t in zip(lat, lng, time, strict=True)
            if la is not None and ln is not None and t is not None
        ]
        lat0, lng0 = (points[0][0], points[0][1]) if points else (0.0, 0.0)
        k = math.pi / 180 * EARTH_RADIUS_M
        kx = k * math.cos(math.radians(lat0))
        fine: dict[tuple[int, int], list[int]] = {}
        xs, ys, ts = [], [], []
        for i, (la, ln, t) in enumerate(points):
            xs.append((ln - lng0) * kx)
            ys.append((la - lat0) * k)
            ts.append(t)
            fine.setdefault((math.floor(la / FINE_DEG), math.floor(ln / FINE_DEG)), []).append(i)
        return cls(xs, ys, ts, lat0, lng0, kx, fine)

    def project(self, lat: float, lng: float) -> tuple[float, float]:
        return (lng - self.lng0) * self.kx, (lat - self.lat0) * (math.pi / 180 * EARTH_RADIUS_M)

    def near(self, lat: float, lng: float, radius: float) -> list[int]:
        """Indices of track points within `radius` m of a point, in order."""
        cy, cx = math.floor(lat / FINE_DEG), math.floor(lng / FINE_DEG)
        px, py = self.project(lat, lng)
        found = []
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for i in self.fine.get((cy + dy, cx + dx), ()):
                    if math.hypot(self.x[i] - px, self.y[i] - py) <= radius:
                        found.append(i)
        return sorted(found)


@dataclass(frozen=True)
class Match:
    start_index: int
    end_index: int
    elapsed_s: float


def _closest_in_run(track: Track, indices: list[int], px: float, py: float) -> list[int]:
    """From consecutive runs of indices (passes near a point), the closest index of each."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [min(run, key=lambda i: math.hypot(track.x[i] - px, track.y[i] - py)) for run in runs]


def match(track: Track, points: list[list[float]]) -> list[Match]:
    """Every pass of the track along the segment `points` ([[lat, lng], ...]), fastest
    first is not implied: in order of time."""
    if len(points) < 2 or not track.x:
        return []
    sx, sy = track.project(*points[0])
    ex, ey = track.project(*points[-1])
    starts = _closest_in_run(track, track.near(*points[0], START_RADIUS_M), sx, sy)
    if not starts:
        return []
    ends_near = track.near(*points[-1], START_RADIUS_M)
    if not ends_near:
        return []
    projected = [track.project(la, ln) for la, ln in points[1:-1]]
    found: list[Match] = []
    n = len(track.x)
    after = -1
    for start in starts:
        if start <= after:
            continue
        p = start
        ok = True
        for qx, qy in projected:
            while p < n and math.hypot(track.x[p] - qx, track.y[p] - qy) > TOLERANCE_M:
                p += 1
            if p >= n:
                ok = False
                break
        if not ok:
            continue
        candidates = [i for i in ends_near if i >= p]
        if not candidates:
            continue
        first_pass = [candidates[0]]
        for i in candidates[1:]:
            if i != first_pass[-1] + 1:
                break
            first_pass.append(i)
        end = min(first_pass, key=lambda i: math.hypot(track.x[i] - ex, track.y[i] - ey))
        found.append(Match(start, end, track.time[end] - track.time[start]))
        after = end
    return found
