import pytest

from apps.accounts.models import PrivacyZone, Profile
from apps.accounts.services import privacy_zone_create
from tests.accounts.factories import UserFactory
from tests.accounts.images import jpeg_with_gps, upload


@pytest.fixture
def member(client, db):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.mark.parametrize("language", ["en", "ru", "de"])
def test_account_pages_render(client, member, language):
    for url in ("/accounts/profile/", "/accounts/privacy/", "/accounts/consents/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url


def test_the_profile_form_saves_through_the_service(client, member):
    response = client.post(
        "/accounts/profile/",
        {
            "units": "metric",
            "timezone": "Europe/Moscow",
            "activity_visibility": "public",
            "profile_visibility": "followers",
            "sports": ["running", "cycling"],
            "height_cm": "180.5",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=member)
    assert profile.sports == ["cycling", "running"]
    assert str(profile.height_cm) == "180.5"


def test_a_bad_time_zone_is_a_form_error(client, member):
    response = client.post(
        "/accounts/profile/",
        {
            "units": "metric",
            "timezone": "Nowhere/Land",
            "activity_visibility": "public",
            "profile_visibility": "public",
        },
    )
    assert response.status_code == 200
    assert "Choose a time zone such as Europe/Berlin." in response.content.decode()


def test_avatar_upload_page(client, member):
    response = client.post(
        "/accounts/profile/avatar/", {"avatar": upload(jpeg_with_gps())}, follow=True
    )
    assert "Your profile picture is updated." in response.content.decode()
    bad = client.post("/accounts/profile/avatar/", {"avatar": upload(b"not an image")}, follow=True)
    assert "Upload a JPEG, PNG or WebP image." in bad.content.decode()


def test_zones_are_added_and_only_the_owner_removes_them(client, member):
    client.post(
        "/accounts/privacy/", {"name": "Home", "latitude": 52.5, "longitude": 13.4, "radius_m": 300}
    )
    zone = PrivacyZone.objects.get(user=member)
    stranger_zone = privacy_zone_create(
        user=UserFactory(), name="Theirs", latitude=1, longitude=1, radius_m=200
    )

    response = client.post(f"/accounts/privacy/zones/{stranger_zone.pk}/delete/", follow=True)
    assert "That privacy zone does not exist." in response.content.decode()
    assert PrivacyZone.objects.filter(pk=stranger_zone.pk).exists()

    client.post(f"/accounts/privacy/zones/{zone.pk}/delete/")
    assert not PrivacyZone.objects.filter(pk=zone.pk).exists()
    assert "Theirs" not in client.get("/accounts/privacy/").content.decode()
