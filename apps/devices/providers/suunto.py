"""Suunto Cloud API (apizone.suunto.com): OAuth 2 with HTTP Basic client auth and refresh
tokens (the token answer names the Suunto `user`), every API call with the
`Ocp-Apim-Subscription-Key` header, webhook notifications signed with HMAC-SHA256 of the raw
body under the app's notification secret (hex, `X-HMAC-SHA256-Signature`), "fat" WORKOUT_CREATED
events carrying the workout summary and its UTC offset, and the workout's FIT export."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
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
from apps.devices.providers.polar import utc_offset_zone
from apps.devices.types import NormalizedActivity

SIGNATURE_HEADER = "X-HMAC-SHA256-Signature"
KEY_HEADER = "Ocp-Apim-Subscription-Key"


class SuuntoProvider(Provider):
    name = "suunto"
    label = "Suunto"
    supports_pkce = False
    kept_headers = ("Content-Type", "User-Agent")

    def enabled(self) -> bool:
        return bool(settings.SUUNTO_CLIENT_ID and settings.SUUNTO_CLIENT_SECRET)

    def _url(self, setting: str, path: str) -> str:
        return getattr(settings, setting).rstrip("/") + path

    def authorize_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": settings.SUUNTO_CLIENT_ID,
                "redirect_uri": redirect_uri,
                "state": state,
            }
        )
        return self._url("SUUNTO_OAUTH_URL", f"/oauth/authorize?{query}")

    def _token(self, data: dict) -> TokenSet:
        response = self.http(
            "POST",
            self._url("SUUNTO_OAUTH_URL", "/oauth/token"),
            data=data,
            auth=(settings.SUUNTO_CLIENT_ID, settings.SUUNTO_CLIENT_SECRET),
            ok_statuses=(200, 400),
        )
        if response.status_code == 400:
            raise InvalidGrant("Suunto refused the code or refresh token")
        body = response.json()
        expires = body.get("expires_in")
        return TokenSet(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_at=None
            if expires is None
            else datetime.now(UTC) + timedelta(seconds=int(expires)),
            scopes=str(body.get("scope", ""))[:255],
            external_id=str(body.get("user", ""))[:64],
        )

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        return self._token(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        )

    def refresh(self, *, refresh_token: str) -> TokenSet:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def deauthorize(self, *, access_token: str, external_id: str = "") -> None:
        self.http(
            "GET",
            self._url("SUUNTO_OAUTH_URL", "/oauth/deauthorize"),
            access_token=access_token,
            params={"client_id": settings.SUUNTO_CLIENT_ID},
            ok_statuses=(200, 204, 401),
        )

    def verify(self, *, body: bytes, headers) -> None:
        secret = settings.SUUNTO_NOTIFICATION_SECRET
        if not secret or not signatures_match(
            hmac_sha256(secret, body), headers.get(SIGNATURE_HEADER, "").lower()
        ):
            raise SignatureInvalid("Suunto signature mismatch")

    def parse_events(self, *, body: bytes, headers) -> list[ParsedEvent]:
        data = json.loads(body)
        user = str(data.get("username", ""))[:64]
        if data.get("type") == "WORKOUT_CREATED":
            workout = data["workout"]
            key = str(workout["workoutKey"])[:64]
            return [
                ParsedEvent(
                    key=f"workout:{key}",
                    kind=KIND_CREATE,
                    external_id=user,
                    object_id=key,
                    data={"offset_min": workout.get("timeOffsetInMinutes")},
                )
            ]
        digest = hashlib.sha256(body).hexdigest()[:16]
        return [
            ParsedEvent(
                key=f"{data.get('type', '')}:{digest}"[:200], kind=KIND_IGNORE, external_id=user
            )
        ]

    def fetch_activity(self, *, access_token: str, event: ParsedEvent) -> NormalizedActivity:
        content = self.http(
            "GET",
            self._url("SUUNTO_API_URL", f"/v2/workout/exportFit/{event.object_id}"),
            access_token=access_token,
            headers={KEY_HEADER: settings.SUUNTO_SUBSCRIPTION_KEY},
        ).content
        activity = parsers.parse_file(content)
        activity.source = "provider"
        activity.provider = self.name
        activity.external_id = event.object_id
        activity.timezone = activity.timezone or utc_offset_zone(event.data.get("offset_min"))
        return activity
