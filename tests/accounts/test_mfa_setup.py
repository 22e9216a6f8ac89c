"""A person turns on TOTP through the app API, gets recovery codes, and can turn it off."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import hotp_value

from tests.accounts.factories import PASSWORD, UserFactory

TOTP_URL = "/_allauth/app/v1/account/authenticators/totp"
CODES_URL = "/_allauth/app/v1/account/authenticators/recovery-codes"


def _code(secret: str) -> str:
    return str(hotp_value(secret, int(time.time()) // 30)).zfill(6)


@pytest.mark.django_db
def test_enable_use_regenerate_and_disable_totp(token_client):
    user = UserFactory()
    client = token_client(user)

    pending = client.get(TOTP_URL)
    assert pending.status_code == 404  # not set up yet; the answer carries a fresh secret
    secret = pending.json()["meta"]["secret"]

    wrong = client.post(TOTP_URL, {"code": "000000"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["code"] == "incorrect_code"

    enabled = client.post(TOTP_URL, {"code": _code(secret)}, format="json")
    if enabled.status_code == 401:  # a sensitive change: the app asks for the password again
        flows = [f["id"] for f in enabled.json()["data"]["flows"]]
        assert "reauthenticate" in flows
        again = client.post(
            "/_allauth/app/v1/auth/reauthenticate", {"password": PASSWORD}, format="json"
        )
        assert again.status_code == 200
        enabled = client.post(TOTP_URL, {"code": _code(secret)}, format="json")
    assert enabled.status_code == 200, enabled.content
    assert Authenticator.objects.filter(user=user, type="totp").count() == 1

    codes = client.get(CODES_URL).json()["data"]["unused_codes"]
    assert len(codes) == 10
    regenerated = client.post(CODES_URL, {}, format="json")
    assert regenerated.status_code == 200
    assert set(client.get(CODES_URL).json()["data"]["unused_codes"]).isdisjoint(codes)

    disabled = client.delete(TOTP_URL)
    assert disabled.status_code == 200
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
