"""The largest FIT file we make: a 12-hour ride at 1 Hz (43,201 records) with every channel the
importer reads (position, altitude, heart rate, cadence, distance, speed, power, temperature),
written by the test FIT encoder (tests/devices/fitfile.py). Our import path (`parse_file`:
sniffing, fitdecode, normalisation to `NormalizedActivity`) against bare fitdecode on the same
bytes, twice: a loop that only counts the records, and one that also reads every field of each
record (the least any importer must do). Peak memory of each is measured once with tracemalloc
outside the timed rounds.

    .venv/bin/pytest bench/test_fit_large.py -p no:randomly --benchmark-only -q
"""

from __future__ import annotations

import io
import math
import tracemalloc

import fitdecode
import pytest

from apps.devices.parsers import parse_file
from tests.devices import fitfile
from tests.training.tracks import METRES_PER_DEGREE, START

HOURS = 12
RECORDS = HOURS * 3600 + 1
ROUNDS = 3

pytestmark = pytest.mark.benchmark(group=f"FIT import: {HOURS} h ride at 1 Hz, all channels")


def long_ride_fit(seconds: int = RECORDS - 1) -> bytes:
    """A long ride: 8 m/s north with rolling hills, a heart rate that drifts, power and
    cadence in intervals, the air warming through the day; a lap each hour."""
    w = fitfile.FitWriter()
    t0 = fitfile.fit_time(START)
    w.message(
        "file_id",
        type=fitfile.FILE_TYPES["activity"],
        manufacturer=1,
        product=3113,
        serial_number=3_900_001_234,
        time_created=t0,
    )
    lap_start = 0
    for i in range(seconds + 1):
        distance = 8.0 * i
        altitude = 400 + 150 * math.sin(i / 900)
        hard = (i // 600) % 2 == 1
        w.message(
            "record",
            timestamp=t0 + i,
            position_lat=fitfile.semicircles(48.0 + distance / METRES_PER_DEGREE),
            position_long=fitfile.semicircles(11.5 + 0.01 * math.sin(i / 1200)),
            altitude=round((altitude + 500) * 5),
            heart_rate=round(125 + 20 * hard + 10 * i / seconds),
            cadence=92 if hard else 84,
            distance=round(distance * 100),
            speed=8000,
            power=260 if hard else 180,
            temperature=round(12 + 10 * i / seconds),
        )
        if i and i % 3600 == 0:
            w.message(
                "lap",
                timestamp=t0 + i,
                start_time=t0 + lap_start,
                total_elapsed_time=(i - lap_start) * 1000,
                total_distance=round(8.0 * (i - lap_start) * 100),
            )
            lap_start = i
    w.message(
        "session",
        timestamp=t0 + seconds,
        start_time=t0,
        sport=fitfile.SPORTS["cycling"],
        sub_sport=0,
        total_elapsed_time=seconds * 1000,
        total_timer_time=seconds * 1000,
        total_distance=round(8.0 * seconds * 100),
    )
    return w.bytes()


@pytest.fixture(scope="module")
def ride() -> bytes:
    return long_ride_fit()


def fitdecode_count(data: bytes) -> int:
    count = 0
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                count += 1
    return count


def fitdecode_fields(data: bytes) -> int:
    count = 0
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                values = {f.name: f.value for f in frame.fields}
                count += values["timestamp"] is not None
    return count


def _peak_mib(func, data: bytes) -> float:
    tracemalloc.start()
    try:
        func(data)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _record(benchmark, bench_medians, key, func, data):
    benchmark.extra_info.update(
        size_bytes=len(data), records=RECORDS, peak_mib=round(_peak_mib(func, data), 1)
    )
    if benchmark.stats is not None:
        median = benchmark.stats.stats.median
        bench_medians[f"fit_large {key}"] = (median, benchmark.extra_info["peak_mib"])
        benchmark.extra_info["records_per_s"] = round(RECORDS / median)


def test_fit_large_bare_count(benchmark, bench_medians, ride):
    count = benchmark.pedantic(fitdecode_count, args=(ride,), rounds=ROUNDS, warmup_rounds=1)
    assert count == RECORDS
    _record(benchmark, bench_medians, "fitdecode (count records)", fitdecode_count, ride)


def test_fit_large_bare_fields(benchmark, bench_medians, ride):
    count = benchmark.pedantic(fitdecode_fields, args=(ride,), rounds=ROUNDS, warmup_rounds=1)
    assert count == RECORDS
    _record(benchmark, bench_medians, "fitdecode (read every field)", fitdecode_fields, ride)


def test_fit_large_import(benchmark, bench_medians, ride):
    activity = benchmark.pedantic(parse_file, args=(ride,), rounds=ROUNDS, warmup_rounds=1)
    assert len(activity.streams) == RECORDS
    assert activity.sport == "ride"
    assert sorted(activity.streams.present()) == sorted(
        [
            "time",
            "lat",
            "lng",
            "altitude",
            "heart_rate",
            "cadence",
            "power",
            "speed",
            "temperature",
            "distance",
        ]
    )
    assert len(activity.laps) == HOURS
    _record(benchmark, bench_medians, "parse_file (our import path)", parse_file, ride)
