"""A fake Polar AccessLink, from its documentation: the token endpoint on polarremote.com
(HTTP Basic client auth, `x_user_id` in the answer, no refresh token), user registration
(POST /v3/users, 409 when registered already), GET /v3/exercises/{id} and /fit, user
deregistration (DELETE /v3/users/{id}), and webhook bodies signed with HMAC-SHA256."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

import pytest

from tests.devices.fakes.base import FakeServer

CLIENT_ID = "polar-client-0b5c"
CLIENT_SECRET = "fake-polar-client-secret"
WEBHOOK_SECRET = "fake-polar-webhook-secret"


class FakePolar(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, int] = {}
        self.tokens: dict[str, int] = {}
        self.registered: set[int] = set()
        self.exercises: dict[str, tuple[int, dict, bytes]] = {}

    def authorize(self, user_id: int) -> str:
        code = secrets.token_hex(16)
        self.codes[code] = user_id
        return code

    def add_exercise(self, user_id: int, entity_id: str, fit: bytes, *, offset_min=120) -> None:
        detail = {
            "id": 1937529874,
            "upload_time": "2026-06-01T10:20:00.000Z",
            "polar_user": f"https://www.polaraccesslink.com/v3/users/{user_id}",
            "device": "Polar Vantage V3",
            "device_id": "1111AAAA",
            "start_time": "2026-06-01T09:00:00",
            "start_time_utc_offset": offset_min,
            "duration": "PT10M",
            "calories": 120,
            "distance": 1800,
            "heart_rate": {"average": 150, "maximum": 150},
            "sport": "RUNNING",
            "has_route": True,
            "detailed_sport_info": "RUNNING",
        }
        self.exercises[entity_id] = (user_id, detail, fit)

    def webhook(self, body: dict, *, secret: str = WEBHOOK_SECRET) -> tuple[bytes, dict]:
        raw = json.dumps(body).encode()
        signature = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        return raw, {
            "Polar-Webhook-Signature": signature,
            "Polar-Webhook-Event": body.get("event", ""),
        }

    def route(self, request):
        path = request.path
        if path == "/v2/oauth2/token" and request.method == "POST":
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if request.headers.get("Authorization") != f"Basic {expected}":
                return 401, {}, {"error": "invalid_client"}
            user = self.codes.pop(request.form.get("code", ""), None)
            if user is None:
                return 400, {}, {"error": "invalid_grant"}
            token = secrets.token_hex(20)
            self.tokens[token] = user
            return (
                200,
                {},
                {
                    "access_token": token,
                    "token_type": "bearer",
                    "expires_in": 315359999,
                    "x_user_id": user,
                },
            )
        user = self.tokens.get(request.bearer)
        if user is None:
            return 401, {}, {"error": "unauthorized"}
        if path == "/v3/users" and request.method == "POST":
            if user in self.registered:
                return 409, {}, {"error": "user already registered"}
            self.registered.add(user)
            return (
                200,
                {},
                {"polar-user-id": user, "member-id": json.loads(request.body)["member-id"]},
            )
        if path == f"/v3/users/{user}" and request.method == "DELETE":
            self.registered.discard(user)
            self.tokens.pop(request.bearer, None)
            return 204, {}, b""
        parts = path.strip("/").split("/")
        if parts[:2] == ["v3", "exercises"] and len(parts) >= 3:
            found = self.exercises.get(parts[2])
            if found is None or found[0] != user:
                return 404, {}, {"error": "not found"}
            if len(parts) == 4 and parts[3] == "fit":
                return 200, {"Content-Type": "application/vnd.ant.fit"}, found[2]
            return 200, {}, found[1]
        return 404, {}, {"error": "not found"}


@pytest.fixture
def fake_polar(settings):
    server = FakePolar().start()
    settings.POLAR_CLIENT_ID = CLIENT_ID
    settings.POLAR_CLIENT_SECRET = CLIENT_SECRET
    settings.POLAR_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.POLAR_FLOW_URL = settings.POLAR_REMOTE_URL = settings.POLAR_API_URL = server.url
    yield server
    server.stop()
