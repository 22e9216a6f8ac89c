"""The one interface every provider adapter implements, and the HTTP plumbing they share.

An adapter knows one platform's protocol and nothing of Stride's tables: it turns OAuth codes
into tokens, checks and parses webhooks, fetches workouts as `NormalizedActivity`, and reports
trouble as the errors below, which the pipeline (apps.devices.services) turns into retries,
reschedules, a tripped breaker or a disabled connection. Base URLs come from settings, so tests
point them at local fake servers (tests/devices/fakes/).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime

import requests
from django.conf import settings
from django.core.cache import cache

from apps.devices.types import NormalizedActivity

logger = logging.getLogger(__name__)


# --- What adapters return --------------------------------------------------------------------


@dataclass
class TokenSet:
    access_token: str
    refresh_token: str = ""
    expires_at: datetime | None = None
    scopes: str = ""
    external_id: str = ""  # the athlete's id at the provider (known after the code exchange)

    def __repr__(self) -> str:  # never print a token, not even in a traceback's locals
        return f"TokenSet(external_id={self.external_id!r}, expires_at={self.expires_at!r})"


@dataclass
class ParsedEvent:
    """One thing a webhook says happened. `key` is unique per provider: a redelivery of the same
    notification gives the same key and so finds the stored row."""

    key: str
    kind: str  # one of the KIND_* below
    external_id: str  # the athlete at the provider
    object_id: str = ""  # the activity (or file) at the provider
    data: dict = field(default_factory=dict)  # what the adapter needs later (e.g. a callback URL)


KIND_CREATE = "activity_create"
KIND_UPDATE = "activity_update"
KIND_DELETE = "activity_delete"
KIND_DEAUTHORIZE = "deauthorize"  # the athlete revoked Stride's access
KIND_ATHLETE_DELETE = "athlete_delete"  # the athlete deleted their account at the provider
KIND_IGNORE = "ignore"  # a ping or an object Stride does not use
# "Something changed in this set (e.g. the athlete's day), list it": the provider names no
# object (Fitbit). One row per set, re-armed by each notification; listing it stores one
# KIND_CREATE event per object found (see Provider.list_changed).
KIND_SYNC = "sync"
KINDS = (
    KIND_CREATE,
    KIND_UPDATE,
    KIND_DELETE,
    KIND_DEAUTHORIZE,
    KIND_ATHLETE_DELETE,
    KIND_IGNORE,
    KIND_SYNC,
)


@dataclass
class Listing:
    """What listing a changed set found: an event per object in it (keys stable across
    listings, so an object already stored is not fetched again) and, when the listing was
    complete, the ids of every object that still exists there (the rest were deleted)."""

    events: list[ParsedEvent]
    present: set[str] | None = None


@dataclass
class RecentActivity:
    object_id: str
    start_time: datetime


# --- What goes wrong ------------------------------------------------------------------------


class ProviderError(Exception):
    """A call to a provider failed; `code` is stored on the connection or the event."""

    code = "PROVIDER_ERROR"


class SignatureInvalid(ProviderError):
    code = "SIGNATURE_INVALID"


class InvalidGrant(ProviderError):
    """The code or refresh token was refused: the person must connect again."""

    code = "INVALID_GRANT"


class RateLimited(ProviderError):
    """Over the provider's budget: try again after `reset_s`, without spending a retry."""

    code = "RATE_LIMITED"

    def __init__(self, reset_s: float, message: str = "") -> None:
        self.reset_s = max(1.0, float(reset_s))
        super().__init__(message or f"rate limited for {self.reset_s:.0f} s")


class ProviderUnavailable(ProviderError):
    """5xx, a timeout or a broken connection: back off and try again."""

    code = "PROVIDER_UNAVAILABLE"


class NotReady(ProviderError):
    """The provider announced the object but does not serve it yet: try again later."""

    code = "NOT_READY"


class ObjectGone(ProviderError):
    """The object is gone at the provider (deleted, or private now)."""

    code = "OBJECT_GONE"


# --- The interface --------------------------------------------------------------------------


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) as RFC 7636 defines them."""
    verifier = secrets.token_urlsafe(48)
    return verifier, pkce_challenge(verifier)


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hmac_sha256(secret: str, body: bytes, *, encoding: str = "hex") -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()


def hmac_sha1_base64(key: str, body: bytes) -> str:
    """HMAC-SHA1 of `body`, base64 (OAuth 1.0 style signatures, e.g. Fitbit's)."""
    digest = hmac.new(key.encode(), body, hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signatures_match(expected: str, given: str) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), given.strip().encode())


class Provider:
    """Subclass per platform; the defaults say "not supported" where a platform lacks a part."""

    name = ""
    label = ""  # shown to people (a brand name: not translated)
    supports_pkce = False
    supports_reconciliation = False
    supports_backfill = False  # `backfill` stores the last days' workouts on connecting
    ack_status = 200  # what a stored delivery is answered (Fitbit wants 204 No Content)
    # Headers kept with a stored event (never Authorization, cookies or signatures' secrets).
    kept_headers: tuple[str, ...] = ("Content-Type", "User-Agent")

    # Availability --------------------------------------------------------------------------
    def enabled(self) -> bool:
        return False

    # OAuth ---------------------------------------------------------------------------------
    def authorize_url(self, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        raise NotImplementedError

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        raise NotImplementedError

    def refresh(self, *, refresh_token: str) -> TokenSet:
        raise NotImplementedError

    def deauthorize(self, *, access_token: str, external_id: str = "") -> None:
        """Revoke Stride's access at the provider (best effort: the caller wipes tokens)."""

    # Webhooks ------------------------------------------------------------------------------
    def handshake(self, params: dict) -> dict | str | int | None:
        """The answer to a subscription check (a GET): a body, a bare HTTP status (int), or
        None when it is not one of ours."""
        return None

    def verify(self, *, body: bytes, headers) -> None:
        """Raise SignatureInvalid unless the body is really from the provider."""
        raise SignatureInvalid("no verification for this provider")

    def parse_events(self, *, body: bytes, headers) -> list[ParsedEvent]:
        raise NotImplementedError

    def ack_for(self, body: bytes) -> int:
        """The status a verified, stored delivery is answered with (Google Health answers its
        endpoint check 201 and notifications 204)."""
        return self.ack_status

    # Data ----------------------------------------------------------------------------------
    def fetch_activity(self, *, access_token: str, event: ParsedEvent) -> NormalizedActivity:
        raise NotImplementedError

    def download_file(self, *, access_token: str, url: str) -> bytes:
        return self.http("GET", url, access_token=access_token).content

    def list_recent(self, *, access_token: str, since: datetime) -> list[RecentActivity]:
        return []

    def list_changed(self, *, access_token: str, event: ParsedEvent) -> Listing:
        """For a KIND_SYNC event: the objects in the changed set, as KIND_CREATE events."""
        raise NotImplementedError

    def backfill(self, *, access_token: str, external_id: str, since: datetime) -> Listing:
        """The workouts since `since`, as KIND_CREATE events (on connecting, and nightly
        where `supports_reconciliation`)."""
        return Listing(events=[])

    # HTTP ----------------------------------------------------------------------------------
    def http(
        self,
        method: str,
        url: str,
        *,
        access_token: str = "",
        ok_statuses: tuple[int, ...] = (200, 201, 204),
        budget_key: str = "",
        **kwargs,
    ) -> requests.Response:
        """One request with the shared rules: a timeout, the request budget checked before and
        updated after, 429 → RateLimited, 5xx and network trouble → ProviderUnavailable,
        404 → NotReady (callers that know better catch it). Never logs tokens or bodies.
        `budget_key` names the budget where a provider meters per athlete (Fitbit)."""
        budget_key = budget_key or self.name
        budget_check(budget_key)
        headers = kwargs.pop("headers", {})
        if access_token:
            headers["Authorization"] = f"Bearer {access_token}"
        try:
            response = requests.request(
                method, url, headers=headers, timeout=settings.DEVICES_HTTP_TIMEOUT_S, **kwargs
            )
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise ProviderUnavailable(f"{method} {_path(url)}: {type(exc).__name__}") from None
        self.track_budget(response, budget_key)
        status = response.status_code
        if status == 429:
            raise RateLimited(self.reset_after(response), f"{method} {_path(url)}: 429")
        if status >= 500:
            raise ProviderUnavailable(f"{method} {_path(url)}: {status}")
        if status == 404:
            raise NotReady(f"{method} {_path(url)}: 404")
        if status in (401, 403):
            raise InvalidGrant(f"{method} {_path(url)}: {status}")
        if status not in ok_statuses:
            raise ProviderError(f"{method} {_path(url)}: {status}")
        return response

    def track_budget(self, response: requests.Response, key: str) -> None:
        """Read the provider's rate-limit headers into the shared budget (see budget_*)."""

    def reset_after(self, response: requests.Response) -> float:
        try:
            return float(response.headers.get("Retry-After", 60))
        except ValueError:
            return 60.0


def _path(url: str) -> str:
    """The URL without its query string (which may hold a token) for messages."""
    return url.split("?", 1)[0]


# --- Per-provider request budget (from the providers' rate-limit headers) --------------------


def _budget_key(provider: str) -> str:
    return f"devices:budget:{provider}"


def budget_record(provider: str, *, usage: int, limit: int, reset_s: float) -> None:
    """What the provider last said about its short window: `usage` of `limit` used, the window
    ends in `reset_s`. Shared by every worker through the cache."""
    cache.set(
        _budget_key(provider),
        {"usage": usage, "limit": limit, "reset_at": time.time() + reset_s},
        timeout=max(1, int(reset_s)),
    )


def budget_get(provider: str) -> dict | None:
    return cache.get(_budget_key(provider))


def budget_check(provider: str) -> None:
    """Refuse a request before it is sent when the provider's window is used up."""
    budget = budget_get(provider)
    if budget and budget["limit"] and budget["usage"] >= budget["limit"]:
        raise RateLimited(budget["reset_at"] - time.time(), "request budget used up")
