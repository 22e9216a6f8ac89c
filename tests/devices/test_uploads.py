"""Uploads become activities through one path: done, duplicate of an activity, or failed with
a reason a person understands; archives give one upload per file with partial success."""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.utils import timezone

from apps.devices import archives, selectors, services
from apps.devices.exceptions import EmptyFile, FileTooLarge, failure_message
from apps.devices.models import Upload
from apps.training.models import Activity
from tests.devices import fitfile
from tests.devices.files import fit_run, gpx_run, gz, run_streams, tcx_run, zipped
from tests.training.tracks import START

pytestmark = pytest.mark.django_db
S = Upload.Status


def test_a_fit_file_becomes_an_activity_with_hand_computed_figures(upload, user):
    up = upload(fit_run(), "morning.fit")

    assert up.status == S.DONE
    assert up.attempts == 1
    assert up.original_name == "morning.fit"
    assert up.file.read() == fit_run()  # the original is kept
    a = up.activity
    assert a.owner == user
    assert a.sport == "run"
    assert a.start_time == START
    assert a.source == "file"
    assert a.external_id == f"fit:3900000001:{int(START.timestamp())}"
    assert a.elapsed_s == 600
    assert a.moving_s == 600
    assert a.distance_m == pytest.approx(1800, abs=0.5)  # 600 s at 3 m/s along a meridian
    assert a.avg_heart_rate == 150
    assert a.avg_cadence == 170


def test_the_same_run_as_fit_gpx_and_tcx_is_one_activity(upload):
    first = upload(fit_run(), "run.fit")
    second = upload(gz(gpx_run()), "run.gpx.gz")
    third = upload(tcx_run(), "run.tcx")

    assert first.status == S.DONE
    assert (second.status, second.duplicate_of) == (S.DUPLICATE, first.activity)
    assert (third.status, third.duplicate_of) == (S.DUPLICATE, first.activity)
    assert Activity.objects.count() == 1


def test_the_same_file_twice_is_a_duplicate(upload):
    first = upload(gpx_run())
    again = upload(gpx_run())
    assert again.status == S.DUPLICATE
    assert again.duplicate_of == first.activity


def test_a_truncated_file_fails_with_a_reason(upload):
    data = fit_run()
    up = upload(data[: len(data) // 2], "cut.fit")
    assert up.status == S.FAILED
    assert up.reason_code == "UNREADABLE_FILE"
    assert failure_message(up.reason_code) == (
        "The file is damaged or is not a FIT, GPX or TCX file, so it could not be read."
    )
    assert up.activity is None
    assert up.finished is not None


def test_a_settings_file_says_it_holds_no_workout(upload):
    up = upload(fitfile.settings_fit(), "Settings.fit")
    assert (up.status, up.reason_code, up.reason_detail) == (S.FAILED, "NO_ACTIVITY", "settings")
    assert failure_message(up.reason_code, up.reason_detail) == (
        "The file holds no recorded workout: it holds device settings."
    )


def test_a_wrong_extension_is_read_by_its_content(upload):
    assert upload(gpx_run(), "run.fit").status == S.DONE


def test_a_picture_is_not_a_workout(upload):
    up = upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "photo.fit")
    assert (up.status, up.reason_code) == (S.FAILED, "UNSUPPORTED_FILE")


def test_an_implausible_workout_fails_instead_of_crashing(upload):
    future = timezone.now() + timedelta(days=3)  # a run that starts in three days
    st = run_streams(60)
    data = fitfile.activity_fit(start=future.replace(microsecond=0), lat=st.lat, lng=st.lng)
    up = upload(data)
    assert (up.status, up.reason_code) == (S.FAILED, "IMPLAUSIBLE_ACTIVITY")


def test_empty_and_too_large_files_are_refused_before_being_stored(user, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(EmptyFile):
        services.upload_file(owner=user, file=SimpleUploadedFile("a.fit", b""))
    with pytest.raises(FileTooLarge):
        services.upload_file(owner=user, file=SimpleUploadedFile("a.fit", fit_run()))
    result = services.upload_files(
        owner=user,
        files=[SimpleUploadedFile("a.fit", b""), SimpleUploadedFile("b.gpx", b"<gpx/>")],
    )
    assert [u.original_name for u in result.uploads] == ["b.gpx"]
    assert result.rejected == [("a.fit", "The file is empty.")]
    assert Upload.objects.count() == 1


def test_a_crash_in_processing_fails_the_job_with_a_reason(upload, monkeypatch):
    def boom(data):
        raise RuntimeError("bug")

    monkeypatch.setattr("apps.devices.parsers.parse_file", boom)
    up = upload(fit_run())
    assert (up.status, up.reason_code) == (S.FAILED, "INTERNAL_ERROR")


def test_a_job_over_its_time_limit_fails_with_a_reason(upload, monkeypatch):
    def slow(data):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("apps.devices.parsers.parse_file", slow)
    up = upload(fit_run())
    assert (up.status, up.reason_code) == (S.FAILED, "TIMED_OUT")
    assert failure_message("TIMED_OUT") == "Reading the file took too long."


def test_a_transient_error_puts_the_job_back_in_the_queue(user, monkeypatch):
    up = Upload.objects.create(owner=user, original_name="a.fit", size=1, sha256="x")
    up.file.save("a.fit", SimpleUploadedFile("a.fit", fit_run()))

    def flaky(data):
        raise OperationalError("connection lost")

    monkeypatch.setattr("apps.devices.parsers.parse_file", flaky)
    with pytest.raises(OperationalError):
        services.upload_process(upload_id=up.pk)
    up.refresh_from_db()
    assert (up.status, up.attempts) == (S.QUEUED, 1)


def test_a_job_runs_once_even_when_delivered_twice(upload):
    up = upload(fit_run())
    services.upload_process(upload_id=up.pk)  # redelivered: not queued any more
    up.refresh_from_db()
    assert (up.status, up.attempts) == (S.DONE, 1)
    assert Activity.objects.count() == 1


def test_stuck_jobs_are_queued_again_then_failed(user, django_capture_on_commit_callbacks):
    old = timezone.now() - timedelta(hours=1)
    stuck = Upload.objects.create(
        owner=user,
        original_name="a.fit",
        size=1,
        sha256="x",
        status=S.PROCESSING,
        started=old,
        attempts=1,
    )
    stuck.file.save("a.fit", SimpleUploadedFile("a.fit", fit_run()))
    hopeless = Upload.objects.create(
        owner=user,
        original_name="b.fit",
        size=1,
        sha256="x",
        status=S.PROCESSING,
        started=old,
        attempts=services.MAX_ATTEMPTS,
    )
    recent = Upload.objects.create(
        owner=user,
        original_name="c.fit",
        size=1,
        sha256="x",
        status=S.PROCESSING,
        started=timezone.now(),
        attempts=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.uploads_requeue_stuck() == 2

    stuck.refresh_from_db()
    hopeless.refresh_from_db()
    recent.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (S.DONE, 2)
    assert (hopeless.status, hopeless.reason_code) == (S.FAILED, "TIMED_OUT")
    assert recent.status == S.PROCESSING


def test_reprocess_runs_a_finished_file_again(upload, django_capture_on_commit_callbacks):
    up = upload(fit_run())
    up.activity.delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.upload_reprocess(upload=up)
    up.refresh_from_db()
    assert up.status == S.DONE
    assert up.activity is not None


def _strava_export() -> bytes:
    csv = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Filename\n"
        '1,"Jun 1, 2026, 6:30:00 AM",Hill reps,Trail Run,activities/1.fit.gz\n'
        '2,"Jun 2, 2026, 6:30:00 AM",Commute,Ride,activities/2.gpx.gz\n'
        '3,"Jun 3, 2026, 6:30:00 AM",Easy,Run,activities/3.tcx.gz\n'
        '4,"Jun 4, 2026, 6:30:00 AM",Broken,Run,activities/4.fit.gz\n'
    )
    day = timedelta(days=1)
    st = run_streams(300)
    return zipped(
        {
            "activities.csv": csv.encode(),
            "activities/1.fit.gz": gz(fit_run(300)),
            "activities/2.gpx.gz": gz(gpx_run(300).replace(b"2026-06-01", b"2026-06-02")),
            "activities/3.tcx.gz": gz(tcx_run(300).replace(b"2026-06-01", b"2026-06-03")),
            "activities/4.fit.gz": gz(
                fitfile.activity_fit(start=START + 3 * day, lat=st.lat, lng=st.lng)[:200]
            ),
            "profile.csv": b"name\nme\n",
            "routes/123.gpx": gpx_run(10),  # a saved route, not an activity: not imported
        }
    )


def test_a_strava_export_imports_three_and_reports_one(upload, user):
    archive = upload(_strava_export(), "export_123.zip")

    assert (archive.kind, archive.status) == (Upload.Kind.ARCHIVE, S.DONE)
    children = {c.original_name: c for c in archive.children.all()}
    assert {n: c.status for n, c in children.items()} == {
        "1.fit.gz": S.DONE,
        "2.gpx.gz": S.DONE,
        "3.tcx.gz": S.DONE,
        "4.fit.gz": S.FAILED,
    }
    assert children["4.fit.gz"].reason_code == "UNREADABLE_FILE"
    assert children["1.fit.gz"].activity.sport == "trail_run"  # from the CSV, not the file
    assert children["1.fit.gz"].activity.title == "Hill reps"
    assert children["2.gpx.gz"].activity.sport == "ride"
    summary = selectors.upload_get(owner=user, upload_id=archive.pk)
    assert (summary.files_total, summary.files_done, summary.files_failed) == (4, 3, 1)


def test_a_garmin_export_with_nested_zips(upload):
    inner = zipped({"123_ACTIVITY.fit": fit_run(120), "456_SETTINGS.fit": fitfile.settings_fit()})
    archive = upload(zipped({"DI_CONNECT/DI-Connect-Uploaded-Files/Part1.zip": inner}))
    statuses = sorted((c.original_name, c.status) for c in archive.children.all())
    assert statuses == [("123_ACTIVITY.fit", S.DONE), ("456_SETTINGS.fit", S.FAILED)]


def test_a_zip_bomb_is_refused_from_its_declared_sizes(upload, settings):
    settings.UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024
    bomb = zipped({f"{i}.fit": b"\0" * (4 * 1024 * 1024) for i in range(4)})  # 16 MB
    assert len(bomb) < 100 * 1024
    archive = upload(bomb, "bomb.zip")
    assert (archive.status, archive.reason_code) == (S.FAILED, "ARCHIVE_REJECTED")
    assert archive.children.count() == 0


def test_too_many_files_and_too_deep_nesting_are_refused(settings):
    settings.UPLOAD_ARCHIVE_MAX_FILES = 3
    with pytest.raises(archives.ArchiveRejected):
        list(archives.workout_files(zipped({f"{i}.fit": b"x" for i in range(4)})))
    deep = zipped({"a.zip": zipped({"b.zip": zipped({"c.zip": zipped({"d.fit": b"x"})})})})
    with pytest.raises(archives.ArchiveRejected):
        list(archives.workout_files(deep))


def test_an_archive_without_workouts_fails_with_a_reason(upload):
    archive = upload(zipped({"readme.txt": b"hi"}), "export.zip")
    assert (archive.status, archive.reason_code) == (S.FAILED, "ARCHIVE_REJECTED")


def test_a_damaged_archive_fails(upload):
    archive = upload(zipped({"a.fit": fit_run(10)})[:-30], "export.zip")
    assert (archive.status, archive.reason_code) == (S.FAILED, "ARCHIVE_REJECTED")


def test_an_archive_that_fails_halfway_keeps_no_files(upload, monkeypatch):
    from django.core.files.storage import default_storage

    saved = []
    real_save = default_storage.save

    def spy(name, content, max_length=None):
        saved.append(real_save(name, content, max_length=max_length))
        return saved[-1]

    def entries(data):
        yield archives.Entry("a.fit", fit_run(60))
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(default_storage, "save", spy)
    monkeypatch.setattr(archives, "workout_files", entries)
    archive = upload(zipped({"a.fit": b"x"}), "export.zip")

    assert (archive.status, archive.reason_code) == (S.FAILED, "TIMED_OUT")
    assert archive.children.count() == 0
    child_files = [name for name in saved if name != archive.file.name]
    assert len(child_files) == 1
    assert not default_storage.exists(child_files[0])
