"""Small server-rendered SVG figures (map outline, line charts, bars): no JavaScript, nothing
fetched from third parties, readable without a map tile server. Templates draw the paths."""

from __future__ import annotations

import math
from collections.abc import Sequence


def _scale(values: Sequence[float], size: float, pad: float, invert: bool = False):
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0

    def f(v: float) -> float:
        ratio = (v - lo) / span
        return round(pad + (1 - ratio if invert else ratio) * (size - 2 * pad), 1)

    return f


def map_paths(runs: list[list[tuple[float, float]]], *, width=600, height=360, pad=12) -> list[str]:
    """SVG path data for each visible run of the track (equirectangular, aspect kept)."""
    points = [p for run in runs for p in run]
    if len(points) < 2:
        return []
    mean_lat = math.radians(sum(p[0] for p in points) / len(points))
    xs = [p[1] * math.cos(mean_lat) for p in points]
    ys = [p[0] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1e-9
    scale = min(width - 2 * pad, height - 2 * pad) / span
    x0 = min(xs) - ((width - 2 * pad) / scale - (max(xs) - min(xs))) / 2
    y1 = max(ys) + ((height - 2 * pad) / scale - (max(ys) - min(ys))) / 2
    paths = []
    for run in runs:
        if len(run) < 2:
            continue
        coords = [
            (
                round(pad + (lng * math.cos(mean_lat) - x0) * scale, 1),
                round(pad + (y1 - lat) * scale, 1),
            )
            for lat, lng in run
        ]
        paths.append("M" + " L".join(f"{x},{y}" for x, y in coords))
    return paths


def line_path(
    xs: Sequence[float], ys: Sequence[float | None], *, width=600, height=160, pad=6
) -> str:
    """One series as SVG path data; gaps (None) break the line."""
    present = [y for y in ys if y is not None]
    if len(present) < 2 or len(xs) < 2:
        return ""
    fx = _scale(xs, width, pad)
    fy = _scale(present, height, pad, invert=True)
    parts, pen_down = [], False
    for x, y in zip(xs, ys, strict=False):
        if y is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{fx(x)},{fy(y)}")
        pen_down = True
    return " ".join(parts)


def bars(values: Sequence[float], *, width=600, height=140, pad=6, gap=4) -> list[dict]:
    """Rectangles for a bar chart, tallest at full height."""
    if not values:
        return []
    top = max(values) or 1.0
    slot = (width - 2 * pad) / len(values)
    out = []
    for i, value in enumerate(values):
        h = (height - 2 * pad) * value / top
        out.append(
            {
                "x": round(pad + i * slot + gap / 2, 1),
                "y": round(height - pad - h, 1),
                "width": round(max(slot - gap, 1), 1),
                "height": round(h, 1),
            }
        )
    return out


def smoothed_speed(
    time: Sequence[float | None], distance: Sequence[float | None], window: int = 5
) -> list[float | None]:
    """Speed between neighbouring samples, averaged over `window` samples (a watch's pace
    jitters second to second); None where time or distance is missing or stands still."""
    raw: list[float | None] = [None]
    for i in range(1, len(time)):
        t0, t1, d0, d1 = time[i - 1], time[i], distance[i - 1], distance[i]
        if None in (t0, t1, d0, d1) or t1 <= t0:
            raw.append(None)
        else:
            raw.append((d1 - d0) / (t1 - t0))
    out: list[float | None] = []
    half = window // 2
    for i in range(len(raw)):
        near = [v for v in raw[max(0, i - half) : i + half + 1] if v is not None]
        out.append(sum(near) / len(near) if near else None)
    return out
