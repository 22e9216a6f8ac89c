"""A fake Strava, from developers.strava.com: /oauth/token (authorization_code and
refresh_token grants; refresh tokens rotate, so a used one is refused), /oauth/deauthorize,
/api/v3/activities/{id} (DetailedActivity), /api/v3/activities/{id}/streams (StreamSet keyed by
type), /api/v3/athlete/activities (SummaryActivity pages), and X-RateLimit-Limit / Usage
headers ("15-minute,daily") on every API answer."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.devices.fakes.base import FakeServer

CLIENT_ID = "4711"
CLIENT_SECRET = "fake-strava-client-secret"
VERIFY_TOKEN = "fake-verify-token"
SUBSCRIPTION_ID = 120475
ERROR_CODE = {
    "message": "Bad Request",
    "errors": [{"resource": "AuthorizationCode", "field": "code", "code": "invalid"}],
}
ERROR_REFRESH = {
    "message": "Bad Request",
    "errors": [{"resource": "RefreshToken", "field": "refresh_token", "code": "invalid"}],
}
UNAUTHORIZED = {
    "message": "Authorization Error",
    "errors": [{"resource": "Athlete", "field": "access_token", "code": "invalid"}],
}


class FakeStrava(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, int] = {}
        self.refresh_tokens: dict[str, int] = {}
        self.access_tokens: dict[str, tuple[int, float]] = {}
        self.activities: dict[int, tuple[int, dict, dict]] = {}
        self.limits = (600, 30000)
        self.usage = [0, 0]
        self.token_lifetime_s = 21600
        self.refresh_delay_s = 0.0

    # What a test sets up ---------------------------------------------------------------------
    def authorize(self, athlete_id: int) -> str:
        """The person allowed access on Strava's page: the code in the redirect."""
        code = secrets.token_hex(20)
        self.codes[code] = athlete_id
        return code

    def issue(self, athlete_id: int) -> dict:
        access, refresh = secrets.token_hex(20), secrets.token_hex(20)
        expires_at = int(time.time()) + self.token_lifetime_s
        self.access_tokens[access] = (athlete_id, expires_at)
        self.refresh_tokens[refresh] = athlete_id
        return {
            "token_type": "Bearer",
            "expires_at": expires_at,
            "expires_in": self.token_lifetime_s,
            "refresh_token": refresh,
            "access_token": access,
        }

    def add_run(self, athlete_id: int, activity_id: int, *, start: datetime, minutes=30) -> None:
        n = minutes * 6  # a point every 10 s
        detail = {
            "id": activity_id,
            "resource_state": 3,
            "external_id": f"garmin_push_{activity_id}",
            "athlete": {"id": athlete_id, "resource_state": 1},
            "name": "Morning Run",
            "distance": round(n * 28.0, 1),
            "moving_time": n * 10,
            "elapsed_time": n * 10,
            "total_elevation_gain": 12.0,
            "type": "Run",
            "sport_type": "Run",
            "start_date": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "start_date_local": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "timezone": "(GMT+01:00) Europe/Berlin",
            "utc_offset": 3600.0,
            "average_speed": 2.8,
            "max_speed": 3.4,
            "average_cadence": 85.0,  # Strava: one leg's steps per minute for runs
            "has_heartrate": True,
            "average_heartrate": 151.0,
            "max_heartrate": 168.0,
            "calories": 420.0,
            "device_name": "Garmin Forerunner 265",
            "private": False,
            "visibility": "everyone",
        }
        streams = {
            "time": {"data": [i * 10 for i in range(n)], "series_type": "distance"},
            "distance": {"data": [round(i * 28.0, 1) for i in range(n)], "series_type": "distance"},
            "latlng": {
                "data": [[48.137 + i * 0.00025, 11.575] for i in range(n)],
                "series_type": "distance",
            },
            "heartrate": {"data": [150 + (i % 5) for i in range(n)], "series_type": "distance"},
            "cadence": {"data": [85 + (i % 2) for i in range(n)], "series_type": "distance"},
            "altitude": {"data": [520.0 + (i % 10) for i in range(n)], "series_type": "distance"},
        }
        for stream in streams.values():
            stream.update(original_size=n, resolution="high")
        self.activities[activity_id] = (athlete_id, detail, streams)

    def event(self, *, owner_id: int, object_id: int, aspect="create", object_type="activity",
              updates=None, event_time=None, subscription_id=SUBSCRIPTION_ID) -> dict:  # fmt: skip
        """A webhook event body as Strava posts it."""
        return {
            "aspect_type": aspect,
            "event_time": event_time or 1_780_000_000,
            "object_id": object_id,
            "object_type": object_type,
            "owner_id": owner_id,
            "subscription_id": subscription_id,
            "updates": updates or {},
        }

    # The server ---------------------------------------------------------------------------
    def extra_headers(self) -> dict:
        return {
            "X-RateLimit-Limit": f"{self.limits[0]},{self.limits[1]}",
            "X-RateLimit-Usage": f"{self.usage[0]},{self.usage[1]}",
        }

    def _athlete(self, request) -> int | None:
        found = self.access_tokens.get(request.bearer)
        if found is None or found[1] < time.time():
            return None
        return found[0]

    def route(self, request):
        path = request.path
        if path == "/oauth/token" and request.method == "POST":
            return self._token(request.form)
        if path == "/oauth/deauthorize" and request.method == "POST":
            token = request.form.get("access_token", "")
            if self.access_tokens.pop(token, None) is None:
                return 401, {}, UNAUTHORIZED
            return 200, {}, {"access_token": token}
        self.usage[0] += 1
        self.usage[1] += 1
        athlete = self._athlete(request)
        if athlete is None:
            return 401, {}, UNAUTHORIZED
        if path == "/api/v3/athlete/activities":
            return self._list(request, athlete)
        parts = path.strip("/").split("/")
        if parts[:3] == ["api", "v3", "activities"] and len(parts) >= 4:
            found = self.activities.get(int(parts[3]))
            if found is None or found[0] != athlete:
                return 404, {}, {"message": "Record Not Found", "errors": []}
            if len(parts) == 5 and parts[4] == "streams":
                keys = request.query.get("keys", "").split(",")
                return 200, {}, {k: v for k, v in found[2].items() if k in keys}
            return 200, {}, found[1]
        return 404, {}, {"message": "Record Not Found", "errors": []}

    def _token(self, form: dict):
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {}, {"message": "Bad Request", "errors": [{"code": "invalid"}]}
        if form.get("grant_type") == "authorization_code":
            athlete = self.codes.pop(form.get("code", ""), None)
            if athlete is None:
                return 400, {}, ERROR_CODE
            body = self.issue(athlete)
            body["athlete"] = {"id": athlete, "username": "runner", "resource_state": 2}
            return 200, {}, body
        if form.get("grant_type") == "refresh_token":
            if self.refresh_delay_s:
                time.sleep(self.refresh_delay_s)  # widens the window two workers could race in
            with self.lock:
                athlete = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
                if athlete is None:
                    return 400, {}, ERROR_REFRESH
                return 200, {}, self.issue(athlete)
        return 400, {}, ERROR_CODE

    def _list(self, request, athlete: int):
        after = int(request.query.get("after", 0))
        page, per_page = int(request.query.get("page", 1)), int(request.query.get("per_page", 30))
        items = sorted(
            (d for a, d, _s in self.activities.values() if a == athlete),
            key=lambda d: d["start_date"],
        )
        items = [
            {k: d[k] for k in ("id", "name", "sport_type", "start_date", "distance")}
            for d in items
            if datetime.fromisoformat(d["start_date"].replace("Z", "+00:00")).timestamp() > after
        ]
        return 200, {}, items[(page - 1) * per_page : page * per_page]


@pytest.fixture
def fake_strava(settings):
    server = FakeStrava().start()
    settings.STRAVA_CLIENT_ID = CLIENT_ID
    settings.STRAVA_CLIENT_SECRET = CLIENT_SECRET
    settings.STRAVA_VERIFY_TOKEN = VERIFY_TOKEN
    settings.STRAVA_SUBSCRIPTION_ID = str(SUBSCRIPTION_ID)
    settings.STRAVA_BASE_URL = server.url
    yield server
    server.stop()


def a_while_ago(hours: int = 3) -> datetime:
    return (datetime.now(UTC) - timedelta(hours=hours)).replace(microsecond=0)
