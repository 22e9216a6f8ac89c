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
