"""Garmin Connect Developer Program, Health / Activity API style: OAuth 2 with PKCE (consent
on connect.garmin.com, tokens from diauth.garmin.com, refresh tokens rotate), the user id from
/wellness-api/rest/user/id, push notifications (activity summaries inline) and ping
notifications (`activityFiles` with a callback URL to pull the FIT file from), deregistration
notifications and DELETE /wellness-api/rest/user/registration. Garmin answers within 30 s are
expected and ad-hoc polling is not allowed: no reconciliation.

Garmin does not sign notifications: a delivery must carry our `garmin-client-id` header, and
every callback URL must point at the configured API host (never fetch a URL a stranger chose
with a person's token)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings

from apps.devices import parsers
from apps.devices.providers.base import (
    KIND_CREATE,
    KIND_DEAUTHORIZE,
    KIND_IGNORE,
    InvalidGrant,
    ParsedEvent,
    Provider,
    SignatureInvalid,
    TokenSet,
    signatures_match,
)
from apps.devices.providers.polar import utc_offset_zone
from apps.devices.types import NormalizedActivity

CLIENT_HEADER = "garmin-client-id"
SPORTS = {
    "RUNNING": "run",
    "TREADMILL_RUNNING": "run",
    "TRAIL_RUNNING": "trail_run",
    "WALKING": "walk",
    "HIKING": "hike",
    "CYCLING": "ride",
    "ROAD_BIKING": "ride",
    "MOUNTAIN_BIKING": "ride",
    "INDOOR_CYCLING": "ride",
    "LAP_SWIMMING": "swim",
    "OPEN_WATER_SWIMMING": "swim",
    "YOGA": "yoga",
    "STRENGTH_TRAINING": "strength",
}


class GarminProvider(Provider):
    name = "garmin"
    label = "Garmin Connect"
    supports_pkce = True
    kept_headers = ("Content-Type", "User-Agent", CLIENT_HEADER)

    def enabled(self) -> bool:
        return bool(settings.GARMIN_CLIENT_ID and settings.GARMIN_CLIENT_SECRET)

    def _url(self, setting: str, path: str) -> str:
        return getattr(settings, setting).rstrip("/") + path

    # OAuth ---------------------------------------------------------------------------------
    def authorize_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "client_id": settings.GARMIN_CLIENT_ID,
                "response_type": "code",
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
                "redirect_uri": redirect_uri,
                "state": state,
            }
        )
        return self._url("GARMIN_CONNECT_URL", f"/oauth2Confirm?{query}")

    def _token(self, data: dict) -> TokenSet:
        response = self.http(
            "POST",
            self._url("GARMIN_AUTH_URL", "/di-oauth2-service/oauth/token"),
            data={
                "client_id": settings.GARMIN_CLIENT_ID,
                "client_secret": settings.GARMIN_CLIENT_SECRET,
                **data,
            },
            ok_statuses=(200, 400),
        )
        if response.status_code == 400:
            raise InvalidGrant("Garmin refused the code or refresh token")
        body = response.json()
        expires = body.get("expires_in")
        return TokenSet(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_at=None
            if expires is None
            else datetime.fromtimestamp(datetime.now(UTC).timestamp() + int(expires), UTC),
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
        user = self.http(
            "GET",
            self._url("GARMIN_API_URL", "/wellness-api/rest/user/id"),
            access_token=tokens.access_token,
        ).json()
        tokens.external_id = str(user["userId"])
        return tokens

    def refresh(self, *, refresh_token: str) -> TokenSet:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def deauthorize(self, *, access_token: str, external_id: str = "") -> None:
        self.http(
            "DELETE",
            self._url("GARMIN_API_URL", "/wellness-api/rest/user/registration"),
            access_token=access_token,
            ok_statuses=(200, 204, 401),
        )

    # Notifications -------------------------------------------------------------------------
    def verify(self, *, body: bytes, headers) -> None:
        if not signatures_match(settings.GARMIN_CLIENT_ID, headers.get(CLIENT_HEADER, "")):
            raise SignatureInvalid("not our Garmin client")
        api = settings.GARMIN_API_URL.rstrip("/") + "/"
        try:
            files = json.loads(body).get("activityFiles") or []
            urls = [str(f.get("callbackURL", "")) for f in files]
        except (ValueError, AttributeError):
            raise SignatureInvalid("not a Garmin notification") from None
        if any(not url.startswith(api) for url in urls):
            raise SignatureInvalid("a callback URL off Garmin's API host")

    def parse_events(self, *, body: bytes, headers) -> list[ParsedEvent]:
        data = json.loads(body)
        digest = hashlib.sha256(body).hexdigest()[:16]
        events = []
        for item in data.get("activityFiles") or []:
            events.append(
                ParsedEvent(
                    key=f"file:{item['summaryId']}"[:200],
                    kind=KIND_CREATE if item.get("fileType", "FIT") == "FIT" else KIND_IGNORE,
                    external_id=str(item["userId"])[:64],
                    object_id=str(item.get("activityId") or item["summaryId"])[:64],
                    data={"callback": item["callbackURL"]},
                )
            )
        for item in data.get("activities") or []:
            events.append(
                ParsedEvent(
                    key=f"activity:{item['summaryId']}"[:200],
                    kind=KIND_CREATE,
                    external_id=str(item["userId"])[:64],
                    object_id=str(item.get("activityId") or item["summaryId"])[:64],
                    data={"summary": item},
                )
            )
        for item in data.get("deregistrations") or []:
            events.append(
                ParsedEvent(
                    key=f"deregistration:{item['userId']}:{digest}",
                    kind=KIND_DEAUTHORIZE,
                    external_id=str(item["userId"])[:64],
                )
            )
        for key in set(data) - {"activityFiles", "activities", "deregistrations"}:
            events.append(
                ParsedEvent(key=f"{key}:{digest}"[:200], kind=KIND_IGNORE, external_id="")
            )
        return events

    # Data ----------------------------------------------------------------------------------
    def fetch_activity(self, *, access_token: str, event: ParsedEvent) -> NormalizedActivity:
        if "callback" in event.data:
            content = self.http("GET", event.data["callback"], access_token=access_token).content
            activity = parsers.parse_file(content)
        else:
            activity = self.from_summary(event.data["summary"])
        activity.source = "provider"
        activity.provider = self.name
        activity.external_id = event.object_id
        return activity

    def from_summary(self, item: dict) -> NormalizedActivity:
        offset_s = item.get("startTimeOffsetInSeconds")
        return NormalizedActivity(
            sport=SPORTS.get(str(item.get("activityType", "")).upper(), "other"),
            start_time=datetime.fromtimestamp(int(item["startTimeInSeconds"]), UTC),
            title=str(item.get("activityName") or "")[:120],
            timezone=utc_offset_zone(None if offset_s is None else int(offset_s) // 60),
            device_name=str(item.get("deviceName") or "")[:100],
            elapsed_s=item.get("durationInSeconds"),
            moving_s=item.get("movingDurationInSeconds") or item.get("durationInSeconds"),
            distance_m=item.get("distanceInMeters"),
            elevation_gain_m=item.get("totalElevationGainInMeters"),
            avg_heart_rate=item.get("averageHeartRateInBeatsPerMinute"),
            max_heart_rate=item.get("maxHeartRateInBeatsPerMinute"),
            avg_cadence=item.get("averageRunCadenceInStepsPerMinute")
            or item.get("averageBikeCadenceInRoundsPerMinute"),
            calories=item.get("activeKilocalories"),
        )
