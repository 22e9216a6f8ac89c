"""GDPR export: an archive of everything, in open formats, for its owner only, for a while."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from apps.accounts import services
from apps.accounts.models import DataExport
from apps.core import personal_data
from tests.accounts.consents import agree_to_all, publish_documents
from tests.accounts.factories import UserFactory
from tests.accounts.images import jpeg_with_gps, upload

pytestmark = pytest.mark.django_db(transaction=True)  # the build runs after commit


def _link_path(message) -> str:
    return re.search(r"http://[^/]+(/accounts/export/[^/\s]+/download/)", message.body).group(1)


@pytest.fixture
def athlete():
    publish_documents()
    user = UserFactory(display_name="Nina Runner", language="de")
    agree_to_all(user, marketing=False)
    services.profile_update(user=user, region="Bavaria", height_cm="171.5", sports=["running"])
    services.profile_avatar_set(user=user, upload=upload(jpeg_with_gps()))
    services.privacy_zone_create(
        user=user, name="Home", latitude=48.1, longitude=11.6, radius_m=300
    )
    return user


def test_the_archive_holds_every_part_and_the_original_files(athlete, token_client):
    response = token_client(athlete).post("/api/v1/me/export/")

    assert response.status_code == 202
    assert response.json()["status"] == "ready"  # built at once in embedded mode
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [athlete.email]
    assert message.subject == "Deine Stride-Daten sind bereit"  # the recipient's language

    client = Client()
    client.force_login(athlete)
    download = client.get(_link_path(message))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))

    # Every app with personal data adds its part (the registry), and at least these exist.
    parts = sorted(personal_data.exporters())
    assert {
        "accounts",
        "challenges",
        "community",
        "devices",
        "gear",
        "notifications",
        "training",
        "training_plans",
    } <= set(parts)
    assert sorted(archive.namelist()) == sorted(
        [f"{part}.json" for part in parts] + ["files/accounts/avatar.jpg", "manifest.json"]
    )
    manifest = json.loads(archive.read("manifest.json"))
    assert (manifest["format"], manifest["version"], manifest["parts"]) == (
        "stride-export",
        1,
        parts,
    )
    data = json.loads(archive.read("accounts.json"))
    assert data["user"]["email"] == athlete.email
    assert data["user"]["display_name"] == "Nina Runner"
    assert data["profile"]["height_cm"] == "171.5"  # decrypted for its owner
    assert data["profile"]["region"] == "Bavaria"
    assert data["privacy_zones"][0]["latitude"] == 48.1
    assert {c["kind"]: c["granted"] for c in data["consents"]}["marketing"] is False
    assert archive.read("files/accounts/avatar.jpg")[:2] == b"\xff\xd8"  # a JPEG
    assert DataExport.objects.get().downloaded_at is not None


def test_nobody_else_can_use_the_link(athlete):
    services.data_export_request(user=athlete)
    path = _link_path(mail.outbox[0])

    other = Client()
    other.force_login(UserFactory())
    assert other.get(path).status_code == 404
    anonymous = Client().get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_expired_and_forged_links_are_refused(athlete):
    services.data_export_request(user=athlete)
    path = _link_path(mail.outbox[0])
    client = Client()
    client.force_login(athlete)

    assert client.get(path.replace("/download/", "x/download/")).status_code == 404
    DataExport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(path)
    assert response.status_code == 404
    assert "This download link has expired" in response.content.decode()


def test_a_request_already_under_way_is_not_duplicated(athlete, monkeypatch):
    from apps.accounts import tasks

    monkeypatch.setattr(tasks.data_export_build_task, "delay", lambda **kwargs: None)
    first = services.data_export_request(user=athlete)
    second = services.data_export_request(user=athlete)
    assert first.pk == second.pk
    assert DataExport.objects.count() == 1


def test_a_build_that_fails_is_marked_failed(athlete, monkeypatch):
    from apps.accounts import tasks
    from apps.core import personal_data

    monkeypatch.setattr(tasks.data_export_build_task, "delay", lambda **kwargs: None)
    export = services.data_export_request(user=athlete)

    def broken(user_id):
        raise ValueError("an exporter is broken")

    monkeypatch.setattr(personal_data, "exporters", lambda: {"broken": broken})
    with pytest.raises(ValueError):
        services.data_export_build(export_id=export.pk)
    assert DataExport.objects.get(pk=export.pk).status == "failed"
    assert mail.outbox == []


def test_expired_archives_are_deleted_and_the_request_is_kept(athlete):
    services.data_export_request(user=athlete)
    export = DataExport.objects.get()
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)

    assert services.data_export_purge_expired() == 0  # not expired yet
    DataExport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.data_export_purge_expired() == 1

    export.refresh_from_db()
    assert export.status == "expired"
    assert not export.file
    assert not storage.exists(name)
    assert export.subject_id == athlete.pk  # the audit trail of the request remains
