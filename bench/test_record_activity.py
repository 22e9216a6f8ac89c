"""record_activity on a 2-hour run at 1 Hz (7,200 samples with position, altitude and heart
rate), against merely parsing those arrays from JSON, as an upload or a provider's payload
arrives; and the peak memory of one recording (tracemalloc).

    make bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stride_bench make bench

Each round records into an empty table (the run is deleted between rounds, untimed), so the
duplicate check never short-cuts the work. The ratio recording / parsing is printed after the
run and stored in the benchmark's extra_info.
"""

import json
import math
import tracemalloc

import pytest

from apps.training import services
from apps.training.models import Activity
from tests.accounts.factories import UserFactory
from tests.training.tracks import meridian_run, run_activity

SECONDS = 7200
ROUNDS = 5

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.benchmark(group="record_activity: 2 h at 1 Hz"),
]


def _payload() -> str:
    altitude = [500 + 30 * math.sin(i / 600) for i in range(SECONDS + 1)]
    s = meridian_run(speed=3.2, seconds=SECONDS, altitude=altitude)
    return json.dumps(
        {
            "time": s.time,
            "lat": s.lat,
            "lng": s.lng,
            "altitude": s.altitude,
            "heart_rate": [140 + (i % 30) for i in range(len(s.time))],
        }
    )


def _activity(payload: str):
    data = json.loads(payload)
    streams = meridian_run(seconds=0)
    streams.time, streams.lat, streams.lng = data["time"], data["lat"], data["lng"]
    streams.altitude, streams.heart_rate = data["altitude"], data["heart_rate"]
    return run_activity(streams)


def test_parse_only(benchmark, bench_medians):
    payload = _payload()
    benchmark.pedantic(json.loads, args=(payload,), rounds=ROUNDS * 4, warmup_rounds=1)
    if benchmark.stats is not None:
        bench_medians["parse"] = benchmark.stats.stats.median


def test_record_activity(benchmark, bench_medians):
    payload = _payload()
    owner = UserFactory()

    def setup():
        Activity.objects.filter(owner=owner).delete()
        return (), {}

    def record():
        recorded = services.record_activity(owner=owner, activity=_activity(payload))
        assert recorded.created

    benchmark.pedantic(record, setup=setup, rounds=ROUNDS, warmup_rounds=1)

    Activity.objects.filter(owner=owner).delete()
    tracemalloc.start()
    record()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    activity = Activity.objects.get(owner=owner)
    assert activity.distance_m == pytest.approx(3.2 * SECONDS, abs=1)
    benchmark.extra_info.update({"samples": SECONDS + 1, "peak_memory_mb": round(peak / 2**20, 1)})
    if benchmark.stats is not None:
        bench_medians["record"] = benchmark.stats.stats.median
        bench_medians["record_peak_mb"] = peak / 2**20
