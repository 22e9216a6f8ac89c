"""The import page works as a plain multi-file form, lists my uploads only, and loads its
script from a static file (CSP: no inline scripts)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.devices.models import Upload
from tests.devices import fitfile
from tests.devices.files import fit_run, zipped

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_several_files_at_once_without_javascript(
    signed_in, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            "/uploads/",
            {
                "files": [
                    SimpleUploadedFile("run.fit", fit_run()),
                    SimpleUploadedFile("settings.fit", fitfile.settings_fit()),
                    SimpleUploadedFile("empty.gpx", b""),
                ]
            },
        )
    assert response.status_code == 302
    page = signed_in.get(response["Location"]).content.decode()
    assert "2 files are queued for import." in page
    assert "empty.gpx: The file is empty." in page
    run = Upload.objects.get(owner=user, original_name="run.fit")
    assert f'href="/activities/{run.activity_id}/"' in page
    assert "Failed: The file holds no recorded workout: it holds device settings." in page
    assert '<script src="/static/js/uploads.js" defer></script>' in page
    assert "multiple" in page


def test_an_archive_page_lists_its_files(signed_in, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            "/uploads/",
            {"files": [SimpleUploadedFile("export.zip", zipped({"a.fit": fit_run(60)}))]},
        )
    archive = Upload.objects.get(owner=user, kind="archive")
    page = signed_in.get(f"/uploads/{archive.pk}/").content.decode()
    assert "1 files: 1 imported, 0 already here, 0 failed" in page
    assert "a.fit" in page


def test_others_cannot_see_my_uploads(client, user, other_user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/uploads/", {"files": [SimpleUploadedFile("export.zip", zipped({"a.fit": b"x"}))]}
        )
    archive = Upload.objects.get(owner=user, kind="archive")
    client.force_login(other_user)
    assert client.get(f"/uploads/{archive.pk}/").status_code == 404
    assert "export.zip" not in client.get("/uploads/").content.decode()


def test_the_page_needs_a_sign_in(client):
    response = client.get("/uploads/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_navigation_and_the_activities_link_to_the_import(signed_in):
    assert 'href="/uploads/"' in signed_in.get("/dashboard/").content.decode()
    assert 'href="/uploads/"' in signed_in.get("/activities/").content.decode()


def test_the_list_refreshes_itself_only_while_jobs_wait(signed_in, user):
    signed_in.post("/uploads/", {"files": [SimpleUploadedFile("run.fit", fit_run())]})
    assert 'hx-trigger="every 3s"' in signed_in.get("/uploads/").content.decode()  # queued
    Upload.objects.filter(owner=user).update(status=Upload.Status.DONE)
    assert 'hx-trigger="every 3s"' not in signed_in.get("/uploads/").content.decode()
