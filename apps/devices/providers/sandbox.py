"""The sandbox provider: a pretend platform inside Stride that needs no keys, so `make run` can
show the whole provider pipeline, and the template for a new adapter (docs/integrations.md).

- OAuth: the consent page is Stride's own (`devices-sandbox-consent`); the code is a signed
  value carrying the athlete and the PKCE challenge; tokens are signed values too, checked
  when used, so a made-up token is refused like at a real provider.
- Webhooks: JSON events signed with HMAC-SHA256 over "<timestamp>.<body>" in the
  `X-Sandbox-Signature: t=<timestamp>,v1=<hex>` header (Stripe's scheme), five-minute window.
- Data: the activity id encodes its start, sport and a seed; fetching it generates the same
  realistic workout (a GPS loop with pace, heart-rate drift and hills) every time.
"""

from __future__ import annotations

import json
import math
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse

from apps.devices.providers.base import (
    KIND_CREATE,
    KIND_DEAUTHORIZE,
    KIND_DELETE,
    KIND_IGNORE,
    InvalidGrant,
    NotReady,
    ParsedEvent,
    Provider,
    SignatureInvalid,
    TokenSet,
    hmac_sha256,
    pkce_challenge,
    signatures_match,
)
from apps.devices.types import NormalizedActivity, NormalizedStreams

SIGNATURE_HEADER = "X-Sandbox-Signature"
REPLAY_WINDOW_S = 300
_CODE_SALT = "devices.sandbox.code"
_TOKEN_SALT = "devices.sandbox.token"  # noqa: S105 - a salt name, not a secret
_EARTH_RADIUS_M = 6_371_008.8
_HOMES = [(48.1374, 11.5755), (52.5200, 13.4050), (55.7558, 37.6173), (41.3874, 2.1686)]
_EVENT_KINDS = {
    "activity.created": KIND_CREATE,
    "activity.deleted": KIND_DELETE,
    "athlete.deauthorized": KIND_DEAUTHORIZE,
}


def _secret() -> str:
    return settings.DEVICES_SANDBOX_WEBHOOK_SECRET


def sign(body: bytes, *, timestamp: int | None = None) -> str:
    """The signature header's value for `body` (what the sandbox platform sends)."""
    ts = int(time.time()) if timestamp is None else timestamp
    return f"t={ts},v1={hmac_sha256(_secret(), f'{ts}.'.encode() + body)}"


class SandboxProvider(Provider):
    name = "sandbox"
    label = "Stride Sandbox"
    supports_pkce = True
    kept_headers = ("Content-Type", "User-Agent")

    def enabled(self) -> bool:
        return settings.DEVICES_SANDBOX_ENABLED

    # OAuth ---------------------------------------------------------------------------------
    def authorize_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode(
            {"redirect_uri": redirect_uri, "state": state, "code_challenge": code_challenge}
        )
        return f"{reverse('devices-sandbox-consent')}?{query}"

    def consent_code(self, *, user_id: int, code_challenge: str) -> str:
        """What the consent page hands back when the person allows access."""
        return signing.dumps({"a": f"sbx-{user_id}", "c": code_challenge}, salt=_CODE_SALT)

    def _token(self, athlete: str, kind: str) -> str:
        return signing.dumps({"a": athlete, "k": kind, "n": uuid.uuid4().hex[:8]}, salt=_TOKEN_SALT)

    def _tokens(self, athlete: str) -> TokenSet:
        return TokenSet(
            access_token=self._token(athlete, "access"),
            refresh_token=self._token(athlete, "refresh"),
            expires_at=datetime.now(UTC) + timedelta(hours=6),
            scopes="activity:read",
            external_id=athlete,
        )

    def sandbox_tokens(self, *, user_id: int) -> TokenSet:
        """Tokens as if `user_id` had allowed access (demo data)."""
        return self._tokens(f"sbx-{user_id}")

    def _open(self, token: str, kind: str) -> str:
        try:
            data = signing.loads(token, salt=_TOKEN_SALT)
        except signing.BadSignature:
            raise InvalidGrant("the sandbox refused the token") from None
        if data.get("k") != kind:
            raise InvalidGrant("the sandbox refused the token")
        return data["a"]

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        try:
            data = signing.loads(code, salt=_CODE_SALT, max_age=600)
        except signing.BadSignature:
            raise InvalidGrant("the sandbox refused the code") from None
        if not signatures_match(data["c"], pkce_challenge(code_verifier)):
            raise InvalidGrant("the PKCE verifier does not match")
        return self._tokens(data["a"])

    def refresh(self, *, refresh_token: str) -> TokenSet:
        return self._tokens(self._open(refresh_token, "refresh"))

    # Webhooks ------------------------------------------------------------------------------
    def verify(self, *, body: bytes, headers) -> None:
        parts = dict(
            item.split("=", 1)
            for item in headers.get(SIGNATURE_HEADER, "").split(",")
            if "=" in item
        )
        try:
            ts = int(parts.get("t", ""))
        except ValueError:
            raise SignatureInvalid("no timestamp") from None
        if abs(time.time() - ts) > REPLAY_WINDOW_S:
            raise SignatureInvalid("outside the replay window")
        expected = hmac_sha256(_secret(), f"{ts}.".encode() + body)
        if not signatures_match(expected, parts.get("v1", "")):
            raise SignatureInvalid("signature mismatch")

    def parse_events(self, *, body: bytes, headers) -> list[ParsedEvent]:
        events = []
        for item in json.loads(body)["events"]:
            events.append(
                ParsedEvent(
                    key=str(item["id"])[:64],
                    kind=_EVENT_KINDS.get(item["type"], KIND_IGNORE),
                    external_id=str(item["athlete"])[:64],
                    object_id=str(item.get("activity", ""))[:64],
                )
            )
        return events

    def events_body(self, *, athlete: str, events: list[tuple[str, str]]) -> tuple[bytes, dict]:
        """A signed delivery of (type, activity id) events, as the sandbox platform sends it."""
        body = json.dumps(
            {
                "events": [
                    {"id": uuid.uuid4().hex, "type": kind, "athlete": athlete, "activity": obj}
                    for kind, obj in events
                ]
            }
        ).encode()
        return body, {"Content-Type": "application/json", SIGNATURE_HEADER: sign(body)}

    # Data ----------------------------------------------------------------------------------
    def new_activity_id(self, *, start: datetime, sport: str, rng: random.Random) -> str:
        return f"{int(start.timestamp())}-{sport}-{rng.randrange(10**6)}"

    def fetch_activity(self, *, access_token: str, event: ParsedEvent) -> NormalizedActivity:
        self._open(access_token, "access")
        try:
            start_s, sport, seed = event.object_id.split("-")
            start = datetime.fromtimestamp(int(start_s), UTC)
        except ValueError:
            raise NotReady("no such sandbox activity") from None
        return workout(start=start, sport=sport, seed=int(seed), object_id=event.object_id)


def workout(*, start: datetime, sport: str, seed: int, object_id: str) -> NormalizedActivity:
    """A realistic generated run or ride: a loop from home recorded every 5 s, with pace
    variation, heart-rate drift and hills (the same seed gives the same workout)."""
    rng = random.Random(seed)  # noqa: S311 - made-up workouts
    home = rng.choice(_HOMES)
    if sport == "ride":
        distance, speed, hr, hilly = rng.uniform(20_000, 45_000), rng.uniform(6.5, 8.0), 140, 25
    else:
        sport = "run"
        distance, speed, hr, hilly = rng.uniform(5_000, 12_000), rng.uniform(2.7, 3.4), 150, 12
    radius = distance / (2 * math.pi)
    bearing = rng.uniform(0, 2 * math.pi)
    c_lat = home[0] + math.degrees(radius * math.cos(bearing) / _EARTH_RADIUS_M)
    c_lng = home[1] + math.degrees(
        radius * math.sin(bearing) / (_EARTH_RADIUS_M * math.cos(math.radians(home[0])))
    )
    t = d = 0.0
    time_s, lat, lng, alt, heart, cadence = [], [], [], [], [], []
    while d <= distance:
        angle = bearing + math.pi + 2 * math.pi * d / distance
        lat.append(c_lat + math.degrees(radius * math.cos(angle) / _EARTH_RADIUS_M))
        lng.append(
            c_lng
            + math.degrees(
                radius * math.sin(angle) / (_EARTH_RADIUS_M * math.cos(math.radians(c_lat)))
            )
        )
        alt.append(round(510 + hilly * math.sin(3 * angle) + rng.gauss(0, 0.4), 1))
        heart.append(round(hr + 25 * min(1.0, t / 1800) + rng.gauss(0, 2)))
        cadence.append(round((172 if sport == "run" else 86) + rng.gauss(0, 3)))
        time_s.append(t)
        t += 5
        d += speed * rng.uniform(0.92, 1.08) * 5
    return NormalizedActivity(
        sport=sport,
        start_time=start,
        source="provider",
        provider=SandboxProvider.name,
        external_id=object_id,
        title="Sandbox ride" if sport == "ride" else "Sandbox run",
        device_name="Sandbox Watch",
        streams=NormalizedStreams(
            time=time_s, lat=lat, lng=lng, altitude=alt, heart_rate=heart, cadence=cadence
        ),
    )
