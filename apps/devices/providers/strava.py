"""Strava (developers.strava.com): OAuth 2 without PKCE and with rotating refresh tokens,
webhook subscriptions confirmed by the `hub.challenge` GET handshake, unsigned event posts
(checked by subscription id, then everything is re-fetched with the athlete's token), the
activity and its streams from API v3, and 15-minute / daily request budgets read from
X-RateLimit-Limit / X-RateLimit-Usage ("short,daily").

Strava's API agreement allows showing Strava data to its owner only:
`training.selectors.OWNER_ONLY_PROVIDERS` keeps these activities out of everyone else's view.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings

from apps.devices.providers.base import (
    KIND_CREATE,
    KIND_DEAUTHORIZE,
    KIND_DELETE,
    KIND_IGNORE,
    KIND_UPDATE,
    InvalidGrant,
    NotReady,
    ParsedEvent,
    Provider,
    ProviderError,
    RecentActivity,
    SignatureInvalid,
    TokenSet,
    budget_record,
    signatures_match,
)
from apps.devices.types import NormalizedActivity, NormalizedStreams

STREAM_KEYS = "latlng,time,heartrate,cadence,altitude,distance"
SCOPES = "read,activity:read_all"
SHORT_WINDOW_S = 15 * 60
RUN_SPORTS = {"run", "trail_run", "walk", "hike"}  # cadence reported per leg: doubled
SPORTS = {
    "Run": "run",
    "VirtualRun": "run",
    "TrailRun": "trail_run",
    "Walk": "walk",
    "Hike": "hike",
    "Ride": "ride",
    "VirtualRide": "ride",
    "GravelRide": "ride",
    "MountainBikeRide": "ride",
    "EBikeRide": "ride",
    "Swim": "swim",
    "Yoga": "yoga",
    "WeightTraining": "strength",
}
ASPECTS = {"create": KIND_CREATE, "update": KIND_UPDATE, "delete": KIND_DELETE}
PAGE_SIZE = 100


def _epoch(value) -> datetime | None:
    return None if value in (None, "") else datetime.fromtimestamp(int(value), UTC)


def _iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _seconds_to_window_end(now: float, window_s: int) -> float:
    return window_s - (now % window_s) + 1


class StravaProvider(Provider):
    name = "strava"
    label = "Strava"
    supports_pkce = False
    supports_reconciliation = True
    kept_headers = ("Content-Type", "User-Agent")

    def enabled(self) -> bool:
        return bool(settings.STRAVA_CLIENT_ID and settings.STRAVA_CLIENT_SECRET)

    @property
    def base(self) -> str:
        return settings.STRAVA_BASE_URL.rstrip("/")

    # OAuth ---------------------------------------------------------------------------------
    def authorize_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "client_id": settings.STRAVA_CLIENT_ID,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "approval_prompt": "auto",
                "scope": SCOPES,
                "state": state,
            }
        )
        return f"{self.base}/oauth/authorize?{query}"

    def _token_request(self, data: dict) -> TokenSet:
        data = {
            "client_id": settings.STRAVA_CLIENT_ID,
            "client_secret": settings.STRAVA_CLIENT_SECRET,
            **data,
        }
        response = self.http("POST", f"{self.base}/oauth/token", data=data, ok_statuses=(200, 400))
        if response.status_code == 400:
            raise InvalidGrant("Strava refused the code or refresh token")
        body = response.json()
        athlete = body.get("athlete") or {}
        return TokenSet(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_at=_epoch(body.get("expires_at")),
            external_id=str(athlete.get("id", "")),
        )

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        tokens = self._token_request({"code": code, "grant_type": "authorization_code"})
        tokens.scopes = SCOPES
        return tokens

    def refresh(self, *, refresh_token: str) -> TokenSet:
        return self._token_request({"refresh_token": refresh_token, "grant_type": "refresh_token"})

    def deauthorize(self, *, access_token: str, external_id: str = "") -> None:
        self.http(
            "POST",
            f"{self.base}/oauth/deauthorize",
            data={"access_token": access_token},
            ok_statuses=(200, 401),
        )

    # Webhooks ------------------------------------------------------------------------------
    def handshake(self, params: dict) -> dict | None:
        if params.get("hub.mode") != "subscribe":
            return None
        if not signatures_match(settings.STRAVA_VERIFY_TOKEN, params.get("hub.verify_token", "")):
            return None
        return {"hub.challenge": params.get("hub.challenge", "")}

    def verify(self, *, body: bytes, headers) -> None:
        """Strava signs nothing: an event counts only when it names our subscription, and then
        nothing in it is trusted beyond ids (the activity is fetched with the athlete's token)."""
        try:
            data = json.loads(body)
            subscription = str(data["subscription_id"])
        except (ValueError, KeyError, TypeError):
            raise SignatureInvalid("not a Strava event") from None
        if not signatures_match(str(settings.STRAVA_SUBSCRIPTION_ID), subscription):
            raise SignatureInvalid("not our subscription")

    def parse_events(self, *, body: bytes, headers) -> list[ParsedEvent]:
        data = json.loads(body)
        object_type, aspect = data.get("object_type"), data.get("aspect_type")
        updates = data.get("updates") or {}
        if object_type == "activity":
            kind = ASPECTS.get(aspect, KIND_IGNORE)
        elif object_type == "athlete" and str(updates.get("authorized", "")).lower() == "false":
            kind = KIND_DEAUTHORIZE
        else:
            kind = KIND_IGNORE
        key = f"{object_type}:{data.get('object_id')}:{aspect}:{data.get('event_time')}"
        return [
            ParsedEvent(
                key=key[:200],
                kind=kind,
                external_id=str(data.get("owner_id", ""))[:64],
                object_id=str(data.get("object_id", ""))[:64],
            )
        ]

    # Data ----------------------------------------------------------------------------------
    def fetch_activity(self, *, access_token: str, event: ParsedEvent) -> NormalizedActivity:
        api = f"{self.base}/api/v3/activities/{int(event.object_id)}"
        detail = self.http("GET", api, access_token=access_token).json()
        try:
            streams = self.http(
                "GET",
                f"{api}/streams",
                access_token=access_token,
                params={"keys": STREAM_KEYS, "key_by_type": "true"},
            ).json()
        except NotReady:
            streams = {}  # a manual entry at Strava has no streams
        return self.normalize(detail, streams)

    def normalize(self, detail: dict, streams: dict) -> NormalizedActivity:
        sport = SPORTS.get(detail.get("sport_type") or detail.get("type") or "", "other")
        factor = 2 if sport in RUN_SPORTS else 1
        cadence = detail.get("average_cadence")
        timezone = str(detail.get("timezone") or "")
        return NormalizedActivity(
            sport=sport,
            start_time=_iso(detail["start_date"]),
            source="provider",
            provider=self.name,
            external_id=str(detail["id"]),
            title=str(detail.get("name") or "")[:120],
            timezone=timezone.rsplit(" ", 1)[-1] if timezone else "",
            device_name=str(detail.get("device_name") or "")[:100],
            elapsed_s=detail.get("elapsed_time"),
            moving_s=detail.get("moving_time"),
            distance_m=detail.get("distance"),
            elevation_gain_m=detail.get("total_elevation_gain"),
            avg_heart_rate=detail.get("average_heartrate"),
            max_heart_rate=detail.get("max_heartrate"),
            avg_cadence=None if cadence is None else cadence * factor,
            avg_power=detail.get("average_watts"),
            calories=detail.get("calories"),
            streams=self._streams(streams, factor),
        )

    def _streams(self, streams: dict, cadence_factor: int) -> NormalizedStreams | None:
        def data(key):
            return (streams.get(key) or {}).get("data")

        time_s = data("time")
        if not time_s:
            return None
        n = len(time_s)

        def column(values):
            return None if values is None or len(values) != n else values

        latlng = column(data("latlng"))
        cadence = column(data("cadence"))
        return NormalizedStreams(
            time=[float(t) for t in time_s],
            lat=None if latlng is None else [p[0] if p else None for p in latlng],
            lng=None if latlng is None else [p[1] if p else None for p in latlng],
            altitude=column(data("altitude")),
            heart_rate=column(data("heartrate")),
            cadence=None
            if cadence is None
            else [None if c is None else c * cadence_factor for c in cadence],
            distance=column(data("distance")),
        )

    def list_recent(self, *, access_token: str, since: datetime) -> list[RecentActivity]:
        found, page = [], 1
        while True:
            items = self.http(
                "GET",
                f"{self.base}/api/v3/athlete/activities",
                access_token=access_token,
                params={"after": int(since.timestamp()), "page": page, "per_page": PAGE_SIZE},
            ).json()
            found += [RecentActivity(str(a["id"]), _iso(a["start_date"])) for a in items]
            if len(items) < PAGE_SIZE:
                return found
            page += 1

    # Budget --------------------------------------------------------------------------------
    def _windows(self, response) -> list[tuple[int, int, float]]:
        try:
            limits = [int(v) for v in response.headers["X-RateLimit-Limit"].split(",")]
            usage = [int(v) for v in response.headers["X-RateLimit-Usage"].split(",")]
        except (KeyError, ValueError):
            return []
        now = time.time()
        resets = [_seconds_to_window_end(now, SHORT_WINDOW_S), _seconds_to_window_end(now, 86400)]
        return list(zip(usage, limits, resets, strict=False))

    def track_budget(self, response, key: str) -> None:
        windows = self._windows(response)
        if not windows:
            return
        # The binding window: a used-up one (the longest wait), else the short one.
        spent = [w for w in windows if w[0] >= w[1]]
        usage, limit, reset = max(spent, key=lambda w: w[2]) if spent else windows[0]
        budget_record(key, usage=usage, limit=limit, reset_s=reset)

    def reset_after(self, response) -> float:
        if "Retry-After" in response.headers:
            return super().reset_after(response)
        windows = self._windows(response)
        spent = [w[2] for w in windows if w[0] >= w[1]]
        return max(spent) if spent else _seconds_to_window_end(time.time(), SHORT_WINDOW_S)


__all__ = ["ProviderError", "StravaProvider"]
