"""Passkeys (WebAuthn): added through the app API after confirming the password, then used to
sign in without a password and as a second factor; a forged or removed key lets nobody in."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sites.models import Site
from django.test import Client
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.webauthn import SoftPasskey

APP = "/_allauth/app/v1"
WEBAUTHN = f"{APP}/account/authenticators/webauthn"


def _add_passkey(client, passwordless: bool = True) -> SoftPasskey:
    url = WEBAUTHN + ("?passwordless" if passwordless else "")
    options = client.get(url)
    if options.status_code == 401:  # a sensitive change: the password is asked for again
        assert [f["id"] for f in options.json()["data"]["flows"]] == ["reauthenticate"]
        again = client.post(f"{APP}/auth/reauthenticate", {"password": PASSWORD}, format="json")
        assert again.status_code == 200
        options = client.get(url)
    assert options.status_code == 200, options.content
    creation = options.json()["data"]["creation_options"]
    assert creation["publicKey"]["rp"] == {"id": "testserver", "name": "Stride"}
    passkey = SoftPasskey()
    added = client.post(
        WEBAUTHN, {"name": "My phone", "credential": passkey.create(creation)}, format="json"
    )
    assert added.status_code == 200, added.content
    assert added.json()["data"]["is_passwordless"] is passwordless
    return passkey


def _passkey_login(passkey: SoftPasskey) -> tuple[APIClient, object]:
    client = APIClient()
    begin = client.get(f"{APP}/auth/webauthn/login")
    token = begin.json()["meta"]["session_token"]  # the challenge lives in this session
    response = client.post(
        f"{APP}/auth/webauthn/login",
        {"credential": passkey.get(begin.json()["data"]["request_options"])},
        format="json",
        HTTP_X_SESSION_TOKEN=token,
    )
    return client, response


@pytest.mark.django_db
def test_a_passkey_signs_in_without_a_password(token_client):
    user = UserFactory()
    passkey = _add_passkey(token_client(user))
    assert Authenticator.objects.filter(user=user, type="recovery_codes").exists()

    client, response = _passkey_login(passkey)

    assert response.status_code == 200, response.content
    assert response.json()["data"]["user"]["id"] == user.pk
    client.credentials(HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"])
    assert client.get("/api/v1/me/").json()["email"] == user.email


@pytest.mark.django_db
def test_a_passkey_is_the_second_factor_after_the_password(token_client):
    user = UserFactory()
    passkey = _add_passkey(token_client(user), passwordless=False)
    client = APIClient()

    first = client.post(
        f"{APP}/auth/login", {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert first.status_code == 401
    pending = next(f for f in first.json()["data"]["flows"] if f.get("is_pending"))
    assert pending["id"] == "mfa_authenticate" and "webauthn" in pending["types"]
    token = first.json()["meta"]["session_token"]
    options = client.get(f"{APP}/auth/webauthn/authenticate", HTTP_X_SESSION_TOKEN=token)
    done = client.post(
        f"{APP}/auth/webauthn/authenticate",
        {"credential": passkey.get(options.json()["data"]["request_options"])},
        format="json",
        HTTP_X_SESSION_TOKEN=token,
    )

    assert done.status_code == 200, done.content
    assert done.json()["meta"]["is_authenticated"] is True


@pytest.mark.django_db
def test_a_forged_signature_signs_nobody_in(token_client):
    passkey = _add_passkey(token_client(UserFactory()))
    forger = SoftPasskey()  # another private key claiming the same credential
    forger.credential_id, forger.user_handle = passkey.credential_id, passkey.user_handle

    _client, response = _passkey_login(forger)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "incorrect_code"
    assert "session_token" not in response.json().get("meta", {}) or not response.json()[
        "meta"
    ].get("is_authenticated")


@pytest.mark.django_db
def test_a_removed_passkey_no_longer_works(token_client):
    user = UserFactory()
    client = token_client(user)
    passkey = _add_passkey(client)
    authenticator = Authenticator.objects.get(user=user, type="webauthn")

    removed = client.delete(WEBAUTHN, {"authenticators": [authenticator.pk]}, format="json")
    assert removed.status_code == 200, removed.content

    _client, response = _passkey_login(passkey)
    assert response.status_code == 400


@pytest.mark.django_db
def test_another_persons_passkey_cannot_be_removed(token_client):
    owner, intruder = UserFactory(), UserFactory()
    _add_passkey(token_client(owner))
    authenticator = Authenticator.objects.get(user=owner, type="webauthn")
    client = token_client(intruder)
    client.post(f"{APP}/auth/reauthenticate", {"password": PASSWORD}, format="json")

    response = client.delete(WEBAUTHN, {"authenticators": [authenticator.pk]}, format="json")

    assert response.status_code == 400
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


@pytest.mark.django_db
def test_the_web_pages_offer_passkeys(client):
    user = UserFactory()
    assert Site.objects.get_current().name == "Stride"
    login = Client().get("/accounts/login/")
    assert "passkey" in login.content.decode().lower()

    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    gate = client.get("/accounts/2fa/webauthn/add/")
    page = client.post(gate["Location"], {"password": PASSWORD}, follow=True)
    assert page.status_code == 200
    assert "mfa/js/webauthn.js" in page.content.decode()
