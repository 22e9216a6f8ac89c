"""Polar AccessLink (www.polar.com/accesslink-api): OAuth 2 (no PKCE, no refresh: tokens last
years; the user is registered with POST /v3/users after the exchange), webhooks signed with
HMAC-SHA256 of the raw body in `Polar-Webhook-Signature` (the PING sent when the webhook is
created is answered and ignored), EXERCISE events whose FIT file is downloaded and parsed by
the file importer (semicircles, UTC timestamps), and DELETE /v3/users/{id} to deregister."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings

from apps.devices import parsers
from apps.devices.providers.base import (
    KIND_CREATE,
    KIND_IGNORE,
    InvalidGrant,
    ParsedEvent,
    Provider,
    SignatureInvalid,
    TokenSet,
    hmac_sha256,
    signatures_match,
)
from apps.devices.types import NormalizedActivity

SIGNATURE_HEADER = "Polar-Webhook-Signature"
EVENT_HEADER = "Polar-Webhook-Event"
SPORT_TITLES = {"run": "Polar run", "ride": "Polar ride", "walk": "Polar walk"}


class PolarProvider(Provider):
    name = "polar"
    label = "Polar Flow"
    supports_pkce = False
    kept_headers = ("Content-Type", "User-Agent", EVENT_HEADER)

    def enabled(self) -> bool:
        return bool(settings.POLAR_CLIENT_ID and settings.POLAR_CLIENT_SECRET)

    def _url(self, setting: str, path: str) -> str:
        return getattr(settings, setting).rstrip("/") + path

    # OAuth ---------------------------------------------------------------------------------
    def authorize_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": settings.POLAR_CLIENT_ID,
                "redirect_uri": redirect_uri,
                "state": state,
            }
        )
        return self._url("POLAR_FLOW_URL", f"/oauth2/authorization?{query}")

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        response = self.http(
            "POST",
            self._url("POLAR_REMOTE_URL", "/v2/oauth2/token"),
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
            auth=(settings.POLAR_CLIENT_ID, settings.POLAR_CLIENT_SECRET),
            headers={"Accept": "application/json"},
            ok_statuses=(200, 400),
        )
        if response.status_code == 400:
            raise InvalidGrant("Polar refused the code")
        body = response.json()
        tokens = TokenSet(
            access_token=body["access_token"],
            external_id=str(body.get("x_user_id", "")),
            scopes="accesslink.read_all",
        )
        # AccessLink serves a user's data only once the partner registered them (409: already).
        self.http(
            "POST",
            self._url("POLAR_API_URL", "/v3/users"),
            access_token=tokens.access_token,
            json={"member-id": f"stride-{tokens.external_id}"},
            ok_statuses=(200, 201, 409),
        )
        return tokens

    def refresh(self, *, refresh_token: str) -> TokenSet:
        raise InvalidGrant("Polar tokens are not refreshed: connect again")

    def deauthorize(self, *, access_token: str, external_id: str = "") -> None:
        self.http(
            "DELETE",
            self._url("POLAR_API_URL", f"/v3/users/{int(external_id)}"),
            access_token=access_token,
            ok_statuses=(200, 204, 401),
        )

    # Webhooks ------------------------------------------------------------------------------
    def verify(self, *, body: bytes, headers) -> None:
        expected = hmac_sha256(settings.POLAR_WEBHOOK_SECRET, body)
        if not settings.POLAR_WEBHOOK_SECRET or not signatures_match(
            expected, headers.get(SIGNATURE_HEADER, "")
        ):
            raise SignatureInvalid("Polar signature mismatch")

    def parse_events(self, *, body: bytes, headers) -> list[ParsedEvent]:
        data = json.loads(body)
        kind_name = str(data.get("event", ""))
        if kind_name == "EXERCISE":
            entity = str(data["entity_id"])[:64]
            return [
                ParsedEvent(
                    key=f"exercise:{entity}",
                    kind=KIND_CREATE,
                    external_id=str(data["user_id"])[:64],
                    object_id=entity,
                )
            ]
        return [
            ParsedEvent(
                key=f"{kind_name.lower()}:{data.get('entity_id') or data.get('timestamp')}"[:200],
                kind=KIND_IGNORE,
                external_id=str(data.get("user_id", ""))[:64],
            )
        ]

    # Data ----------------------------------------------------------------------------------
    def fetch_activity(self, *, access_token: str, event: ParsedEvent) -> NormalizedActivity:
        exercise = self._url("POLAR_API_URL", f"/v3/exercises/{event.object_id}")
        detail = self.http("GET", exercise, access_token=access_token).json()
        data = self.http(
            "GET", f"{exercise}/fit", access_token=access_token, headers={"Accept": "*/*"}
        ).content
        activity = parsers.parse_file(data)
        activity.source = "provider"
        activity.provider = self.name
        activity.external_id = event.object_id
        activity.title = activity.title or SPORT_TITLES.get(activity.sport, "")
        activity.device_name = str(detail.get("device") or activity.device_name)[:100]
        activity.timezone = activity.timezone or utc_offset_zone(
            detail.get("start_time_utc_offset")
        )
        return activity


def utc_offset_zone(minutes) -> str:
    """An IANA zone for a whole-hour UTC offset (Etc/GMT signs are inverted), else ""."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    if minutes % 60 or abs(minutes) > 14 * 60:
        return ""
    hours = minutes // 60
    return "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"
