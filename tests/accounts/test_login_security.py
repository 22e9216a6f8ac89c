"""Sign-in security: failed-login limits that hold against a correct password and lift by
themselves, and two-factor sign-in with TOTP and recovery codes through the app API."""

import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from django.test import Client
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, UserFactory

LOGIN = "/_allauth/app/v1/auth/login"
MFA = "/_allauth/app/v1/auth/2fa/authenticate"


def _totp_now(secret: str) -> str:
    return str(hotp_value(secret, int(time.time()) // 30)).zfill(6)


def _fail_five_times(client, email):
    for _ in range(5):
        response = client.post(LOGIN, {"email": email, "password": "wrong"}, format="json")
        assert response.json()["errors"][0]["code"] == "email_password_mismatch"


@pytest.mark.django_db
def test_repeated_wrong_passwords_block_even_the_right_one():
    user = UserFactory()
    client = APIClient()
    _fail_five_times(client, user.email)

    response = client.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "message": "Too many failed login attempts. Try again in 5 minutes.",
            "code": "too_many_login_attempts",
        }
    ]
    assert 290 <= int(response["Retry-After"]) <= 300  # the oldest failure leaves the window
    assert "session_token" not in response.json().get("meta", {})


@pytest.mark.django_db
def test_retry_after_counts_down_to_the_end_of_the_block(monkeypatch):
    user = UserFactory()
    client = APIClient()
    _fail_five_times(client, user.email)

    later = time.time() + 4 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")

    assert 50 <= int(response["Retry-After"]) <= 60
    assert response.json()["errors"][0]["message"] == (
        "Too many failed login attempts. Try again in 1 minute."
    )


@pytest.mark.django_db
def test_the_block_lifts_by_itself(monkeypatch):
    user = UserFactory()
    client = APIClient()
    _fail_five_times(client, user.email)

    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json()["meta"]["session_token"]


@pytest.mark.django_db
def test_the_web_login_shows_the_block_as_a_form_error():
    user = UserFactory()
    _fail_five_times(APIClient(), user.email)

    response = Client().post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again in 5 minutes." in response.content.decode()
    assert int(response["Retry-After"]) > 0


@pytest.fixture
def user_with_totp(db):
    user = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    return user, secret, codes


def _password_step(client, user) -> str:
    response = client.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 401
    flows = [f["id"] for f in response.json()["data"]["flows"] if f.get("is_pending")]
    assert flows == ["mfa_authenticate"]
    return response.json()["meta"]["session_token"]


def test_totp_code_completes_the_sign_in(user_with_totp):
    user, secret, _codes = user_with_totp
    client = APIClient()
    token = _password_step(client, user)
    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 401

    response = client.post(
        MFA, {"code": _totp_now(secret)}, format="json", HTTP_X_SESSION_TOKEN=token
    )

    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]
    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).json()["email"] == user.email


def test_a_wrong_code_is_a_clear_error(user_with_totp):
    user, _secret, _codes = user_with_totp
    client = APIClient()
    token = _password_step(client, user)

    response = client.post(MFA, {"code": "000000"}, format="json", HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "incorrect_code"


def test_a_recovery_code_works_once(user_with_totp):
    user, _secret, codes = user_with_totp
    client = APIClient()
    token = _password_step(client, user)
    response = client.post(MFA, {"code": codes[0]}, format="json", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200

    again = APIClient()
    token = _password_step(again, user)
    response = again.post(MFA, {"code": codes[0]}, format="json", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 400


def test_repeated_wrong_codes_block_even_the_right_one_on_the_api(user_with_totp):
    user, secret, _codes = user_with_totp
    client = APIClient()
    token = _password_step(client, user)
    for _ in range(5):
        client.post(MFA, {"code": "000000"}, format="json", HTTP_X_SESSION_TOKEN=token)

    response = client.post(
        MFA, {"code": _totp_now(secret)}, format="json", HTTP_X_SESSION_TOKEN=token
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "too_many_login_attempts"
    assert client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 401
