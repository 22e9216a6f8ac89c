"""Getting back in and moving house: password reset and change of e-mail (re-verified, the old
address told) on the web and through the app API, and the whole two-factor journey on the web."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import hotp_value
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import session_token

NEW_PASSWORD = "Another-Long-Passphrase-7"
APP = "/_allauth/app/v1"


def _link(message, pattern: str) -> str:
    match = re.search(pattern, message.body)
    assert match, message.body
    return match.group(0)


def _sign_in_and_activate_totp(client, user) -> str:
    """Sign in, confirm the password again (allauth asks before changing 2FA), set up TOTP."""
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    gate = client.get("/accounts/2fa/totp/activate/")
    assert gate["Location"].startswith("/accounts/reauthenticate/")
    page = client.post(gate["Location"], {"password": PASSWORD}, follow=True)
    secret = page.context["form"].secret
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert "Incorrect code." in wrong.content.decode()
    client.post("/accounts/2fa/totp/activate/", {"code": _totp_now(secret)})
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    return secret


def _totp_now(secret: str) -> str:
    return str(hotp_value(secret, int(time.time()) // 30)).zfill(6)


@pytest.mark.django_db
def test_web_password_reset_by_emailed_link():
    user = UserFactory()
    client = Client()

    client.post("/accounts/password/reset/", {"email": user.email.upper()})
    assert [m.to for m in mail.outbox] == [[user.email]]
    link = _link(mail.outbox[0], r"/accounts/password/reset/key/[^\s]+/")

    form = client.get(link, follow=True)  # allauth moves the key into the session
    response = client.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "password" in mail.outbox[-1].subject.lower()  # the owner is told it changed


@pytest.mark.django_db
def test_web_password_reset_for_an_unknown_address_reveals_nothing():
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302  # the same answer as for a known address
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_app_password_reset_with_the_emailed_key():
    user = UserFactory()
    client = APIClient()

    response = client.post(f"{APP}/auth/password/request", {"email": user.email}, format="json")
    assert response.status_code == 200
    key = _link(mail.outbox[0], r"/accounts/password/reset/key/([^\s/]+)/").split("/")[-2]

    bad = client.post(
        f"{APP}/auth/password/reset", {"key": key, "password": "short"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["param"] == "password"

    done = client.post(
        f"{APP}/auth/password/reset", {"key": key, "password": NEW_PASSWORD}, format="json"
    )
    assert done.status_code in (200, 401), done.content  # 401: signed out, sign in again
    assert session_token(APIClient(), user.email, NEW_PASSWORD)
    reused = client.post(
        f"{APP}/auth/password/reset", {"key": key, "password": PASSWORD}, format="json"
    )
    assert reused.status_code == 400  # a key works once


@pytest.mark.django_db
def test_web_change_of_email_takes_effect_only_once_verified():
    user = UserFactory(email="old@example.com")
    client = Client()
    client.force_login(user)

    response = client.post(
        "/accounts/email/", {"action_add": "", "email": "New@Example.com"}, follow=True
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email == "old@example.com"  # nothing changes before the new one is proven
    confirm = [m for m in mail.outbox if m.to == ["new@example.com"]]
    link = _link(confirm[0], r"/accounts/confirm-email/[^\s/]+/")
    client.post(link)

    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert list(user.emailaddress_set.values_list("email", "verified", "primary")) == [
        ("new@example.com", True, True)
    ]
    assert any(m.to == ["old@example.com"] for m in mail.outbox[1:])  # the old one is told


@pytest.mark.django_db
def test_app_change_of_email_is_verified_with_the_key():
    user = UserFactory(email="old-app@example.com")
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=session_token(client, user.email))

    response = client.post(f"{APP}/account/email", {"email": "moved@example.com"}, format="json")
    assert response.status_code == 200, response.content
    assert client.get("/api/v1/me/").json()["email"] == "old-app@example.com"  # not yet
    key = _link(mail.outbox[0], r"/accounts/confirm-email/([^\s/]+)/").split("/")[-2]
    verified = client.post(f"{APP}/auth/email/verify", {"key": key}, format="json")

    assert verified.status_code == 200, verified.content
    assert client.get("/api/v1/me/").json()["email"] == "moved@example.com"
    assert User.objects.get(pk=user.pk).email == "moved@example.com"


@pytest.mark.django_db
def test_another_accounts_address_cannot_be_taken_over():
    user = UserFactory(email="taker@example.com")
    owner = UserFactory(email="owner@example.com")
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=session_token(client, user.email))

    # The same answer as for a free address, so nobody learns who has an account here...
    response = client.post(f"{APP}/account/email", {"email": owner.email}, format="json")
    assert response.status_code == 200
    # ...and even the owner's click on the link cannot hand the address over.
    key = _link(mail.outbox[0], r"/accounts/confirm-email/([^\s/]+)/").split("/")[-2]
    refused = client.post(f"{APP}/auth/email/verify", {"key": key}, format="json")

    assert refused.status_code >= 400
    assert User.objects.get(pk=user.pk).email == "taker@example.com"
    assert User.objects.get(pk=owner.pk).email == "owner@example.com"


@pytest.mark.django_db
def test_web_two_factor_journey_with_totp_and_a_recovery_code():
    user = UserFactory()
    client = Client()
    secret = _sign_in_and_activate_totp(client, user)
    codes = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()

    client.post("/accounts/logout/")
    step = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert step["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/dashboard/").status_code == 302  # not in after the password alone
    bad = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert "Incorrect code." in bad.content.decode()
    client.post("/accounts/2fa/authenticate/", {"code": _totp_now(secret)})
    assert client.get("/dashboard/").status_code == 200

    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert client.get("/dashboard/").status_code == 200

    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    reused = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert "Incorrect code." in reused.content.decode()  # each recovery code works once


@pytest.mark.django_db
def test_repeated_wrong_codes_are_blocked_even_for_the_right_one():
    user = UserFactory()
    client = Client()
    secret = _sign_in_and_activate_totp(client, user)
    client.post("/accounts/logout/")

    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    blocked = client.post("/accounts/2fa/authenticate/", {"code": _totp_now(secret)})

    assert "Too many failed login attempts" in blocked.content.decode()
    assert client.get("/dashboard/").status_code == 302
