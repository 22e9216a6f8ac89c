"""Segment matching of a 2-hour run (1 Hz, 7,201 samples) against 10,000 segments in the area.

The run is a 21.6 km loop of laps inside a 10 x 10 km area; 10,000 straight 400 m segments lie
at random in that area (a few along the run's own path, so that real matches are found too).
Timed: `services.segment_efforts_recompute(activity=...)` — what an `activity_recorded` event
does for segments: read the streams, ask the grid index for candidate segments, match each
exactly, store the efforts. Also reported: how many segments the prefilter hands over.

    .venv/bin/pytest bench/test_challenges_segments.py -p no:randomly --benchmark-only -q
"""

import math
import random

import pytest

from apps.challenges import matching, services
from apps.challenges.models import Segment, SegmentEffort
from apps.training import services as training
from tests.accounts.factories import UserFactory
from tests.challenges.paths import path_activity, to_latlng

N_SEGMENTS = 10_000
AREA_M = 10_000
ON_PATH = 20

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark(group="segments: 2 h run")]


def _run_waypoints():
    """Three laps of a 1.8 x 1.8 km square in the middle of the area: 3 m/s for 2 h = 21.6 km."""
    c = AREA_M / 2
    square = [(c, c), (c, c + 1800), (c + 1800, c + 1800), (c + 1800, c), (c, c)]
    return square + square[1:] * 2


def _segments(owner, rng):
    rows = []
    for i in range(N_SEGMENTS):
        if i < ON_PATH:  # along the square's west side
            y0 = AREA_M / 2 + 100 + i * 100
            ends = [(AREA_M / 2, y0), (AREA_M / 2, y0 + 400)]
        else:
            x, y = rng.uniform(0, AREA_M), rng.uniform(0, AREA_M)
            a = rng.uniform(0, 2 * math.pi)
            ends = [(x, y), (x + 400 * math.cos(a), y + 400 * math.sin(a))]
        (x0, y0), (x1, y1) = ends
        points = [to_latlng(x0 + (x1 - x0) * k / 20, y0 + (y1 - y0) * k / 20) for k in range(21)]
        rows.append(
            Segment(
                owner=owner,
                name=f"s{i}",
                sport="run",
                points=[[round(la, 6), round(ln, 6)] for la, ln in points],
                distance_m=400,
                start_cell=matching.cell(*points[0]),
            )
        )
    Segment.objects.bulk_create(rows, batch_size=2000)


def test_match_a_2_hour_run_against_10000_segments(benchmark, bench_medians):
    rng = random.Random(9)
    owner = UserFactory()
    _segments(owner, rng)
    activity = training.record_activity(
        owner=owner, activity=path_activity(_run_waypoints(), 3.0)
    ).activity
    streams = services._track(activity)
    assert len(streams["lat"]) == 7201
    candidates = Segment.objects.filter(
        start_cell__in=matching.track_cells(streams["lat"], streams["lng"]), sport="run"
    ).count()

    efforts = benchmark.pedantic(
        services.segment_efforts_recompute,
        kwargs={"activity": activity},
        rounds=5,
        iterations=1,
        warmup_rounds=1,
    )
    assert len(efforts) >= ON_PATH  # each lap passes the on-path segments
    assert SegmentEffort.objects.filter(activity=activity).count() == len(efforts)
    benchmark.extra_info.update({"candidates": candidates, "efforts": len(efforts)})
    if benchmark.stats is not None:
        bench_medians["segments"] = (benchmark.stats.stats.median, candidates, len(efforts))
