"""FIT, GPX and TCX of the same run give the same samples; hostile and non-activity files fail
with their own error and a reason a person understands."""

import pytest

from apps.devices.exceptions import (
    EmptyFile,
    FileTooLarge,
    NoActivityInFile,
    UnreadableFile,
    UnsupportedFile,
)
from apps.devices.parsers import parse_file, sports
from apps.devices.parsers.tcx import parse_time
from tests.devices import fitfile
from tests.devices.files import (
    BILLION_LAUGHS,
    SECONDS,
    fit_run,
    gpx_run,
    gz,
    run_streams,
    tcx_run,
)
from tests.training.tracks import START

SAME_RUN = {"fit": fit_run, "gpx": gpx_run, "tcx": tcx_run}


@pytest.mark.parametrize("fmt", ["fit", "gpx", "tcx"])
@pytest.mark.parametrize("compressed", [False, True])
def test_the_same_run_in_every_format(fmt, compressed):
    data = SAME_RUN[fmt]()
    activity = parse_file(gz(data) if compressed else data)

    expected = run_streams()
    s = activity.streams
    assert activity.sport == "run"
    assert activity.source == "file"
    assert activity.start_time == START
    assert s.time == [float(i) for i in range(SECONDS + 1)]
    # FIT stores semicircles (2^31 per 180°): within 1e-7 degrees (~1 cm)
    assert max(abs(a - b) for a, b in zip(s.lat, expected.lat, strict=True)) < 1e-7
    assert s.lng[0] == pytest.approx(11.5, abs=1e-7)
    assert set(s.heart_rate) == {150.0}
    assert set(s.cadence) == {170.0}  # 85 strides a minute (one leg) are 170 steps


def test_gpx_track_point_extension_and_names():
    activity = parse_file(gpx_run())
    assert activity.title == "Morning run"
    assert activity.device_name == "Garmin Connect"
    assert set(activity.streams.temperature) == {12.0}
    assert set(activity.streams.altitude) == {500.0}


def test_gpx_1_0_is_read():
    activity = parse_file(gpx_run(60, version="1.0"))
    assert len(activity.streams) == 61


def test_fit_external_id_is_its_serial_and_creation_time():
    assert parse_file(fit_run()).external_id == f"fit:3900000001:{int(START.timestamp())}"
    assert parse_file(fit_run()).device_name == "garmin fr945"


def test_text_files_are_identified_by_content_hash_compressed_or_not():
    assert parse_file(gpx_run()).external_id == parse_file(gz(gpx_run())).external_id
    assert parse_file(gpx_run()).external_id.startswith("sha256:")


def test_tcx_naive_and_offset_timestamps_are_utc():
    assert parse_file(tcx_run(naive=True)).start_time == START
    assert parse_file(tcx_run(offset="+02:00")).start_time == START
    assert parse_time("2026-06-01T08:30:00+02:00") == START
    assert parse_time("2026-06-01T06:30:00") == START
    assert parse_time("not a time") is None


@pytest.mark.parametrize(
    ("sport", "sub", "expected"),
    [
        ("running", "generic", "run"),
        ("running", "trail", "trail_run"),
        ("cycling", "generic", "ride"),
        ("walking", "generic", "walk"),
        ("hiking", "generic", "hike"),
        ("swimming", "generic", "swim"),
        ("training", "strength_training", "strength"),
        ("training", "yoga", "yoga"),
        ("generic", "generic", "other"),
    ],
)
def test_fit_sports(sport, sub, expected):
    s = run_streams(60)
    data = fitfile.activity_fit(start=START, lat=s.lat, lng=s.lng, sport=sport, sub_sport=sub)
    assert parse_file(data).sport == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("running", "run"),
        ("Run", "run"),
        ("Trail Run", "trail_run"),
        ("Biking", "ride"),
        ("VirtualRide", "ride"),
        ("Walk", "walk"),
        ("hiking", "hike"),
        ("Swim", "swim"),
        ("Yoga", "yoga"),
        ("Weight Training", "strength"),
        ("9", "run"),
        ("Other", "other"),
        ("", "other"),
    ],
)
def test_text_sports(text, expected):
    assert sports.from_text(text) == expected


def test_a_truncated_fit_file_is_unreadable():
    data = fit_run()
    with pytest.raises(UnreadableFile) as error:
        parse_file(data[: len(data) // 2])
    assert "damaged or incomplete" in error.value.message


def test_a_fit_file_with_a_wrong_crc_is_still_read():
    data = bytearray(fit_run())
    data[-1] ^= 0xFF
    assert len(parse_file(bytes(data)).streams) == SECONDS + 1


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (fitfile.settings_fit(), "device settings"),
        (fitfile.weight_fit(), "weight scale"),
        (fitfile.workout_fit(), "workout plan"),
    ],
)
def test_fit_files_without_a_workout_say_what_they_hold(data, says):
    with pytest.raises(NoActivityInFile) as error:
        parse_file(data)
    assert says in error.value.message


def test_a_gpx_route_without_times_is_not_a_workout():
    data = gpx_run(10).replace(b"<time>", b"<!-- ").replace(b"</time>", b" -->")
    with pytest.raises(NoActivityInFile) as error:
        parse_file(data)
    assert "course" in error.value.message


def test_a_tcx_workout_definition_is_not_a_workout():
    data = (
        b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        b'TrainingCenterDatabase/v2"><Workouts><Workout Sport="Running"/></Workouts>'
        b"</TrainingCenterDatabase>"
    )
    with pytest.raises(NoActivityInFile) as error:
        parse_file(data)
    assert "workout plan" in error.value.message


@pytest.mark.parametrize("tag", [b"gpx", b"TrainingCenterDatabase"])
def test_xml_entity_bombs_are_refused(tag):
    data = BILLION_LAUGHS if tag == b"gpx" else BILLION_LAUGHS.replace(b"<gpx", b"<" + tag)
    with pytest.raises(UnreadableFile) as error:
        parse_file(data)
    assert "entities" in error.value.message


def test_a_gzip_bomb_stops_at_the_uncompressed_limit(settings):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    with pytest.raises(FileTooLarge):
        parse_file(gz(b"<gpx " + b" " * (8 * 1024 * 1024)))


def test_a_damaged_gzip_is_unreadable():
    with pytest.raises(UnreadableFile):
        parse_file(gz(gpx_run(10))[:-40])


@pytest.mark.parametrize(
    "data", [b"\x89PNG\r\n\x1a\n" + b"\0" * 100, b"hello, world", b"<html></html>"]
)
def test_other_files_are_unsupported(data):
    with pytest.raises(UnsupportedFile):
        parse_file(data)


def test_an_empty_file():
    with pytest.raises(EmptyFile):
        parse_file(b"")
    with pytest.raises(EmptyFile):
        parse_file(gz(b""))


def test_broken_xml_is_unreadable():
    with pytest.raises(UnreadableFile):
        parse_file(gpx_run(10)[:-100])
    with pytest.raises(UnreadableFile):
        parse_file(tcx_run(10)[:-100])
