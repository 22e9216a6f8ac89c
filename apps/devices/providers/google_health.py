"""Google Health API (developers.google.com/health), the successor of the legacy Fitbit Web API
that Google switched off on 2 November 2026: Fitbit and Pixel Watch workouts.

- OAuth: Google OAuth 2.0 authorization code with PKCE (consent on accounts.google.com,
  `access_type=offline` for a refresh token; tokens from oauth2.googleapis.com/token; Google
  keeps the refresh token, a refresh answer carries none, so the stored one is kept),
  revocation at oauth2.googleapis.com/revoke. The athlete's id is the `healthUserId` of
  `users/me/identity`.
- Webhooks: one subscriber per Google Cloud project, created once by whoever runs Stride
  (docs/integrations.md), with the AUTOMATIC subscription policy for the `exercise` data type,
  so connecting an athlete needs no per-user subscription call. Google sends the subscriber's
  `endpointAuthorization.secret` verbatim in `Authorization` with every request: the endpoint
  check posts `{"type": "verification"}` once with it (answered 201) and once without (401).
  Where the deployment has Google's public key, the ECDSA P-256 signature header is checked too.
- A notification names an athlete, a data type, an operation (UPSERT / DELETE) and the time
  intervals that changed, not a workout: it becomes one KIND_SYNC event per athlete and UTC
  day (the shared "day changed" path of the Fitbit adapter); listing the day's `exercise` data
  points stores one event per exercise, keyed by its id, so an exercise is fetched once however
  often its day changes, and one gone from a completely listed day was deleted at Google.
- A workout is its TCX export (route, heart rate) when there is one, completed from the
  exercise data point (sport, title, calories, zone); its summary alone otherwise.

What the stored copies of Google's pages did not settle is kept to one constant or function
each (marked UNVERIFIED) and listed in docs/integrations.md.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings

from apps.devices import parsers
from apps.devices.exceptions import ImportFailed
from apps.devices.providers.base import (
    KIND_CREATE,
    KIND_IGNORE,
    KIND_SYNC,
    InvalidGrant,
    Listing,
    NotReady,
    ParsedEvent,
    Provider,
    ProviderError,
    SignatureInvalid,
    TokenSet,
    signatures_match,
)
from apps.devices.providers.polar import utc_offset_zone
from apps.devices.types import NormalizedActivity

# Scopes: reading workouts, and the location scope the TCX export also needs (the export's
# reference page). UNVERIFIED: the exact name of the location scope.
SCOPE_PREFIX = "https://www.googleapis.com/auth/"
SCOPES = (
    SCOPE_PREFIX + "googlehealth.activity_and_fitness.readonly",
    SCOPE_PREFIX + "googlehealth.location.readonly",
)
DATA_TYPE = "exercise"
PAGE_SIZE = 25  # the maximum for exercise (dataPoints.list / reconcile reference)
MAX_PAGES = 40
MAX_DAYS_PER_NOTIFICATION = 7  # a notification spanning more is listed as its last 7 days
# UNVERIFIED: the name of the signature header (the v4 reference says X-HEALTHAPI-SIGNATURE,
# one client library's copy GOOGLE-HEALTH-API-SIGNATURE) and its encoding (base64 of a DER
# ECDSA signature is assumed): see `signature_valid`.
SIGNATURE_HEADERS = ("X-HEALTHAPI-SIGNATURE", "GOOGLE-HEALTH-API-SIGNATURE")
VERIFICATION_STATUS = 201  # the endpoint check wants 201 Created
# exerciseType → Stride sport. UNVERIFIED beyond RUNNING, WALKING, BIKING and
# AEROBIC_WORKOUT (named on the workouts guide); unknown types become "other".
SPORTS = {
    "RUNNING": "run",
    "TREADMILL_RUNNING": "run",
    "WALKING": "walk",
    "HIKING": "hike",
    "BIKING": "ride",
    "CYCLING": "ride",
    "SPINNING": "ride",
    "SWIMMING": "swim",
    "POOL_SWIMMING": "swim",
    "OPEN_WATER_SWIMMING": "swim",
    "YOGA": "yoga",
    "WEIGHTLIFTING": "strength",
    "STRENGTH_TRAINING": "strength",
    "AEROBIC_WORKOUT": "strength",
}
_DURATION = re.compile(r"^(-?\d+(?:\.\d+)?)s$")
_POINT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _rfc3339(value: str) -> datetime:
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _seconds(value) -> float | None:
    """A protobuf Duration in JSON ("1800s", "0.5s") → seconds."""
    match = _DURATION.match(str(value or ""))
    return float(match.group(1)) if match else None


def _number(value, kind=float):
    """A JSON number, or a protobuf int64 sent as a string; None for anything else."""
    try:
        return None if value is None else kind(round(float(value)) if kind is int else value)
    except (TypeError, ValueError):
        return None


def notification_items(payload) -> list[dict]:
    """The changes one delivery reports, each as {user, data_type, operation, intervals:
    [(start, end)]}. UNVERIFIED shape (Google's notification page was not in the stored
    copies): `{"data": {"healthUserId", "dataType", "operation", "intervals":
    [{"physicalTimeInterval": {"startTime", "endTime"}}]}}` as an open-source Google Health
    client (the-momentum/open-wearables) reads it; a list of such objects is accepted too."""
    items = payload if isinstance(payload, list) else [payload]
    changes = []
    for item in items:
        data = item["data"]
        intervals = []
        for interval in data.get("intervals") or []:
            physical = interval.get("physicalTimeInterval") or interval
            if physical.get("startTime"):
                start = _rfc3339(physical["startTime"])
                end = _rfc3339(physical.get("endTime") or physical["startTime"])
                intervals.append((start, max(start, end)))
        changes.append(
            {
                "user": str(data["healthUserId"])[:64],
                "data_type": str(data.get("dataType", "")),
                "operation": str(data.get("operation", "")),
                "intervals": intervals,
            }
        )
    return changes


def signature_valid(public_key_pem: str, body: bytes, signature: str) -> bool:
    """ECDSA P-256 / SHA-256 over the raw body, the header base64 (DER). UNVERIFIED: the
    encoding and whether the signed bytes are the raw body."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        key = serialization.load_pem_public_key(public_key_pem.encode())
        raw = base64.b64decode(signature.strip(), validate=True)
    except (ValueError, binascii.Error, TypeError):
        return False
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        key.verify(raw, body, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


class GoogleHealthProvider(Provider):
    name = "google_health"
    label = "Google Health (Fitbit)"
    supports_pkce = True
    supports_backfill = True
    supports_reconciliation = True
    ack_status = 204  # "respond to notifications with 204 No Content" (webhooks guide)

    def enabled(self) -> bool:
        return bool(
            settings.GOOGLE_HEALTH_CLIENT_ID
            and settings.GOOGLE_HEALTH_CLIENT_SECRET
            and settings.GOOGLE_HEALTH_WEBHOOK_AUTHORIZATION
        )

    def _api(self, path: str) -> str:
        base = settings.GOOGLE_HEALTH_API_URL.rstrip("/")
        return f"{base}/{settings.GOOGLE_HEALTH_API_VERSION}/{path.lstrip('/')}"

    def _oauth(self, path: str) -> str:
        return settings.GOOGLE_OAUTH_URL.rstrip("/") + path

    def _budget(self, external_id: str) -> str:
        return f"{self.name}:{external_id}" if external_id else self.name

    # OAuth ---------------------------------------------------------------------------------
    def authorize_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "client_id": settings.GOOGLE_HEALTH_CLIENT_ID,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": " ".join(SCOPES),
                "access_type": "offline",  # a refresh token
                "prompt": "consent",  # a refresh token again when someone reconnects
                "include_granted_scopes": "true",
                "state": state,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return settings.GOOGLE_ACCOUNTS_URL.rstrip("/") + f"/o/oauth2/v2/auth?{query}"

    def _token(self, data: dict) -> TokenSet:
        response = self.http(
            "POST",
            self._oauth("/token"),
            data={
                "client_id": settings.GOOGLE_HEALTH_CLIENT_ID,
                "client_secret": settings.GOOGLE_HEALTH_CLIENT_SECRET,
                **data,
            },
            ok_statuses=(200, 400),
        )
        if response.status_code == 400:  # invalid_grant: a wrong, used or expired code/token
            raise InvalidGrant("Google refused the code or refresh token")
        body = response.json()
        expires = body.get("expires_in")
        return TokenSet(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_at=None
            if expires is None
            else datetime.now(UTC) + timedelta(seconds=int(expires)),
            scopes=str(body.get("scope", ""))[:255],
        )

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        tokens = self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": code_verifier,
                "redirect_uri": redirect_uri,
            }
        )
        identity = self.http(
            "GET", self._api("/users/me/identity"), access_token=tokens.access_token
        ).json()
        tokens.external_id = str(identity.get("healthUserId") or "")[:64]
        return tokens

    def refresh(self, *, refresh_token: str) -> TokenSet:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def deauthorize(self, *, access_token: str, external_id: str = "") -> None:
        """Revoking the token withdraws the consent, and with it the notifications (the
        AUTOMATIC policy sends them only while the athlete consents)."""
        self.http(
            "POST",
            self._oauth("/revoke"),
            data={"token": access_token},
            ok_statuses=(200, 400),  # 400: the token was invalid or revoked already
        )

    # Notifications -------------------------------------------------------------------------
    def handshake(self, params: dict) -> int | None:
        return None  # Google checks the endpoint with POSTs (see verify / ack_for)

    def verify(self, *, body: bytes, headers) -> None:
        expected = settings.GOOGLE_HEALTH_WEBHOOK_AUTHORIZATION
        if not expected or not signatures_match(expected, headers.get("Authorization", "")):
            raise SignatureInvalid("Google Health Authorization header mismatch")
        public_key = settings.GOOGLE_HEALTH_SIGNING_PUBLIC_KEY
        if public_key:
            signature = next((headers.get(h) for h in SIGNATURE_HEADERS if headers.get(h)), "")
            if not signature or not signature_valid(public_key, body, signature):
                raise SignatureInvalid("Google Health signature mismatch")

    @staticmethod
    def _is_verification(body: bytes) -> bool:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            return json.loads(body).get("type") == "verification"
        return False

    def ack_for(self, body: bytes) -> int:
        return VERIFICATION_STATUS if self._is_verification(body) else self.ack_status

    def parse_events(self, *, body: bytes, headers) -> list[ParsedEvent]:
        if self._is_verification(body):
            return []  # the endpoint check: nothing to store
        events: dict[str, ParsedEvent] = {}  # one per key: a delivery may repeat itself
        for change in notification_items(json.loads(body)):
            user = change["user"]
            if change["data_type"] != DATA_TYPE or not change["intervals"]:
                key = f"ignore:{user}:{change['data_type']}:{change['operation']}"[:200]
                events[key] = ParsedEvent(key=key, kind=KIND_IGNORE, external_id=user)
                continue
            first = min(start for start, _end in change["intervals"]).astimezone(UTC).date()
            last = max(end for _start, end in change["intervals"]).astimezone(UTC).date()
            first = max(first, last - timedelta(days=MAX_DAYS_PER_NOTIFICATION - 1))
            day = first
            while day <= last:
                key = f"day:{user}:{day.isoformat()}"
                events[key] = ParsedEvent(
                    key=key, kind=KIND_SYNC, external_id=user, object_id=day.isoformat()
                )
                day += timedelta(days=1)
        return list(events.values())

    # Data ----------------------------------------------------------------------------------
    @staticmethod
    def point_id(point: dict) -> str:
        """The exercise id: the last segment of users/{user}/dataTypes/exercise/dataPoints/{id}."""
        value = str(point.get("name") or "").rsplit("/", 1)[-1]
        if not _POINT_ID.match(value):
            raise ProviderError("an exercise data point without a usable name")
        return value

    @classmethod
    def _usable(cls, point) -> bool:
        """An exercise with an id and a start (anything else in a page is skipped, so one odd
        data point cannot hold a whole day back)."""
        if not isinstance(point, dict):
            return False
        interval = (point.get("exercise") or {}).get("interval") or {}
        try:
            cls.point_id(point)
            _rfc3339(interval["startTime"])
        except (ProviderError, KeyError, ValueError, TypeError):
            return False
        return True

    def _point_event(self, owner: str, point: dict) -> ParsedEvent:
        point_id = self.point_id(point)
        start = _rfc3339(((point.get("exercise") or {}).get("interval") or {})["startTime"])
        return ParsedEvent(
            key=f"exercise:{point_id}",
            kind=KIND_CREATE,
            external_id=owner,
            object_id=point_id,
            data={"summary": point, "scope": start.astimezone(UTC).date().isoformat()},
        )

    def _points(self, *, access_token: str, external_id: str, since: datetime, until: datetime):
        """The exercise data points starting in [since, until), following nextPageToken;
        returns (points, complete)."""
        field = f"{DATA_TYPE}.interval.start_time"
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        params = {
            "filter": f'{field} >= "{since.astimezone(UTC).strftime(fmt)}" AND '
            f'{field} < "{until.astimezone(UTC).strftime(fmt)}"',
            "pageSize": PAGE_SIZE,
        }
        url = self._api(f"/users/me/dataTypes/{DATA_TYPE}/dataPoints")
        points: list[dict] = []
        for _page in range(MAX_PAGES):
            body = self.http(
                "GET",
                url,
                access_token=access_token,
                params=params,
                budget_key=self._budget(external_id),
            ).json()
            points.extend(p for p in body.get("dataPoints") or [] if self._usable(p))
            token = body.get("nextPageToken")
            if not token:
                return points, True
            params = {**params, "pageToken": token}
        return points, False

    def list_changed(self, *, access_token: str, event: ParsedEvent) -> Listing:
        day = date.fromisoformat(event.object_id)
        since = datetime(day.year, day.month, day.day, tzinfo=UTC)
        points, complete = self._points(
            access_token=access_token,
            external_id=event.external_id,
            since=since,
            until=since + timedelta(days=1),
        )
        events = [self._point_event(event.external_id, p) for p in points]
        return Listing(events=events, present={e.object_id for e in events} if complete else None)

    def backfill(self, *, access_token: str, external_id: str, since: datetime) -> Listing:
        points, _complete = self._points(
            access_token=access_token,
            external_id=external_id,
            since=since,
            until=datetime.now(UTC) + timedelta(days=1),
        )
        return Listing(events=[self._point_event(external_id, p) for p in points])

    def fetch_activity(self, *, access_token: str, event: ParsedEvent) -> NormalizedActivity:
        summary = event.data.get("summary") or {}
        activity = self._from_tcx(access_token, event)
        if activity is None:
            activity = self.from_summary(summary)
        else:
            self._complete(activity, summary)
        activity.source = "provider"
        activity.provider = self.name
        activity.external_id = event.object_id
        return activity

    def _from_tcx(self, access_token: str, event: ParsedEvent) -> NormalizedActivity | None:
        """The exercise's TCX export (`?alt=media` for the file itself, `partialData` for
        heart rate without GPS), or None when there is none for it."""
        if not _POINT_ID.match(event.object_id):
            return None
        try:
            content = self.http(
                "GET",
                self._api(
                    f"/users/me/dataTypes/{DATA_TYPE}/dataPoints/{event.object_id}"
                    ":exportExerciseTcx"
                ),
                access_token=access_token,
                params={"alt": "media", "partialData": "true"},
                budget_key=self._budget(event.external_id),
            ).content
        except NotReady:
            return None
        try:
            return parsers.parse_file(content)
        except ImportFailed:  # an empty or trackless TCX: the summary says more
            return None

    @staticmethod
    def _zone(interval: dict) -> str:
        offset = _seconds(interval.get("startUtcOffset"))
        return "" if offset is None else utc_offset_zone(int(offset // 60))

    def _complete(self, activity: NormalizedActivity, point: dict) -> None:
        """What the TCX does not say, from the data point: sport, title, zone, calories."""
        exercise = point.get("exercise") or {}
        if not exercise:
            return
        metrics = exercise.get("metricsSummary") or {}
        kind = str(exercise.get("exerciseType") or "").upper()
        activity.sport = SPORTS.get(kind, activity.sport)
        activity.title = activity.title or str(exercise.get("displayName") or "")[:120]
        activity.timezone = activity.timezone or self._zone(exercise.get("interval") or {})
        activity.calories = activity.calories or _number(metrics.get("caloriesKcal"), int)
        activity.avg_heart_rate = activity.avg_heart_rate or _number(
            metrics.get("averageHeartRateBeatsPerMinute")
        )
        activity.device_name = activity.device_name or self._device(point)

    @staticmethod
    def _device(point: dict) -> str:
        source = point.get("dataSource") or {}
        device = source.get("device") or {}
        name = device.get("displayName") or device.get("model") or source.get("platform") or ""
        return str(name)[:100]

    def from_summary(self, point: dict) -> NormalizedActivity:
        exercise = point.get("exercise") or {}
        interval = exercise.get("interval") or {}
        if not interval.get("startTime"):
            raise NotReady("no exercise data point to build the workout from")
        start = _rfc3339(interval["startTime"])
        end = _rfc3339(interval["endTime"]) if interval.get("endTime") else None
        metrics = exercise.get("metricsSummary") or {}
        kind = str(exercise.get("exerciseType") or "").upper()
        distance_mm = _number(metrics.get("distanceMillimeters"))
        elevation_mm = _number(metrics.get("elevationGainMillimeters"))
        elapsed = None if end is None else (end - start).total_seconds()
        active = _seconds(exercise.get("activeDuration"))
        return NormalizedActivity(
            sport=SPORTS.get(kind, "other"),
            start_time=start.astimezone(UTC),
            title=str(exercise.get("displayName") or "")[:120],
            timezone=self._zone(interval),
            device_name=self._device(point),
            elapsed_s=elapsed,
            moving_s=active if active is not None else elapsed,
            distance_m=None if distance_mm is None else _number(distance_mm) / 1000,
            elevation_gain_m=None if elevation_mm is None else _number(elevation_mm) / 1000,
            avg_heart_rate=_number(metrics.get("averageHeartRateBeatsPerMinute")),
            calories=_number(metrics.get("caloriesKcal"), int),
        )
