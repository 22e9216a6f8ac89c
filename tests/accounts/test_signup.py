"""A new person signs up on the web and through the headless API, verifies, and signs in."""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.models import User

PASSWORD = "Corr3ct-Horse-Battery!"


def _verification_key(message) -> str:
    match = re.search(r"/accounts/confirm-email/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_web_signup_requires_the_emailed_link_then_signs_in():
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"email": "New.Runner@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/dashboard/").status_code == 302  # not signed in before verifying

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.runner@example.com"]
    key = _verification_key(mail.outbox[0])
    assert client.get(f"/accounts/confirm-email/{key}/").status_code == 200
    response = client.post(f"/accounts/confirm-email/{key}/")
    assert response.status_code == 302

    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert b"new.runner@example.com" in dashboard.content
    assert User.objects.get().email == "new.runner@example.com"


@pytest.mark.django_db
def test_web_signup_rejects_a_weak_password_with_a_form_error():
    response = Client().post(
        "/accounts/signup/",
        {"email": "weak@example.com", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert b"This password is too common." in response.content
    assert not User.objects.exists()


@pytest.mark.django_db
def test_web_login_before_verification_is_held_at_verification():
    Client().post(
        "/accounts/signup/",
        {"email": "wait@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    client = Client()
    response = client.post("/accounts/login/", {"login": "wait@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/dashboard/").status_code == 302


@pytest.mark.django_db
def test_headless_signup_verify_and_me():
    client = APIClient()
    response = client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": "app.user@example.com", "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 401  # a pending flow: verify the e-mail first
    body = response.json()
    pending = [f for f in body["data"]["flows"] if f.get("is_pending")]
    assert [f["id"] for f in pending] == ["verify_email"]
    token = body["meta"]["session_token"]

    me = client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 401  # a session token of a pending flow is not a sign-in

    key = _verification_key(mail.outbox[0])
    response = client.post(
        "/_allauth/app/v1/auth/email/verify",
        {"key": key},
        format="json",
        HTTP_X_SESSION_TOKEN=token,
    )
    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]

    me = client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 200
    user = User.objects.get()
    assert me.json() == {
        "id": user.pk,
        "email": "app.user@example.com",
        "display_name": "",
        "language": "en",
        "date_joined": user.date_joined.isoformat().replace("+00:00", "Z"),
        "email_verified": True,
    }


@pytest.mark.django_db
def test_headless_login_with_a_wrong_password_is_a_clear_400():
    from tests.accounts.factories import UserFactory

    user = UserFactory()
    response = APIClient().post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": "wrong-password"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "email_password_mismatch"


@pytest.mark.django_db
def test_emails_are_unique_whatever_their_case():
    from tests.accounts.factories import UserFactory

    UserFactory(email="same@example.com")
    response = APIClient().post(
        "/_allauth/app/v1/auth/signup",
        {"email": "SAME@example.com", "password": PASSWORD},
        format="json",
    )
    # allauth answers as if it worked (no account enumeration) but creates nothing new.
    assert User.objects.filter(email__iexact="same@example.com").count() == 1
    assert response.status_code in (400, 401)
