"""A fake Suunto Cloud API, from apizone.suunto.com: /oauth/token (HTTP Basic client auth;
the answer names the `user`; refresh tokens rotate), /oauth/deauthorize, the workout FIT
export that needs both the bearer token and the Ocp-Apim-Subscription-Key header, and
WORKOUT_CREATED notifications signed with HMAC-SHA256 of the body (hex)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

import pytest

from tests.devices.fakes.base import FakeServer

CLIENT_ID = "suunto-client-77"
CLIENT_SECRET = "fake-suunto-client-secret"
SUBSCRIPTION_KEY = "fake-suunto-subscription-key"
NOTIFICATION_SECRET = "fake-suunto-notification-secret"


class FakeSuunto(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, str] = {}
        self.access: dict[str, str] = {}
        self.refresh: dict[str, str] = {}
        self.fits: dict[str, tuple[str, bytes]] = {}

    def authorize(self, username: str) -> str:
        code = secrets.token_hex(12)
        self.codes[code] = username
        return code

    def add_workout(self, username: str, key: str, fit: bytes) -> None:
        self.fits[key] = (username, fit)

    def notification(self, username: str, key: str, *, secret=NOTIFICATION_SECRET):
        body = {
            "type": "WORKOUT_CREATED",
            "username": username,
            "workout": {
                "workoutKey": key,
                "activityId": 3,
                "startTime": 1780295400000,
                "totalTime": 600,
                "totalDistance": 1800,
                "hrdata": {"workoutAvgHR": 150, "workoutMaxHR": 150},
                "timeOffsetInMinutes": 180,
            },
            "gear": {
                "manufacturer": "Suunto",
                "name": "Suunto Vertical",
                "productType": "SPORT_WATCH",
            },
        }
        raw = json.dumps(body).encode()
        signature = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        return raw, {"X-HMAC-SHA256-Signature": signature}

    def _issue(self, username: str) -> dict:
        access, refresh = secrets.token_hex(20), secrets.token_hex(20)
        self.access[access], self.refresh[refresh] = username, username
        return {
            "access_token": access,
            "token_type": "bearer",
            "refresh_token": refresh,
            "expires_in": 86399,
            "scope": "workout",
            "user": username,
            "jti": secrets.token_hex(8),
        }

    def route(self, request):
        if request.path == "/oauth/token":
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if request.headers.get("Authorization") != f"Basic {expected}":
                return 401, {}, {"error": "unauthorized"}
            if request.form.get("grant_type") == "authorization_code":
                user = self.codes.pop(request.form.get("code", ""), None)
            else:
                user = self.refresh.pop(request.form.get("refresh_token", ""), None)
            if user is None:
                return 400, {}, {"error": "invalid_grant"}
            return 200, {}, self._issue(user)
        user = self.access.get(request.bearer)
        if user is None:
            return 401, {}, {"error": "unauthorized"}
        if request.path == "/oauth/deauthorize":
            self.access.pop(request.bearer, None)
            return 200, {}, b""
        if request.headers.get("Ocp-Apim-Subscription-Key") != SUBSCRIPTION_KEY:
            return (
                401,
                {},
                {"statusCode": 401, "message": "Access denied due to missing subscription key."},
            )
        if request.path.startswith("/v2/workout/exportFit/"):
            found = self.fits.get(request.path.rsplit("/", 1)[-1])
            if found is None or found[0] != user:
                return 404, {}, {"error": "not found"}
            return 200, {"Content-Type": "application/octet-stream"}, found[1]
        return 404, {}, {"error": "not found"}


@pytest.fixture
def fake_suunto(settings):
    server = FakeSuunto().start()
    settings.SUUNTO_CLIENT_ID = CLIENT_ID
    settings.SUUNTO_CLIENT_SECRET = CLIENT_SECRET
    settings.SUUNTO_SUBSCRIPTION_KEY = SUBSCRIPTION_KEY
    settings.SUUNTO_NOTIFICATION_SECRET = NOTIFICATION_SECRET
    settings.SUUNTO_OAUTH_URL = settings.SUUNTO_API_URL = server.url
    yield server
    server.stop()
