"""The same workout from several places through the devices pipeline: files, platforms and the
phone each become a source of one activity; a heart-rate strap's file adds its channel to a GPS
watch's track; deleting at one platform removes only that platform's source."""

from datetime import timedelta

import pytest

from apps.devices import services
from apps.devices.models import Upload
from apps.training.models import Activity, ActivitySource
from tests.devices import fitfile
from tests.devices.files import fit_run, gpx_run, gz, tcx_run
from tests.training.tracks import START

pytestmark = pytest.mark.django_db
S = Upload.Status


def strap_fit(*, seconds: int = 600, offset_s: int = 3) -> bytes:
    """A chest strap's FIT file: heart rate only (140, then 160 after five minutes)."""
    w = fitfile.FitWriter()
    t0 = fitfile.fit_time(START) + offset_s
    w.message(
        "file_id",
        type=fitfile.FILE_TYPES["activity"],
        manufacturer=1,
        product=9,
        serial_number=3_900_000_777,
        time_created=t0,
    )
    for i in range(seconds + 1):
        w.message("record", timestamp=t0 + i, heart_rate=140 if i < 300 else 160)
    w.message(
        "session",
        timestamp=t0 + seconds,
        start_time=t0,
        sport=1,
        sub_sport=0,
        total_elapsed_time=seconds * 1000,
        total_timer_time=seconds * 1000,
    )
    return w.bytes()


def sources(activity) -> list[tuple]:
    return [
        (s.provider or s.kind, s.is_primary, s.channels, s.contributed)
        for s in ActivitySource.objects.filter(activity=activity).order_by("received_at", "pk")
    ]


def test_a_strap_file_adds_heart_rate_to_a_gps_watch_file(upload):
    watch = upload(fit_run(heart_rate=None, cadence=None), "watch.fit")
    assert watch.activity.avg_heart_rate is None

    strap = upload(strap_fit(), "strap.fit")

    assert (strap.status, strap.duplicate_of) == (S.DUPLICATE, watch.activity)
    activity = Activity.objects.get()
    assert sources(activity) == [
        ("file", True, ["lat", "lng"], ["lat", "lng"]),
        ("file", False, ["heart_rate"], ["heart_rate"]),
    ]
    assert activity.external_id == f"fit:3900000001:{int(START.timestamp())}"  # the watch's
    assert activity.distance_m == pytest.approx(1800, abs=0.5)  # the watch's track
    # The strap started 3 s later: 297 s at 140 and 300 s at 160 within the watch's 600 s,
    # the first 3 s matched to the strap's first sample (140) within the tolerance.
    assert activity.max_heart_rate == 160
    assert activity.avg_heart_rate == 150


def test_the_same_run_as_fit_gpx_and_tcx_keeps_every_file_and_the_most_complete_leads(upload):
    fit = upload(fit_run(), "run.fit")
    upload(gz(gpx_run()), "run.gpx.gz")
    upload(tcx_run(), "run.tcx")

    kept = ActivitySource.objects.filter(activity=fit.activity).order_by("pk")
    # The GPX brought altitude and temperature besides what the others have: it leads, and
    # nothing is left to merge in from the FIT or the TCX.
    assert [(s.external_id.split(":")[0], s.is_primary, len(s.channels)) for s in kept] == [
        ("fit", False, 4),
        ("sha256", True, 6),
        ("sha256", False, 5),
    ]
    activity = Activity.objects.get()
    assert activity.external_id == kept[1].external_id
    assert activity.elevation_gain_m is not None
    assert [s.contributed for s in kept] == [[], kept[1].channels, []]


def test_a_reprocessed_file_is_done_again_with_its_own_activity(
    upload, django_capture_on_commit_callbacks
):
    first = upload(fit_run())
    again = upload(fit_run())
    assert again.status == S.DUPLICATE

    with django_capture_on_commit_callbacks(execute=True):
        services.upload_reprocess(upload=first)

    first.refresh_from_db()
    assert (first.status, first.activity_id) == (S.DONE, again.duplicate_of_id)
    assert ActivitySource.objects.count() == 1


def test_deleted_on_the_phone_removes_only_the_phone_source(token_client, upload, user):
    from tests.devices.test_health_batches import URL, _run

    watch = upload(fit_run(), "watch.fit")
    phone = token_client(user).post(
        URL,
        {"platform": "health_connect", "workouts": [_run("hc-1", START + timedelta(seconds=1))]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="p1",
    )
    assert phone.json()["workouts"][0]["status"] == "duplicate"
    assert len(sources(watch.activity)) == 2

    deleted = token_client(user).post(
        URL,
        {"platform": "health_connect", "workouts": [], "deleted": ["hc-1"]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="p2",
    )

    assert deleted.json()["deleted"] == [
        {"id": "hc-1", "status": "deleted", "activity_id": watch.activity.pk, "reason": ""}
    ]
    assert sources(watch.activity) == [
        (
            "file",
            True,
            ["lat", "lng", "heart_rate", "cadence"],
            ["lat", "lng", "heart_rate", "cadence"],
        )
    ]
    assert Activity.objects.get().pk == watch.activity.pk
