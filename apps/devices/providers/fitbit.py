"""Fitbit Web API (dev.fitbit.com/build/reference/web-api): OAuth 2 authorization code with
PKCE (consent on www.fitbit.com, tokens from api.fitbit.com/oauth2/token with HTTP Basic client
auth; a refresh token works once and is replaced, so refreshing is single-flight), the
Subscriptions API (one `activities` and one `userRevokedAccess` subscription per athlete),
the subscriber check (GET `?verify=`: 204 for our code, 404 for any other), notifications
(a JSON list of {collectionType, date, ownerId, ownerType, subscriptionId}) signed in
`X-Fitbit-Signature` (base64 HMAC-SHA1 of the raw body, key client secret + "&") and answered
204, the day's activity log list, the TCX of each logged exercise (the summary where there is
none), /oauth2/revoke, and a budget of 150 requests an hour per athlete read from the
`Fitbit-Rate-Limit-*` headers.

A notification names a day, not a workout: it becomes one KIND_SYNC event per athlete and day
(re-armed by every notification for that day); listing the day stores one event per activity
log, keyed by the log id, so a log is fetched once however often the day changes, and a log
gone from a completely listed day was deleted at Fitbit.

Google turned the legacy Fitbit Web API off in November 2026 (its successor is the Google
Health API): docs/integrations.md says what that means for this adapter.
"""

from __future__ import annotations

import contextlib
import json
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings

from apps.devices import parsers
from apps.devices.exceptions import ImportFailed
from apps.devices.providers.base import (
    KIND_ATHLETE_DELETE,
    KIND_CREATE,
    KIND_DEAUTHORIZE,
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
    budget_record,
    hmac_sha1_base64,
    signatures_match,
)
from apps.devices.providers.polar import utc_offset_zone
from apps.devices.types import NormalizedActivity

SIGNATURE_HEADER = "X-Fitbit-Signature"
SUBSCRIBER_HEADER = "X-Fitbit-Subscriber-Id"
SCOPES = "activity heartrate location profile"
COLLECTIONS = ("activities", "userRevokedAccess")
PAGE_SIZE = 100  # the list endpoint's maximum
MAX_PAGES = 20
HOUR_S = 3600
# activityName → Stride sport (Fitbit's names for its exercise types).
SPORTS = {
    "run": "run",
    "treadmill": "run",
    "walk": "walk",
    "hike": "hike",
    "bike": "ride",
    "outdoor bike": "ride",
    "spinning": "ride",
    "swim": "swim",
    "yoga": "yoga",
    "weights": "strength",
    "workout": "strength",
}
# distanceUnit of a log → metres per unit (the unit follows the athlete's locale).
DISTANCE_UNITS = {"Kilometer": 1000.0, "Mile": 1609.344, "Meter": 1.0}
FEET = 0.3048


def _iso(value: str) -> datetime:
    """Fitbit's startTime ("2019-01-03T12:08:00.000-08:00"): local time with its offset."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _offset_minutes(moment: datetime) -> int | None:
    offset = moment.utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def _day(value: str) -> date:
    return date.fromisoformat(str(value)[:10])


class FitbitProvider(Provider):
    name = "fitbit"
    label = "Fitbit"
    supports_pkce = True
    supports_reconciliation = True
    supports_backfill = True
    ack_status = 204
    kept_headers = ("Content-Type", "User-Agent")

    def enabled(self) -> bool:
        return bool(settings.FITBIT_CLIENT_ID and settings.FITBIT_CLIENT_SECRET)

    def _url(self, setting: str, path: str) -> str:
        return getattr(settings, setting).rstrip("/") + path

    def _basic(self) -> tuple[str, str]:
        return (settings.FITBIT_CLIENT_ID, settings.FITBIT_CLIENT_SECRET)

    def _budget(self, external_id: str) -> str:
        return f"{self.name}:{external_id}" if external_id else self.name

    # OAuth ---------------------------------------------------------------------------------
    def authorize_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "client_id": settings.FITBIT_CLIENT_ID,
                "response_type": "code",
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
                "scope": SCOPES,
                "redirect_uri": redirect_uri,
                "state": state,
            }
        )
        return self._url("FITBIT_AUTH_URL", f"/oauth2/authorize?{query}")

    def _token(self, data: dict) -> TokenSet:
        response = self.http(
            "POST",
            self._url("FITBIT_API_URL", "/oauth2/token"),
            data=data,
            auth=self._basic(),
            ok_statuses=(200, 400),
        )
        if response.status_code == 400:  # invalid_grant: a wrong, used or expired code/token
            raise InvalidGrant("Fitbit refused the code or refresh token")
        body = response.json()
        expires = body.get("expires_in")
        return TokenSet(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_at=None
            if expires is None
            else datetime.now(UTC) + timedelta(seconds=int(expires)),
            scopes=str(body.get("scope", ""))[:255],
            external_id=str(body.get("user_id", ""))[:64],
        )

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        tokens = self._token(
            {
                "client_id": settings.FITBIT_CLIENT_ID,
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": code_verifier,
                "redirect_uri": redirect_uri,
            }
        )
        if tokens.external_id:
            for collection in COLLECTIONS:
                self._subscribe(tokens.access_token, tokens.external_id, collection)
        return tokens

    def _subscription_path(self, external_id: str, collection: str) -> str:
        # A subscription id is ours to choose (at most 50 characters), one per collection.
        sid = f"stride-{external_id}-{'a' if collection == 'activities' else 'r'}"
        return f"/1/user/-/{collection}/apiSubscriptions/{sid}.json"

    def _subscribe(self, access_token: str, external_id: str, collection: str) -> None:
        headers = {}
        if settings.FITBIT_SUBSCRIBER_ID:
            headers[SUBSCRIBER_HEADER] = settings.FITBIT_SUBSCRIBER_ID
        # 201 created, 200 it exists already with this id, 409 one exists under another id.
        self.http(
            "POST",
            self._url("FITBIT_API_URL", self._subscription_path(external_id, collection)),
            access_token=access_token,
            headers=headers,
            ok_statuses=(200, 201, 409),
            budget_key=self._budget(external_id),
        )

    def refresh(self, *, refresh_token: str) -> TokenSet:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def deauthorize(self, *, access_token: str, external_id: str = "") -> None:
        """Stop the notifications, then revoke: revoking one token revokes all of them."""
        if external_id:
            for collection in COLLECTIONS:
                # gone already, or the token is: the revocation below runs anyway
                with contextlib.suppress(NotReady, InvalidGrant):
                    self.http(
                        "DELETE",
                        self._url(
                            "FITBIT_API_URL", self._subscription_path(external_id, collection)
                        ),
                        access_token=access_token,
                        ok_statuses=(200, 204),
                        budget_key=self._budget(external_id),
                    )
        self.http(
            "POST",
            self._url("FITBIT_API_URL", "/oauth2/revoke"),
            data={"token": access_token},
            auth=self._basic(),
            ok_statuses=(200, 400, 401),
        )

    # Notifications -------------------------------------------------------------------------
    def handshake(self, params: dict) -> int | None:
        """The subscriber check: Fitbit sends our code once (204) and a wrong one once (404)."""
        code = settings.FITBIT_VERIFY_CODE
        given = str(params.get("verify", ""))
        return 204 if code and signatures_match(code, given) else 404

    def verify(self, *, body: bytes, headers) -> None:
        secret = settings.FITBIT_CLIENT_SECRET
        expected = hmac_sha1_base64(f"{secret}&", body)
        if not secret or not signatures_match(expected, headers.get(SIGNATURE_HEADER, "")):
            raise SignatureInvalid("Fitbit signature mismatch")

    def parse_events(self, *, body: bytes, headers) -> list[ParsedEvent]:
        items = json.loads(body)
        if not isinstance(items, list):
            raise ValueError("a Fitbit notification is a JSON list")
        events: dict[str, ParsedEvent] = {}  # one per key: a batch may repeat itself
        for item in items:
            owner = str(item["ownerId"])[:64]
            collection = str(item.get("collectionType", ""))
            day = str(item.get("date", ""))
            if collection == "activities":
                _day(day)  # a date, or the notification is malformed
                event = ParsedEvent(
                    key=f"day:{owner}:{day}", kind=KIND_SYNC, external_id=owner, object_id=day
                )
            elif collection in ("userRevokedAccess", "deleteUser"):
                kind = (
                    KIND_DEAUTHORIZE if collection == "userRevokedAccess" else KIND_ATHLETE_DELETE
                )
                event = ParsedEvent(
                    key=f"{collection}:{owner}:{day}:{int(time.time())}",
                    kind=kind,
                    external_id=owner,
                )
            else:
                event = ParsedEvent(
                    key=f"{collection}:{owner}:{day}"[:200], kind=KIND_IGNORE, external_id=owner
                )
            events[event.key] = event
        return list(events.values())

    # Data ----------------------------------------------------------------------------------
    def _log_event(self, owner: str, log: dict) -> ParsedEvent:
        log_id = str(int(log["logId"]))
        return ParsedEvent(
            key=f"log:{log_id}",
            kind=KIND_CREATE,
            external_id=owner,
            object_id=log_id,
            data={"summary": log, "scope": str(log.get("startTime", ""))[:10]},
        )

    def _logs_after(self, *, access_token: str, external_id: str, after: date, until: date):
        """The activity logs from the day after `after` to `until` (inclusive), following the
        list's `pagination.next`; returns (logs, complete)."""
        url = self._url("FITBIT_API_URL", "/1/user/-/activities/list.json")
        params: dict | None = {
            "afterDate": after.isoformat(),
            "sort": "asc",
            "limit": PAGE_SIZE,
            "offset": 0,
        }
        api = settings.FITBIT_API_URL.rstrip("/") + "/"
        logs = []
        for _page in range(MAX_PAGES):
            body = self.http(
                "GET",
                url,
                access_token=access_token,
                params=params,
                budget_key=self._budget(external_id),
            ).json()
            page = body.get("activities") or []
            for log in page:
                if _day(log["startTime"]) > until:
                    return logs, True
                logs.append(log)
            following = str((body.get("pagination") or {}).get("next") or "")
            if not page or not following:
                return logs, True
            if not following.startswith(api):  # never send a token where Fitbit did not point
                raise ProviderError("a pagination link off Fitbit's API host")
            url, params = following, None
        return logs, False

    def list_changed(self, *, access_token: str, event: ParsedEvent) -> Listing:
        day = _day(event.object_id)
        logs, complete = self._logs_after(
            access_token=access_token,
            external_id=event.external_id,
            after=day - timedelta(days=1),
            until=day,
        )
        logs = [log for log in logs if _day(log["startTime"]) == day]
        events = [self._log_event(event.external_id, log) for log in logs]
        return Listing(events=events, present={e.object_id for e in events} if complete else None)

    def backfill(self, *, access_token: str, external_id: str, since: datetime) -> Listing:
        logs, _complete = self._logs_after(
            access_token=access_token,
            external_id=external_id,
            after=since.date() - timedelta(days=1),
            until=datetime.now(UTC).date() + timedelta(days=1),
        )
        return Listing(events=[self._log_event(external_id, log) for log in logs])

    def fetch_activity(self, *, access_token: str, event: ParsedEvent) -> NormalizedActivity:
        summary = event.data.get("summary") or {}
        activity = None
        if summary.get("logType") != "manual":  # a manual log has no track
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
        """The exercise's TCX (GPS and heart rate), or None when Fitbit has none for it."""
        try:
            content = self.http(
                "GET",
                self._url("FITBIT_API_URL", f"/1/user/-/activities/{int(event.object_id)}.tcx"),
                access_token=access_token,
                params={"includePartialTCX": "true"},
                headers={"Accept": "application/vnd.garmin.tcx+xml"},
                budget_key=self._budget(event.external_id),
            ).content
        except NotReady:
            return None
        try:
            return parsers.parse_file(content)
        except ImportFailed:  # an empty or trackless TCX: the summary says more
            return None

    def _complete(self, activity: NormalizedActivity, summary: dict) -> None:
        """What the TCX does not say, from the log: the sport, title, zone, calories."""
        if not summary:
            return
        name = str(summary.get("activityName") or "")
        activity.sport = SPORTS.get(name.lower(), activity.sport)
        activity.title = activity.title or name[:120]
        if summary.get("startTime"):
            activity.timezone = activity.timezone or utc_offset_zone(
                _offset_minutes(_iso(summary["startTime"]))
            )
        activity.calories = activity.calories or summary.get("calories")
        activity.avg_heart_rate = activity.avg_heart_rate or summary.get("averageHeartRate")
        activity.device_name = (
            activity.device_name or str((summary.get("source") or {}).get("name") or "")[:100]
        )

    def from_summary(self, log: dict) -> NormalizedActivity:
        if not log.get("startTime"):
            raise NotReady("no activity log to build the workout from")
        start = _iso(log["startTime"])
        name = str(log.get("activityName") or "")
        unit = str(log.get("distanceUnit") or "Kilometer")
        distance = log.get("distance")
        elevation = log.get("elevationGain")
        duration_ms = log.get("duration")
        active_ms = log.get("activeDuration") or duration_ms
        return NormalizedActivity(
            sport=SPORTS.get(name.lower(), "other"),
            start_time=start.astimezone(UTC),
            title=name[:120],
            timezone=utc_offset_zone(_offset_minutes(start)),
            device_name=str((log.get("source") or {}).get("name") or "")[:100],
            elapsed_s=None if duration_ms is None else float(duration_ms) / 1000,
            moving_s=None if active_ms is None else float(active_ms) / 1000,
            distance_m=None
            if distance is None
            else float(distance) * DISTANCE_UNITS.get(unit, 1000.0),
            elevation_gain_m=None
            if elevation is None
            else float(elevation) * (FEET if unit == "Mile" else 1.0),
            avg_heart_rate=log.get("averageHeartRate"),
            calories=log.get("calories"),
        )

    # Budget: 150 requests an hour per athlete ------------------------------------------------
    def track_budget(self, response, key: str) -> None:
        if key == self.name:  # only athletes' budgets: a shared one would hold back everyone
            return
        try:
            limit = int(response.headers["Fitbit-Rate-Limit-Limit"])
            remaining = int(response.headers["Fitbit-Rate-Limit-Remaining"])
            reset = float(response.headers["Fitbit-Rate-Limit-Reset"])
        except (KeyError, ValueError):
            return
        budget_record(key, usage=max(0, limit - remaining), limit=limit, reset_s=reset + 1)

    def reset_after(self, response) -> float:
        for header in ("Fitbit-Rate-Limit-Reset", "Retry-After"):
            try:
                return float(response.headers[header]) + 1
            except (KeyError, ValueError):
                continue
        return HOUR_S - (time.time() % HOUR_S) + 1  # the window ends at the top of the hour
