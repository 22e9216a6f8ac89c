"""The figures computed from streams, checked against values worked out by hand."""

import pytest

from apps.training import metrics, streams
from tests.training.tracks import meridian_run


def _distance(s):
    return metrics.cumulative_distance(s.time, s.lat, s.lng)


def test_distance_along_a_meridian_is_speed_times_time():
    s = meridian_run(speed=3.0, seconds=3500)
    assert _distance(s)[-1] == pytest.approx(10_500.0, abs=0.01)


def test_standing_still_and_recording_gaps_are_not_moving_time():
    s = meridian_run(speed=3.0, seconds=1000, pause_at=400, pause_s=120, gap_at=700, gap_s=300)
    distance = _distance(s)

    assert s.time[-1] == 1000 + 120 + 300  # elapsed
    # 1000 s of running, less the one interval that spans the gap (it is 301 s long and holds
    # both the stop and one second of running; it cannot be split, so it counts as stopped).
    assert metrics.moving_time(s.time, distance, "run") == 999
    assert distance[-1] == pytest.approx(3000.0, abs=0.01)


def test_splits_per_km_and_a_partial_last_one():
    s = meridian_run(speed=3.0, seconds=3500)
    splits = metrics.splits(s.time, _distance(s), unit_m=metrics.KM, sport="run")

    assert len(splits) == 11
    assert all(sp.elapsed_s == pytest.approx(1000 / 3, abs=0.01) for sp in splits[:10])
    assert splits[-1].distance_m == pytest.approx(500.0, abs=0.01)
    assert splits[-1].elapsed_s == pytest.approx(500 / 3, abs=0.01)


def test_a_pause_lengthens_its_split_but_not_its_moving_time():
    s = meridian_run(speed=2.5, seconds=800, pause_at=500, pause_s=60)  # pause in km 2
    splits = metrics.splits(s.time, _distance(s), unit_m=metrics.KM, sport="run")

    assert splits[1].elapsed_s == pytest.approx(400 + 60, abs=0.01)
    assert splits[1].moving_s == pytest.approx(400, abs=0.01)


def test_splits_per_mile():
    s = meridian_run(speed=4.0, seconds=1000)  # 4 km
    splits = metrics.splits(s.time, _distance(s), unit_m=metrics.MILE, sport="run")

    assert [round(sp.distance_m, 1) for sp in splits] == [
        1609.3,
        1609.3,
        781.3,
    ]  # 4000 - 2 * 1609.344
    assert splits[0].elapsed_s == pytest.approx(1609.344 / 4, abs=0.01)


def test_best_efforts_of_an_even_run():
    s = meridian_run(speed=3.0, seconds=3500)
    efforts = {e.key: e for e in metrics.best_efforts(s.time, _distance(s))}

    assert set(efforts) == {"400m", "1k", "1mi", "5k", "10k"}  # no half marathon in 10.5 km
    assert efforts["400m"].elapsed_s == pytest.approx(400 / 3, abs=0.01)
    assert efforts["1mi"].elapsed_s == pytest.approx(1609.344 / 3, abs=0.01)
    assert efforts["10k"].elapsed_s == pytest.approx(10_000 / 3, abs=0.01)


def test_the_best_effort_is_the_fastest_stretch_not_the_first():
    slow = meridian_run(speed=2.0, seconds=500)  # 1 km slowly
    fast = meridian_run(speed=4.0, seconds=250, lat0=slow.lat[-1])  # then 1 km fast
    time = slow.time + [slow.time[-1] + t for t in fast.time[1:]]
    lat = slow.lat + fast.lat[1:]
    lng = slow.lng + fast.lng[1:]
    distance = metrics.cumulative_distance(time, lat, lng)

    efforts = {e.key: e for e in metrics.best_efforts(time, distance)}

    assert efforts["1k"].elapsed_s == pytest.approx(250, abs=0.01)
    assert efforts["1k"].start_s == pytest.approx(500, abs=0.01)
    assert efforts["400m"].elapsed_s == pytest.approx(100, abs=0.01)


def test_elevation_counts_whole_climbs_and_ignores_jitter():
    up = [i * 100 / 1000 for i in range(1001)]  # 0 -> 100 m
    down = [100 - i * 50 / 1000 for i in range(1, 1001)]  # -> 50 m
    gain, loss = metrics.elevation_gain_loss(up + down)
    assert gain == pytest.approx(100, abs=0.5)
    assert loss == pytest.approx(50, abs=0.5)

    jitter = [200 + (1.5 if i % 2 else -1.5) for i in range(2000)]  # ±1.5 m on the flat
    assert metrics.elevation_gain_loss(jitter) == (0.0, 0.0)


def test_time_in_heart_rate_zones():
    time = list(range(0, 601))
    hr = [114.0] * 300 + [171.0] * 301  # 60 % and 90 % of 190
    zones = metrics.time_in_zones(time, hr, 190, metrics.HR_ZONE_BOUNDS)
    assert zones == [0.0, 300.0, 0.0, 0.0, 300.0]


def test_trimp_of_an_hour_at_a_steady_heart_rate():
    time = list(range(0, 3601))
    hr = [150.0] * 3601
    x = (150 - 60) / (190 - 60)
    expected = 60 * x * 0.64 * 2.718281828459045 ** (1.92 * x)
    assert metrics.trimp(time, hr, rest_hr=60, max_hr=190) == pytest.approx(expected, rel=1e-6)


def test_streams_round_trip_compactly():
    s = meridian_run(seconds=7200)
    data = {"time": s.time, "lat": s.lat, "lng": s.lng, "heart_rate": s.heart_rate}
    data["heart_rate"][10] = None

    blob = streams.pack(data)
    back = streams.unpack(blob)

    assert back["heart_rate"][10] is None
    assert back["lat"][-1] == pytest.approx(s.lat[-1], abs=1e-7)
    assert back["time"] == s.time
    assert len(blob) < 7201 * 4 * 4 / 2  # well under half of four raw int32 streams


def test_downsampling_keeps_the_ends():
    assert metrics.downsample(10, 0) == list(range(10))
    picked = metrics.downsample(7201, 500)
    assert picked[0] == 0 and picked[-1] == 7200 and len(picked) == 500
