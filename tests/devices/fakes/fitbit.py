"""A fake Fitbit Web API, from dev.fitbit.com/build/reference/web-api: /oauth2/token (HTTP Basic
client auth; the authorization code is bound to the S256 challenge given at consent; a refresh
token works once and is replaced), /oauth2/revoke (revokes every token of the athlete), the
Subscriptions API (POST/DELETE /1/user/-/{collection}/apiSubscriptions/{id}.json), the activity
log list (afterDate, sort=asc, limit ≤ 100, offset=0, `pagination.next`), the TCX of a log,
`Fitbit-Rate-Limit-Limit / -Remaining / -Reset` on every API answer (150 an hour per athlete),
and notifications: a JSON list signed in X-Fitbit-Signature (base64 HMAC-SHA1, key
client secret + "&")."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from datetime import date, datetime
from urllib.parse import urlencode

import pytest

from tests.devices.fakes.base import FakeServer

CLIENT_ID = "23ABCD"
CLIENT_SECRET = "fake-fitbit-client-secret"
VERIFY_CODE = "fake-fitbit-subscriber-verification-code"
SUBSCRIBER_ID = "1"
HOUR_LIMIT = 150
INVALID_GRANT = {
    "errors": [{"errorType": "invalid_grant", "message": "Authorization code invalid"}],
    "success": False,
}
UNAUTHORIZED = {
    "errors": [{"errorType": "invalid_token", "message": "Access token invalid"}],
    "success": False,
}
SUBSCRIPTION = re.compile(r"^/1/user/-/(activities|userRevokedAccess)/apiSubscriptions/(.+)\.json$")
TCX = re.compile(r"^/1/user/-/activities/(\d+)\.tcx$")


def _s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def sign(body: bytes, secret: str = CLIENT_SECRET) -> str:
    digest = hmac.new(f"{secret}&".encode(), body, hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


EMPTY_TCX = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
    b"<Activities/></TrainingCenterDatabase>"
)


class FakeFitbit(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, tuple[str, str]] = {}
        self.access: dict[str, str] = {}
        self.refresh: dict[str, str] = {}
        self.subscriptions: dict[tuple[str, str], str] = {}  # (user, collection) → id
        self.logs: dict[str, list[dict]] = {}
        self.tcx: dict[int, bytes] = {}
        self.used: dict[str, int] = {}  # requests this hour, per athlete
        self.refresh_delay_s = 0.0

    # What a test sets up ---------------------------------------------------------------------
    def authorize(self, user_id: str, code_challenge: str) -> str:
        code = secrets.token_hex(16)
        self.codes[code] = (user_id, code_challenge)
        return code

    def issue(self, user_id: str) -> dict:
        access, refresh = secrets.token_hex(24), secrets.token_hex(32)
        self.access[access] = user_id
        self.refresh[refresh] = user_id
        return {
            "access_token": access,
            "expires_in": 28800,
            "refresh_token": refresh,
            "scope": "heartrate activity location profile",
            "token_type": "Bearer",
            "user_id": user_id,
        }

    def add_log(self, user_id: str, log_id: int, start: str, *, tcx: bytes | None = None, **extra):
        """A logged exercise; `start` is Fitbit's local startTime with its offset."""
        log = {
            "logId": log_id,
            "activityName": "Run",
            "activityTypeId": 90009,
            "logType": "tracker",
            "startTime": start,
            "originalStartTime": start,
            "duration": 600000,
            "activeDuration": 600000,
            "distance": 1.8,
            "distanceUnit": "Kilometer",
            "calories": 151,
            "averageHeartRate": 150,
            "elevationGain": 0.0,
            "steps": 1700,
            "hasGps": tcx is not None,
            "source": {"id": "228X4T", "name": "Charge 6", "type": "tracker"},
            "lastModified": start,
            "tcxLink": f"https://api.fitbit.com/1/user/-/activities/{log_id}.tcx",
            **extra,
        }
        self.logs.setdefault(user_id, []).append(log)
        self.logs[user_id].sort(key=lambda item: item["startTime"])
        self.tcx[log_id] = tcx if tcx is not None else EMPTY_TCX
        return log

    def delete_log(self, user_id: str, log_id: int) -> None:
        self.logs[user_id] = [log for log in self.logs[user_id] if log["logId"] != log_id]
        self.tcx.pop(log_id, None)

    def notification(self, *items: tuple[str, str, str], secret: str = CLIENT_SECRET):
        """(collectionType, date, ownerId) … → (raw body, headers) as Fitbit posts them."""
        body = json.dumps(
            [
                {
                    "collectionType": collection,
                    "date": day,
                    "ownerId": owner,
                    "ownerType": "user",
                    "subscriptionId": self.subscriptions.get((owner, collection), "x"),
                }
                for collection, day, owner in items
            ]
        ).encode()
        return body, {"X-Fitbit-Signature": sign(body, secret)}

    # The API ---------------------------------------------------------------------------------
    def _basic_ok(self, request) -> bool:
        auth = request.headers.get("Authorization", "")
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        return auth == f"Basic {expected}"

    def _limits(self, user: str) -> dict:
        used = self.used[user] = self.used.get(user, 0) + 1
        return {
            "Fitbit-Rate-Limit-Limit": str(HOUR_LIMIT),
            "Fitbit-Rate-Limit-Remaining": str(max(0, HOUR_LIMIT - used)),
            "Fitbit-Rate-Limit-Reset": str(int(3600 - time.time() % 3600)),
        }

    def route(self, request):
        path = request.path
        if path == "/oauth2/token":
            if not self._basic_ok(request):
                return 401, {}, {"errors": [{"errorType": "invalid_client"}], "success": False}
            form = request.form
            if form.get("grant_type") == "authorization_code":
                found = self.codes.pop(form.get("code", ""), None)
                if found is None or _s256(form.get("code_verifier", "")) != found[1]:
                    return 400, {}, INVALID_GRANT
                return 200, {}, self.issue(found[0])
            if self.refresh_delay_s:
                time.sleep(self.refresh_delay_s)
            with self.lock:
                user = self.refresh.pop(form.get("refresh_token", ""), None)
            if user is None:
                return 400, {}, INVALID_GRANT
            return 200, {}, self.issue(user)
        if path == "/oauth2/revoke":
            if not self._basic_ok(request):
                return 401, {}, {"errors": [{"errorType": "invalid_client"}], "success": False}
            token = request.form.get("token", "")
            user = self.access.get(token) or self.refresh.get(token)
            for tokens in (self.access, self.refresh):
                for key in [k for k, v in tokens.items() if v == user]:
                    del tokens[key]
            return 200, {}, {}
        user = self.access.get(request.bearer)
        if user is None:
            return 401, {}, UNAUTHORIZED
        headers = self._limits(user)
        match = SUBSCRIPTION.match(path)
        if match:
            collection, sid = match.groups()
            if request.method == "DELETE":
                if self.subscriptions.pop((user, collection), None) is None:
                    return 404, headers, {"errors": [{"errorType": "not_found"}]}
                return 204, headers, b""
            existing = self.subscriptions.get((user, collection))
            if existing not in (None, sid):
                return 409, headers, {"errors": [{"errorType": "conflict"}]}
            self.subscriptions[(user, collection)] = sid
            status = 200 if existing else 201
            body = {
                "collectionType": collection,
                "ownerId": user,
                "ownerType": "user",
                "subscriberId": request.headers.get("X-Fitbit-Subscriber-Id", SUBSCRIBER_ID),
                "subscriptionId": sid,
            }
            return status, headers, body
        if path == "/1/user/-/activities/list.json":
            return self._list(request, user, headers)
        match = TCX.match(path)
        if match:
            data = self.tcx.get(int(match.group(1)))
            if data is None:
                return 404, headers, {"errors": [{"errorType": "not_found"}]}
            return 200, {**headers, "Content-Type": "application/vnd.garmin.tcx+xml"}, data
        return 404, headers, {"errors": [{"errorType": "not_found"}]}

    def _list(self, request, user: str, headers: dict):
        query = request.query
        limit, offset = int(query.get("limit", 0)), int(query.get("offset", -1))
        if query.get("sort") != "asc" or not 0 < limit <= 100 or offset < 0:
            return 400, headers, {"errors": [{"errorType": "validation"}]}
        after = date.fromisoformat(query["afterDate"][:10])
        found = [
            log
            for log in self.logs.get(user, [])
            if datetime.fromisoformat(log["startTime"]).date() > after
        ]
        page = found[offset : offset + limit]
        following = ""
        if offset + limit < len(found):
            following = f"{self.url}/1/user/-/activities/list.json?" + urlencode(
                {**query, "offset": offset + limit}
            )
        body = {
            "activities": page,
            "pagination": {
                "afterDate": query["afterDate"],
                "limit": limit,
                "next": following,
                "offset": offset,
                "previous": "",
                "sort": "asc",
            },
        }
        return 200, headers, body


@pytest.fixture
def fake_fitbit(settings):
    server = FakeFitbit().start()
    settings.FITBIT_CLIENT_ID = CLIENT_ID
    settings.FITBIT_CLIENT_SECRET = CLIENT_SECRET
    settings.FITBIT_VERIFY_CODE = VERIFY_CODE
    settings.FITBIT_SUBSCRIBER_ID = SUBSCRIBER_ID
    settings.FITBIT_AUTH_URL = settings.FITBIT_API_URL = server.url
    yield server
    server.stop()
