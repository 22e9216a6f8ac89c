"""Bringing data from another Stride: the export archive of one account re-imported into
another, whole or not at all, without duplicates, and bad archives refused with a reason."""

import io
import zipfile

import pytest
from django.test import Client

from apps.accounts import selectors, services
from apps.accounts.models import ConsentRecord, DataExport, DataImport, PrivacyZone
from tests.accounts.archives import archive_bytes, archive_upload
from tests.accounts.consents import agree_to_all, publish_documents
from tests.accounts.factories import UserFactory
from tests.accounts.images import jpeg_with_gps, upload

pytestmark = pytest.mark.django_db(transaction=True)  # the import runs after commit


@pytest.fixture
def exported():
    """The archive another Stride made for its user."""
    publish_documents()
    old = UserFactory(display_name="Nina Runner", language="de")
    agree_to_all(old)
    services.profile_update(
        user=old,
        region="Bavaria",
        country="DE",
        height_cm="171.5",
        sports=["running", "yoga"],
        timezone="Europe/Berlin",
        target_race_name="Munich Marathon",
        target_race_date="2027-10-10",
    )
    services.profile_avatar_set(user=old, upload=upload(jpeg_with_gps()))
    services.privacy_zone_create(user=old, name="Home", latitude=48.1, longitude=11.6, radius_m=300)
    services.data_export_request(user=old)
    export = DataExport.objects.get(user=old)
    with export.file.open("rb") as f:
        return f.read()


def _member(**fields):
    user = UserFactory(**fields)
    agree_to_all(user)
    return user


def _post(client, content: bytes):
    return client.post(
        "/api/v1/me/import/", {"archive": archive_upload(content)}, format="multipart"
    )


def test_an_export_is_imported_into_another_account(exported, token_client):
    new = _member(display_name="", language="")
    own_consents = list(ConsentRecord.objects.filter(user=new).values_list("pk", flat=True))

    response = _post(token_client(new), exported)

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "done"
    assert body["summary"]["accounts"]["privacy_zones"] == 1
    new.refresh_from_db()
    assert (new.display_name, new.language) == ("Nina Runner", "de")
    profile = selectors.profile_for(user=new)
    assert profile.region == "Bavaria"
    assert profile.country.code == "DE"
    assert str(profile.height_cm) == "171.5"
    assert profile.sports == ["running", "yoga"]
    assert str(profile.target_race_date) == "2027-10-10"
    assert profile.avatar and profile.avatar.storage.exists(profile.avatar.name)
    assert list(PrivacyZone.objects.filter(user=new).values_list("name", "radius_m")) == [
        ("Home", 300)
    ]
    # Agreements are the ones given on this Stride, none carried over.
    assert list(ConsentRecord.objects.filter(user=new).values_list("pk", flat=True)) == own_consents
    assert DataImport.objects.get().file.name == ""  # the upload is not kept


def test_importing_twice_adds_nothing_new(exported, token_client):
    client = token_client(_member())
    _post(client, exported)
    second = _post(client, exported)

    assert second.json()["summary"]["accounts"]["privacy_zones"] == 0
    assert PrivacyZone.objects.count() == 2  # the old account's and one imported


def test_values_this_stride_rejects_are_skipped_not_fatal(token_client):
    user = _member()
    content = archive_bytes(
        {
            "accounts": {
                "profile": {"region": "Tyrol", "timezone": "Mars/Olympus", "sports": 5},
                "privacy_zones": [{"name": "Bad", "latitude": 999, "longitude": 0, "radius_m": 1}],
            }
        }
    )

    body = _post(token_client(user), content).json()

    assert body["status"] == "done"
    assert body["summary"]["accounts"]["skipped_fields"] == ["sports", "timezone"]
    assert selectors.profile_for(user=user).region == "Tyrol"
    assert not PrivacyZone.objects.exists()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", '{"format": "stride-export", "version": 1, "parts": []}')
        archive.writestr("files/zeros.bin", b"\0" * 5_000_000)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "is not a Stride data export"),
        (archive_bytes({}, manifest={"format": "other"}), "is not a Stride data export"),
        (
            archive_bytes({}, manifest={"format": "stride-export", "version": 99, "parts": []}),
            "comes from a newer Stride (format 99)",
        ),
        (_bomb(), "unpacks to far more"),
    ],
    ids=["not-zip", "foreign", "newer", "zip-bomb"],
)
def test_bad_archives_are_refused_with_a_reason(content, message, token_client, settings):
    settings.DATA_IMPORT_MAX_BYTES = 1_000_000

    response = _post(token_client(_member()), content)

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_ARCHIVE"
    assert message in response.json()["message"]
    assert not DataImport.objects.exists()


def test_an_archive_over_the_size_limit_is_refused(exported, token_client, settings):
    settings.DATA_IMPORT_MAX_BYTES = len(exported) - 1

    response = _post(token_client(_member()), exported)

    assert response.status_code == 400
    assert "too large" in response.json()["message"]


def test_an_importer_that_breaks_leaves_nothing_half_written(exported, token_client, monkeypatch):
    from apps.core import personal_data

    user = _member(display_name="Before")
    real = personal_data.importers()

    def broken(user_id, data, files):
        raise RuntimeError("a bug in an importer")

    monkeypatch.setattr(personal_data, "importers", lambda: {**real, "zzz": broken})
    content = archive_bytes({"accounts": {"user": {"display_name": "After"}}, "zzz": {}})
    with pytest.raises(RuntimeError):
        _post(token_client(user), content)

    user.refresh_from_db()
    assert user.display_name == "Before"  # the accounts part was rolled back too
    data_import = DataImport.objects.get()
    assert data_import.status == "failed"
    assert "nothing was changed" in data_import.error


def test_the_privacy_page_imports_and_shows_the_result(exported):
    user = _member()
    client = Client()
    client.force_login(user)

    response = client.post("/accounts/import/", {"archive": archive_upload(exported)}, follow=True)

    page = response.content.decode()
    assert "Your archive is being imported" in page
    assert "Last import" in page and "Imported" in page
    assert PrivacyZone.objects.filter(user=user).count() == 1
