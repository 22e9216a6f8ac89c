"""GDPR: the export holds my uploads and their original files; erasure removes rows and files."""

import pytest
from django.core.files.storage import default_storage

from apps.core import personal_data
from apps.devices.models import Upload
from tests.devices.files import fit_run

pytestmark = pytest.mark.django_db


def test_export_has_the_metadata_and_the_original_file(upload, user, other_user):
    mine = upload(fit_run(), "morning.fit")
    upload(fit_run(60), "theirs.fit", owner=other_user)

    part = personal_data.exporters()["devices"](user.pk)

    assert [u["name"] for u in part.data["uploads"]] == ["morning.fit"]
    entry = part.data["uploads"][0]
    assert (entry["status"], entry["activity"]) == ("done", mine.activity_id)
    assert entry["file"] == f"files/devices/uploads/{mine.pk}/morning.fit"
    assert [f.arcname for f in part.files] == [f"devices/uploads/{mine.pk}/morning.fit"]
    assert part.files[0].read() == fit_run()


def test_erasure_removes_rows_and_files(
    upload, user, other_user, django_capture_on_commit_callbacks
):
    mine = upload(fit_run(), "morning.fit")
    theirs = upload(fit_run(60), "theirs.fit", owner=other_user)
    erase = dict(personal_data.erasers())["devices"]

    with django_capture_on_commit_callbacks(execute=True):
        erase(user.pk)

    assert not Upload.objects.filter(owner=user).exists()
    assert not default_storage.exists(mine.file.name)
    assert default_storage.exists(theirs.file.name)
    assert Upload.objects.filter(owner=other_user).count() == 1


def _export(user, capture) -> bytes:
    from apps.accounts import services as accounts_services
    from apps.accounts.models import DataExport

    with capture(execute=True):
        accounts_services.data_export_request(user=user)
    with DataExport.objects.get(user=user).file.open("rb") as f:
        return f.read()


def _import(user, archive: bytes, capture):
    from apps.accounts import services as accounts_services
    from tests.accounts.archives import archive_upload

    with capture(execute=True):
        done = accounts_services.data_import_request(user=user, upload=archive_upload(archive))
    done.refresh_from_db()
    return done


def test_an_import_into_another_stride_brings_the_original_files_back(
    upload, user, django_capture_on_commit_callbacks
):
    from apps.training import services as training_services
    from apps.training.models import Activity, ActivitySource
    from tests.accounts.factories import UserFactory
    from tests.devices.files import gpx_run

    watch = upload(fit_run(), "morning.fit")
    second = upload(gpx_run(), "phone.gpx")  # the same run: a second source
    training_services.update_activity(activity=watch.activity, title="Renamed by me")
    archive = _export(user, django_capture_on_commit_callbacks)
    new = UserFactory()

    done = _import(new, archive, django_capture_on_commit_callbacks)
    again = _import(new, archive, django_capture_on_commit_callbacks)

    assert done.status == "done", done.error
    assert done.summary["devices"] == {"uploads": 2, "already_here": 0, "skipped": 0}
    assert again.summary["devices"] == {"uploads": 0, "already_here": 2, "skipped": 0}
    restored = list(Upload.objects.filter(owner=new).order_by("pk"))
    assert [(u.original_name, u.sha256) for u in restored] == [
        ("morning.fit", watch.sha256),
        ("phone.gpx", second.sha256),
    ]
    assert restored[0].file.read() == fit_run()
    activity = Activity.objects.get(owner=new)
    assert activity.title == "Renamed by me"  # the figures the export held, as corrected
    # The GPX (more channels) was the primary source, so the export's activity is the GPX's:
    # that file is its own again, and the FIT joins it as its second source.
    assert activity.external_id == f"sha256:{second.sha256}"
    assert (restored[1].status, restored[1].activity_id) == ("done", activity.pk)
    assert (restored[0].status, restored[0].duplicate_of_id) == ("duplicate", activity.pk)
    assert ActivitySource.objects.filter(activity=activity).count() == 2


def test_an_import_takes_no_archive_no_oversized_and_no_missing_file(
    user, settings, django_capture_on_commit_callbacks
):
    import io
    import zipfile

    from apps.core.personal_data import ArchiveFiles, importers
    from tests.accounts.archives import archive_bytes

    settings.UPLOAD_MAX_BYTES = 1000
    small, big = b"x" * 10, fit_run()
    content = archive_bytes(
        {"devices": {}},
        files={
            "devices/uploads/1/a.zip": b"PK\x03\x04" + b"0" * 20,
            "devices/uploads/2/big.fit": big,
            "devices/uploads/3/small.gpx": small,
        },
    )
    entries = [
        {"kind": "archive", "name": "a.zip", "file": "files/devices/uploads/1/a.zip"},
        {"kind": "file", "name": "big.fit", "file": "files/devices/uploads/2/big.fit"},
        {"kind": "file", "name": "gone.fit", "file": "files/devices/uploads/9/gone.fit"},
        {"kind": "file", "name": "kept-no-file.fit"},
        {"kind": "file", "name": "../../small.gpx", "file": "files/devices/uploads/3/small.gpx"},
        "not an entry",
    ]
    files = ArchiveFiles(zipfile.ZipFile(io.BytesIO(content)), max_bytes=10**6)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        summary = importers()["devices"](user.pk, {"uploads": entries}, files)

    assert summary == {"uploads": 1, "already_here": 0, "skipped": 2}
    kept = Upload.objects.get(owner=user)
    assert (kept.original_name, kept.size, kept.status) == (".._.._small.gpx", 10, "queued")
    assert len(queued) == 1  # processed after the import commits
