"""The import through the real stack: PostgreSQL, the Redis broker and a `celery worker` process
on the "sync" queue, files shared on disk. Skipped without the services (see tests/conftest)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.devices import services
from apps.devices.models import Upload
from tests.accounts.factories import UserFactory
from tests.core.test_real_stack import celery_worker_process  # noqa: F401 - the fixture
from tests.devices import fitfile
from tests.devices.files import fit_run, gpx_run, zipped

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("real_services")]


@pytest.fixture
def shared_media(tmp_path, monkeypatch, settings):
    """Files on disk, seen by this process and by the worker it starts."""
    monkeypatch.setenv("TEST_MEDIA_ROOT", str(tmp_path))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def _settled(upload_ids, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = list(Upload.objects.filter(pk__in=upload_ids))
        if rows and all(r.status not in ("queued", "processing") for r in rows):
            return {r.original_name: r for r in rows}
        time.sleep(0.3)
    pytest.fail("the uploads were not processed by the worker in time")


def test_files_and_an_archive_through_a_real_worker(shared_media, celery_worker_process):  # noqa: F811
    owner = UserFactory()
    result = services.upload_files(
        owner=owner,
        files=[
            SimpleUploadedFile("run.fit", fit_run()),
            SimpleUploadedFile("settings.fit", fitfile.settings_fit()),
            SimpleUploadedFile(
                "export.zip",
                zipped({"a.gpx": gpx_run(120).replace(b"2026-06-01", b"2026-06-05")}),
            ),
        ],
    )
    rows = _settled([u.pk for u in result.uploads])

    assert rows["run.fit"].status == "done"
    assert rows["run.fit"].activity.distance_m == pytest.approx(1800, abs=0.5)
    assert (rows["settings.fit"].status, rows["settings.fit"].reason_detail) == (
        "failed",
        "settings",
    )
    assert rows["export.zip"].status == "done"
    child = _settled(list(rows["export.zip"].children.values_list("pk", flat=True)))
    assert child["a.gpx"].status == "done"
