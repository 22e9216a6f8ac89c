"""The uploads API: 202 with the job, the status and the activity when done, others' uploads
are missing, errors in the common shape, a bounded number of queries per page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.devices.models import Upload
from tests.devices import fitfile
from tests.devices.files import fit_run, gpx_run, zipped

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(user, token_client):
    return token_client(user)


def _post(client, data: bytes, name: str, **headers):
    return client.post(
        "/api/v1/uploads/",
        {"file": SimpleUploadedFile(name, data)},
        format="multipart",
        headers=headers,
    )


def test_upload_answers_202_and_the_job_then_gives_the_activity(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, fit_run(), "run.fit")

    assert response.status_code == 202
    body = response.json()
    upload = Upload.objects.get(owner=user)
    assert body["id"] == upload.pk
    assert (body["status"], body["name"], body["kind"]) == ("queued", "run.fit", "file")
    assert body["activity"] is None  # answered before the job ran (enqueued after commit)

    detail = client.get(f"/api/v1/uploads/{upload.pk}/").json()
    assert detail["status"] == "done"
    assert detail["reason"] is None
    assert detail["activity"]["id"] == upload.activity_id
    assert detail["activity"]["sport"] == "run"
    assert detail["activity"]["url"] == f"/activities/{upload.activity_id}/"


def test_a_duplicate_names_the_activity(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(client, fit_run(), "run.fit").json()
        second = _post(client, gpx_run(), "run.gpx").json()
    first = client.get(f"/api/v1/uploads/{first['id']}/").json()
    second = client.get(f"/api/v1/uploads/{second['id']}/").json()
    assert second["status"] == "duplicate"
    assert second["duplicate_of"]["id"] == first["activity"]["id"]


def test_a_failure_gives_a_reason_in_the_callers_language(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload_id = _post(client, fitfile.weight_fit(), "weight.fit").json()["id"]
    body = client.get(f"/api/v1/uploads/{upload_id}/").json()
    assert body["status"] == "failed"
    assert body["reason"] == {
        "code": "NO_ACTIVITY",
        "message": "The file holds no recorded workout: it holds weight scale readings.",
    }
    german = client.get(f"/api/v1/uploads/{upload_id}/", headers={"Accept-Language": "de"})
    assert german.json()["reason"]["message"] != body["reason"]["message"]


def test_an_empty_file_is_a_400_and_stores_nothing(client):
    response = _post(client, b"", "empty.fit")
    assert response.status_code == 400
    assert response.json()["code"] == "EMPTY_FILE"
    assert Upload.objects.count() == 0


def test_a_too_large_file_is_a_413(client, settings):
    settings.UPLOAD_MAX_BYTES = 10
    response = _post(client, fit_run(), "run.fit")
    assert response.status_code == 413
    assert response.json()["code"] == "FILE_TOO_LARGE"
    assert Upload.objects.count() == 0


def test_a_missing_file_field_is_a_validation_error(client):
    response = client.post("/api/v1/uploads/", {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert "file" in response.json()["fields"]


def test_an_idempotent_retry_creates_one_upload(client):
    first = _post(client, fit_run(), "run.fit", **{"Idempotency-Key": "k-1"})
    again = _post(client, fit_run(), "run.fit", **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (202, 202)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Upload.objects.count() == 1


def test_others_uploads_are_not_found(client, other_user, token_client):
    response = _post(client, fit_run(), "run.fit")
    stranger = token_client(other_user)
    assert stranger.get(f"/api/v1/uploads/{response.json()['id']}/").status_code == 404
    assert stranger.get("/api/v1/uploads/").json()["results"] == []


def test_archive_files_are_listed_under_the_archive(client, django_capture_on_commit_callbacks):
    archive = zipped({"a.fit": fit_run(60), "b.fit": b"broken"})
    with django_capture_on_commit_callbacks(execute=True):
        archive_id = _post(client, archive, "export.zip").json()["id"]
    body = client.get(f"/api/v1/uploads/{archive_id}/").json()
    assert (body["kind"], body["status"]) == ("archive", "done")
    assert body["files"] == {"total": 2, "done": 1, "duplicate": 0, "failed": 1}
    top = client.get("/api/v1/uploads/").json()["results"]
    assert [u["id"] for u in top] == [archive_id]  # files stay under their archive
    files = client.get(f"/api/v1/uploads/?archive={archive_id}").json()["results"]
    assert sorted((f["name"], f["status"]) for f in files) == [
        ("a.fit", "done"),
        ("b.fit", "failed"),
    ]
    assert {f["archive"] for f in files} == {archive_id}


def test_reprocess(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload_id = _post(client, fit_run(), "run.fit").json()["id"]
    Upload.objects.get(pk=upload_id).activity.delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/uploads/{upload_id}/reprocess/")
    assert response.status_code == 202
    assert client.get(f"/api/v1/uploads/{upload_id}/").json()["status"] == "done"


def test_reprocess_while_queued_is_a_409(client):
    upload_id = _post(client, fit_run(), "run.fit").json()["id"]  # job not run: still queued
    response = client.post(f"/api/v1/uploads/{upload_id}/reprocess/")
    assert response.status_code == 409
    assert response.json()["code"] == "UPLOAD_NOT_REPROCESSABLE"


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_takes_the_same_queries_for_any_page_size(
    client, user, count, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(count):
            _post(client, gpx_run(30).replace(b"Morning run", f"Run {i}".encode()), f"{i}.gpx")
    client.get("/api/v1/uploads/")  # warm the session and consents
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/uploads/")
    assert len(response.json()["results"]) == count
    assert len(queries) == 4, [q["sql"] for q in queries]
    assert "splits_metric" not in queries[-1]["sql"]  # the activities' heavy columns stay put
