import pytest
from django.test import Client

from tests.accounts.factories import UserFactory

HEADLINES = {
    "en": "Your training, your people, one place.",
    "ru": "Ваши тренировки и ваши люди в одном месте.",
    "de": "Dein Training, deine Leute, an einem Ort.",
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru", "de"])
def test_the_home_page_renders_in_each_language(language):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert HEADLINES[language] in response.content.decode()
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switcher_sets_the_language():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert response.status_code == 302
    assert HEADLINES["de"] in client.get("/").content.decode()


@pytest.mark.django_db
def test_members_go_to_their_dashboard(client):
    client.force_login(UserFactory(display_name="Nina"))
    assert client.get("/")["Location"] == "/dashboard/"
    assert "Hello, Nina" in client.get("/dashboard/").content.decode()


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in_from_the_dashboard():
    response = Client().get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_admin_asks_staff_to_sign_in():
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_pages_send_a_content_security_policy():
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("style-src")[1].split(";")[0]
