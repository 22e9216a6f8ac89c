"""Parsing one 2-hour run at 1 Hz (7,201 points with position, altitude, heart rate and cadence)
from each file format the import reads, and gpxpy's two XML back ends.

gpxpy imports lxml when it can and falls back to ElementTree otherwise; lxml is not among our
dependencies, so the default is ElementTree. To measure both:

    make bench                                   # ElementTree (lxml case skipped)
    .venv/bin/pip install --target /tmp/lxmlpkg lxml
    PYTHONPATH=/tmp/lxmlpkg .venv/bin/pytest bench/test_file_import.py -p no:randomly \
        --benchmark-only -q                      # both

Each back end is chosen by reloading gpxpy.parser with lxml hidden or present; `parse_file`
(our whole path: sniffing, gzip, the parser, normalisation) is measured beside the bare parser.
"""

import importlib
import math
import sys

import gpxpy
import gpxpy.parser
import pytest

from apps.devices.parsers import parse_file
from tests.devices import fitfile
from tests.devices.files import gpx_run, gz, tcx_run
from tests.training.tracks import START, meridian_run

SECONDS = 7200
ROUNDS = 5

pytestmark = pytest.mark.benchmark(group="file import: 2 h at 1 Hz")


def _fit() -> bytes:
    altitude = [500 + 30 * math.sin(i / 600) for i in range(SECONDS + 1)]
    s = meridian_run(speed=3.2, seconds=SECONDS)
    return fitfile.activity_fit(start=START, lat=s.lat, lng=s.lng, altitude=altitude)


@pytest.fixture
def xml_backend(request):
    """Reload gpxpy.parser with lxml hidden ("etree") or required ("lxml"); restore after."""
    saved = sys.modules.get("lxml", ...)
    if request.param == "etree":
        sys.modules["lxml"] = None  # makes `import lxml.etree` fail
    else:
        pytest.importorskip("lxml.etree")
    importlib.reload(gpxpy.parser)
    used = "lxml" if "lxml" in str(gpxpy.parser.mod_etree) else "ElementTree"
    yield used
    if saved is ...:
        sys.modules.pop("lxml", None)
    else:
        sys.modules["lxml"] = saved
    importlib.reload(gpxpy.parser)


def _record(benchmark, bench_medians, key, **info):
    benchmark.extra_info.update(info)
    if benchmark.stats is not None:
        bench_medians[key] = benchmark.stats.stats.median


@pytest.mark.parametrize("xml_backend", ["etree", "lxml"], indirect=True)
def test_gpxpy_bare(benchmark, bench_medians, xml_backend):
    assert xml_backend == ("ElementTree" if "etree" in benchmark.name else "lxml")
    text = gpx_run(SECONDS).decode()
    gpx = benchmark.pedantic(gpxpy.parse, args=(text,), rounds=ROUNDS, warmup_rounds=1)
    assert len(gpx.tracks[0].segments[0].points) == SECONDS + 1
    _record(benchmark, bench_medians, f"gpxpy_{xml_backend}", backend=xml_backend)


@pytest.mark.parametrize("xml_backend", ["etree", "lxml"], indirect=True)
def test_gpx_import(benchmark, bench_medians, xml_backend):
    data = gpx_run(SECONDS)
    activity = benchmark.pedantic(parse_file, args=(data,), rounds=ROUNDS, warmup_rounds=1)
    assert len(activity.streams) == SECONDS + 1
    _record(benchmark, bench_medians, f"gpx_{xml_backend}", backend=xml_backend)


def test_gpx_gz_import(benchmark, bench_medians):
    data = gz(gpx_run(SECONDS))
    activity = benchmark.pedantic(parse_file, args=(data,), rounds=ROUNDS, warmup_rounds=1)
    assert len(activity.streams) == SECONDS + 1
    _record(benchmark, bench_medians, "gpx_gz")


def test_tcx_import(benchmark, bench_medians):
    data = tcx_run(SECONDS)
    activity = benchmark.pedantic(parse_file, args=(data,), rounds=ROUNDS, warmup_rounds=1)
    assert len(activity.streams) == SECONDS + 1
    _record(benchmark, bench_medians, "tcx")


def test_fit_import(benchmark, bench_medians):
    data = _fit()
    activity = benchmark.pedantic(parse_file, args=(data,), rounds=ROUNDS, warmup_rounds=1)
    assert len(activity.streams) == SECONDS + 1
    _record(benchmark, bench_medians, "fit", size_bytes=len(data))


def _fitdecode_all(data: bytes) -> int:
    import io

    import fitdecode

    count = 0
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                count += 1
    return count


def test_fitdecode_bare(benchmark, bench_medians):
    data = _fit()
    count = benchmark.pedantic(_fitdecode_all, args=(data,), rounds=ROUNDS, warmup_rounds=1)
    assert count == SECONDS + 1
    _record(benchmark, bench_medians, "fitdecode", size_bytes=len(data))
