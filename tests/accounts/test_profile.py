from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from PIL import Image

from apps.accounts.models import PrivacyZone, Profile
from tests.accounts.factories import UserFactory
from tests.accounts.images import jpeg_with_gps, png, upload


@pytest.fixture
def me(db, token_client):
    user = UserFactory()
    return user, token_client(user)


def test_a_new_profile_has_safe_defaults(me):
    user, client = me
    body = client.get("/api/v1/me/profile/").json()
    assert body["activity_visibility"] == "followers"
    assert body["hidden_fields"] == []
    assert body["units"] == "metric"
    assert body["avatar_url"] is None
    assert not Profile.objects.filter(user=user).exists()  # nothing written by a read


def test_profile_update_round_trip(me):
    user, client = me
    response = client.patch(
        "/api/v1/me/profile/",
        {
            "birth_year": 1990,
            "sex": "female",
            "height_cm": "171.5",
            "weight_kg": "63.2",
            "units": "imperial",
            "timezone": "Europe/Berlin",
            "country": "DE",
            "region": "Bavaria",
            "sports": ["yoga", "running", "running"],
            "experience": "intermediate",
            "weekly_distance_goal_km": "40",
            "target_race_name": "Berlin Marathon",
            "target_race_date": "2027-09-26",
            "activity_visibility": "only_me",
            "hidden_fields": ["heart_rate", "start_time"],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["height_cm"] == "171.5"
    assert body["sports"] == ["running", "yoga"]
    assert body["hidden_fields"] == ["heart_rate", "start_time"]
    profile = Profile.objects.get(user=user)
    assert (profile.height_cm, profile.weight_kg) == (Decimal("171.5"), Decimal("63.2"))
    assert profile.country.code == "DE"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"sports": ["quidditch"]}, "sports"),
        ({"height_cm": "12"}, "height_cm"),
        ({"birth_year": 1850}, "birth_year"),
        ({"hidden_fields": ["password"]}, "hidden_fields"),
        ({"activity_visibility": "friends"}, "activity_visibility"),
        ({"country": "XX"}, "country"),
    ],
)
def test_bad_profile_values_are_400_with_the_field(me, change, field):
    user, client = me
    response = client.patch("/api/v1/me/profile/", change, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert list(response.json()["fields"]) == [field]
    assert not Profile.objects.filter(user=user).exists()


def test_height_and_weight_are_encrypted_at_rest(me):
    user, client = me
    client.patch("/api/v1/me/profile/", {"height_cm": "180.0", "weight_kg": "75.5"}, format="json")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT height_cm, weight_kg FROM accounts_profile WHERE user_id = %s", [user.pk]
        )
        raw_height, raw_weight = cursor.fetchone()
    assert "180" not in raw_height and "75.5" not in raw_weight
    assert raw_height.startswith("gAAAA")  # a Fernet token


def test_keys_rotate_without_losing_data(me, settings, capsys):
    user, client = me
    client.patch("/api/v1/me/profile/", {"height_cm": "165.0"}, format="json")
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert Profile.objects.get(user=user).height_cm == Decimal("165.0")  # old rows still open
    call_command("rotate_encryption_keys")
    assert "accounts.Profile: 1 rows re-encrypted" in capsys.readouterr().out

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    assert Profile.objects.get(user=user).height_cm == Decimal("165.0")


def test_avatar_is_reencoded_without_exif_and_thumbnailed(me):
    user, client = me
    response = client.put(
        "/api/v1/me/avatar/", {"avatar": upload(jpeg_with_gps((2000, 1500)))}, format="multipart"
    )
    assert response.status_code == 200, response.content
    profile = Profile.objects.get(user=user)
    with profile.avatar.open("rb") as f, Image.open(f) as img:
        assert img.format == "JPEG"
        assert max(img.size) == 1024
        assert not img.getexif()  # no EXIF at all, so no GPS
    with profile.avatar_thumbnail.open("rb") as f, Image.open(f) as img:
        assert img.size == (160, 160)
    assert response.json()["avatar_url"].endswith(".jpg")


def test_a_transparent_png_is_accepted(me):
    _user, client = me
    response = client.put(
        "/api/v1/me/avatar/", {"avatar": upload(png(), "a.png", "image/png")}, format="multipart"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.4 not an image", "IMAGE_INVALID"),
        (b"GIF89a" + b"\x00" * 100, "IMAGE_INVALID"),
        (jpeg_with_gps()[:200], "IMAGE_INVALID"),  # truncated
    ],
)
def test_bad_uploads_are_refused(me, data, code):
    user, client = me
    response = client.put("/api/v1/me/avatar/", {"avatar": upload(data)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Profile.objects.filter(user=user).exclude(avatar="").exists()


def test_oversized_uploads_are_refused(me, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1000
    _user, client = me
    response = client.put(
        "/api/v1/me/avatar/", {"avatar": upload(jpeg_with_gps())}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "IMAGE_TOO_LARGE",
        "message": "The image is larger than 1000\xa0bytes.",
    }


def test_too_many_pixels_is_refused_before_decoding(me, settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    _user, client = me
    response = client.put(
        "/api/v1/me/avatar/", {"avatar": upload(jpeg_with_gps((200, 200)))}, format="multipart"
    )
    assert response.json()["code"] == "IMAGE_TOO_LARGE"


def test_replacing_and_deleting_the_avatar_removes_the_files(
    me, django_capture_on_commit_callbacks
):
    user, client = me
    with django_capture_on_commit_callbacks(execute=True):
        client.put("/api/v1/me/avatar/", {"avatar": upload(jpeg_with_gps())}, format="multipart")
    first = Profile.objects.get(user=user).avatar
    storage, first_name = first.storage, first.name
    with django_capture_on_commit_callbacks(execute=True):
        client.put("/api/v1/me/avatar/", {"avatar": upload(jpeg_with_gps())}, format="multipart")
    assert not storage.exists(first_name)

    second = Profile.objects.get(user=user).avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete("/api/v1/me/avatar/").status_code == 204
    assert not storage.exists(second)
    assert client.get("/api/v1/me/profile/").json()["avatar_url"] is None


def test_privacy_zones_are_capped_and_validated(me):
    user, client = me
    url = "/api/v1/me/privacy-zones/"
    for i in range(10):
        body = {"name": f"Z{i}", "latitude": 50 + i / 10, "longitude": 8.0}
        assert client.post(url, body, format="json").status_code == 201
    response = client.post(url, {"name": "Z10", "latitude": 1, "longitude": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "TOO_MANY_PRIVACY_ZONES"

    bad = client.post(url, {"name": "X", "latitude": 91, "longitude": 0}, format="json")
    assert bad.json()["fields"] == {"latitude": ["Ensure this value is less than or equal to 90."]}
    assert PrivacyZone.objects.filter(user=user).count() == 10


def test_privacy_zone_list_is_paginated_without_n_plus_1(me, django_assert_max_num_queries):
    _user, client = me
    for i in range(5):
        client.post(
            "/api/v1/me/privacy-zones/",
            {"name": f"Z{i}", "latitude": 50, "longitude": 8},
            format="json",
        )
    # session lookup + user + zones page: constant whatever the number of zones
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/me/privacy-zones/?page_size=2")
    assert [z["name"] for z in response.json()["results"]] == ["Z4", "Z3"]
    assert response.json()["next"]


def test_a_retried_zone_creation_creates_one_zone(me):
    user, client = me
    body = {"name": "Home", "latitude": 52.5, "longitude": 13.4}
    first = client.post("/api/v1/me/privacy-zones/", body, format="json", HTTP_IDEMPOTENCY_KEY="z1")
    again = client.post("/api/v1/me/privacy-zones/", body, format="json", HTTP_IDEMPOTENCY_KEY="z1")
    assert first.json() == again.json()
    assert PrivacyZone.objects.filter(user=user).count() == 1
