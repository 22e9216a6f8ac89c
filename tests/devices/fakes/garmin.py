"""A fake Garmin Connect Developer Program API, from its documentation: the OAuth 2 PKCE token
endpoint (the code is bound to the S256 challenge given at consent; refresh tokens rotate),
/wellness-api/rest/user/id, activity file downloads by callback URL (FIT), and
DELETE /wellness-api/rest/user/registration; notifications carry `garmin-client-id`."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets

import pytest

from tests.devices.fakes.base import FakeServer

CLIENT_ID = "garmin-client-5f0e"
CLIENT_SECRET = "fake-garmin-client-secret"


def _s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


class FakeGarmin(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, tuple[str, str]] = {}
        self.access: dict[str, str] = {}
        self.refresh: dict[str, str] = {}
        self.files: dict[str, bytes] = {}
        self.registered: set[str] = set()

    def authorize(self, user_id: str, code_challenge: str) -> str:
        code = secrets.token_hex(16)
        self.codes[code] = (user_id, code_challenge)
        self.registered.add(user_id)
        return code

    def _issue(self, user_id: str) -> dict:
        access, refresh = secrets.token_hex(20), secrets.token_hex(20)
        self.access[access] = user_id
        self.refresh[refresh] = user_id
        return {
            "access_token": access,
            "expires_in": 86400,
            "token_type": "bearer",
            "refresh_token": refresh,
            "scope": "ACTIVITY_EXPORT HEALTH_EXPORT",
            "jti": secrets.token_hex(8),
            "refresh_token_expires_in": 7775998,
        }

    def add_file(self, summary_id: str, fit: bytes) -> str:
        self.files[summary_id] = fit
        return f"{self.url}/wellness-api/rest/activityFile?id={summary_id}&token=cb{summary_id}"

    def notification(self, body: dict, client_id: str = CLIENT_ID) -> tuple[bytes, dict]:
        return json.dumps(body).encode(), {"garmin-client-id": client_id}

    def route(self, request):
        path = request.path
        if path == "/di-oauth2-service/oauth/token":
            form = request.form
            if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                return 401, {}, {"error": "invalid_client"}
            if form.get("grant_type") == "authorization_code":
                found = self.codes.pop(form.get("code", ""), None)
                if found is None or _s256(form.get("code_verifier", "")) != found[1]:
                    return 400, {}, {"error": "invalid_grant"}
                return 200, {}, self._issue(found[0])
            user = self.refresh.pop(form.get("refresh_token", ""), None)
            if user is None:
                return 400, {}, {"error": "invalid_grant"}
            return 200, {}, self._issue(user)
        user = self.access.get(request.bearer)
        if user is None:
            return 401, {}, {"error": "unauthorized"}
        if path == "/wellness-api/rest/user/id":
            return 200, {}, {"userId": user}
        if path == "/wellness-api/rest/user/registration" and request.method == "DELETE":
            self.registered.discard(user)
            return 204, {}, b""
        if path == "/wellness-api/rest/activityFile":
            data = self.files.get(request.query.get("id", ""))
            if data is None:
                return 404, {}, {"error": "not found"}
            return 200, {"Content-Type": "application/octet-stream"}, data
        return 404, {}, {"error": "not found"}


@pytest.fixture
def fake_garmin(settings):
    server = FakeGarmin().start()
    settings.GARMIN_CLIENT_ID = CLIENT_ID
    settings.GARMIN_CLIENT_SECRET = CLIENT_SECRET
    settings.GARMIN_CONNECT_URL = settings.GARMIN_AUTH_URL = settings.GARMIN_API_URL = server.url
    yield server
    server.stop()
