"""A fake Google Health API with Google's OAuth endpoints, after developers.google.com/health
and Google's OAuth 2.0 pages: /token (client id and secret in the form; the code is bound to
the S256 challenge given at consent; a refresh answer carries no new refresh token: Google
keeps the old one), /revoke (revokes the grant: its access and refresh tokens), GET
/v4/users/me/identity (`healthUserId`), the exercise dataPoints list (an AIP-160 filter on
`exercise.interval.start_time`, pageSize ≤ 25, nextPageToken), the TCX export
(`:exportExerciseTcx?alt=media`), and notifications as the subscriber receives them: the
subscriber's secret verbatim in `Authorization`, and an ECDSA P-256 signature of the body in
X-HEALTHAPI-SIGNATURE."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from datetime import datetime

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.devices.fakes.base import FakeServer

CLIENT_ID = "1234-fake.apps.googleusercontent.com"
CLIENT_SECRET = "fake-google-client-secret"
WEBHOOK_AUTHORIZATION = "Bearer fake-google-health-subscriber-secret"
INVALID_GRANT = {"error": "invalid_grant", "error_description": "Bad Request"}
UNAUTHENTICATED = {"error": {"code": 401, "status": "UNAUTHENTICATED"}}
LIST = "/v4/users/me/dataTypes/exercise/dataPoints"
TCX = re.compile(r"^/v4/users/me/dataTypes/exercise/dataPoints/(\d+):exportExerciseTcx$")
FILTER = re.compile(
    r'^exercise\.interval\.start_time >= "([^"]+)" AND exercise\.interval\.start_time < "([^"]+)"$'
)
PAGE_MAX = 25
SIGNING_KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC_KEY_PEM = (
    SIGNING_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def _s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def sign(body: bytes, key=SIGNING_KEY) -> str:
    return base64.b64encode(key.sign(body, ec.ECDSA(hashes.SHA256()))).decode()


class FakeGoogleHealth(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, tuple[str, str]] = {}
        self.access: dict[str, str] = {}  # token → healthUserId
        self.refresh: dict[str, str] = {}
        self.points: dict[str, list[dict]] = {}
        self.tcx: dict[str, bytes] = {}
        self.refresh_delay_s = 0.0

    # What a test sets up ---------------------------------------------------------------------
    def authorize(self, user_id: str, code_challenge: str) -> str:
        code = "4/" + secrets.token_urlsafe(16)
        self.codes[code] = (user_id, code_challenge)
        return code

    def issue(self, user_id: str, *, with_refresh: bool = True) -> dict:
        access = "ya29." + secrets.token_urlsafe(24)
        self.access[access] = user_id
        body = {
            "access_token": access,
            "expires_in": 3599,
            "scope": "https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly "
            "https://www.googleapis.com/auth/googlehealth.location.readonly",
            "token_type": "Bearer",
        }
        if with_refresh:
            refresh = "1//" + secrets.token_urlsafe(32)
            self.refresh[refresh] = user_id
            body["refresh_token"] = refresh
        return body

    def add_exercise(
        self,
        user_id: str,
        point_id: str,
        start: str,
        end: str,
        *,
        offset: str = "7200s",
        tcx: bytes | None = None,
        **exercise,
    ) -> dict:
        """An exercise data point (`start`/`end` RFC 3339 in UTC) and, with `tcx`, its export."""
        point = {
            "name": f"users/{user_id}/dataTypes/exercise/dataPoints/{point_id}",
            "dataSource": {
                "recordingMethod": "ACTIVELY_RECORDED",
                "device": {"manufacturer": "Google", "displayName": "Pixel Watch 4"},
                "platform": "FITBIT",
            },
            "exercise": {
                "interval": {
                    "startTime": start,
                    "startUtcOffset": offset,
                    "endTime": end,
                    "endUtcOffset": offset,
                },
                "exerciseType": "RUNNING",
                "displayName": "Morning run",
                "activeDuration": "600s",
                "metricsSummary": {
                    "caloriesKcal": 151.4,
                    "distanceMillimeters": 1800000,
                    "steps": "1700",
                    "averageHeartRateBeatsPerMinute": 150,
                    "elevationGainMillimeters": 0,
                },
                **exercise,
            },
        }
        self.points.setdefault(user_id, []).append(point)
        self.points[user_id].sort(key=lambda p: p["exercise"]["interval"]["startTime"])
        if tcx is not None:
            self.tcx[point_id] = tcx
        return point

    def delete_exercise(self, user_id: str, point_id: str) -> None:
        self.points[user_id] = [
            p for p in self.points[user_id] if p["name"].rsplit("/", 1)[-1] != point_id
        ]
        self.tcx.pop(point_id, None)

    def notification(
        self,
        user_id: str,
        intervals: list[tuple[str, str]],
        *,
        operation: str = "UPSERT",
        data_type: str = "exercise",
        authorization: str | None = WEBHOOK_AUTHORIZATION,
        key=SIGNING_KEY,
    ):
        """(raw body, headers) as the Health API posts one change to the subscriber."""
        body = json.dumps(
            {
                "data": {
                    "healthUserId": user_id,
                    "dataType": data_type,
                    "operation": operation,
                    "intervals": [
                        {"physicalTimeInterval": {"startTime": s, "endTime": e}}
                        for s, e in intervals
                    ],
                }
            }
        ).encode()
        headers = {"X-HEALTHAPI-SIGNATURE": sign(body, key)}
        if authorization is not None:
            headers["Authorization"] = authorization
        return body, headers

    # The API ---------------------------------------------------------------------------------
    def route(self, request):
        path = request.path
        if path == "/token":
            form = request.form
            if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                return 401, {}, {"error": "invalid_client"}
            if form.get("grant_type") == "authorization_code":
                found = self.codes.pop(form.get("code", ""), None)
                if found is None or _s256(form.get("code_verifier", "")) != found[1]:
                    return 400, {}, INVALID_GRANT
                return 200, {}, self.issue(found[0])
            if self.refresh_delay_s:
                time.sleep(self.refresh_delay_s)
            user = self.refresh.get(form.get("refresh_token", ""))
            if user is None:
                return 400, {}, INVALID_GRANT
            return 200, {}, self.issue(user, with_refresh=False)  # the refresh token stays
        if path == "/revoke":
            token = request.form.get("token", "")
            user = self.access.get(token) or self.refresh.get(token)
            if user is None:
                return 400, {}, {"error": "invalid_token"}
            for tokens in (self.access, self.refresh):
                for key in [k for k, v in tokens.items() if v == user]:
                    del tokens[key]
            return 200, {}, {}
        user = self.access.get(request.bearer)
        if user is None:
            return 401, {}, UNAUTHENTICATED
        if path == "/v4/users/me/identity":
            return 200, {}, {"name": "users/me/identity", "healthUserId": user}
        if path == LIST:
            return self._list(request, user)
        match = TCX.match(path)
        if match:
            data = self.tcx.get(match.group(1))
            if data is None or request.query.get("alt") != "media":
                return 404, {}, {"error": {"code": 404, "status": "NOT_FOUND"}}
            return 200, {"Content-Type": "application/vnd.garmin.tcx+xml"}, data
        return 404, {}, {"error": {"code": 404, "status": "NOT_FOUND"}}

    def _list(self, request, user: str):
        query = request.query
        match = FILTER.match(query.get("filter", ""))
        size = int(query.get("pageSize", PAGE_MAX))
        if match is None or not 0 < size <= PAGE_MAX:
            return 400, {}, {"error": {"code": 400, "status": "INVALID_ARGUMENT"}}
        since, until = (_time(v) for v in match.groups())
        found = [
            p
            for p in self.points.get(user, [])
            if since <= _time(p["exercise"]["interval"]["startTime"]) < until
        ]
        offset = int(query.get("pageToken") or 0)
        body = {"dataPoints": found[offset : offset + size]}
        if offset + size < len(found):
            body["nextPageToken"] = str(offset + size)
        return 200, {}, body


@pytest.fixture
def fake_google_health(settings):
    server = FakeGoogleHealth().start()
    settings.GOOGLE_HEALTH_CLIENT_ID = CLIENT_ID
    settings.GOOGLE_HEALTH_CLIENT_SECRET = CLIENT_SECRET
    settings.GOOGLE_HEALTH_WEBHOOK_AUTHORIZATION = WEBHOOK_AUTHORIZATION
    settings.GOOGLE_HEALTH_SIGNING_PUBLIC_KEY = ""
    settings.GOOGLE_HEALTH_API_VERSION = "v4"
    settings.GOOGLE_ACCOUNTS_URL = settings.GOOGLE_OAUTH_URL = server.url
    settings.GOOGLE_HEALTH_API_URL = server.url
    yield server
    server.stop()
