"""ASGI middleware for websockets: who is connecting, and from where."""

import hashlib
import secrets
from urllib.parse import parse_qs

from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator

TOKEN_HEADER = b"x-session-token"


def _token(scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == TOKEN_HEADER:
            return value.decode("latin-1")
    return None


def _user_for_token_sync(token: str):
    result = authenticate_by_x_session_token(token)
    return result[0] if result else None


# In a worker thread each (thread_sensitive=False): in a connect storm the sockets' lookups run
# side by side instead of one after another on Channels' single sync thread.
_user_for_token = database_sync_to_async(_user_for_token_sync, thread_sensitive=False)


class SessionTokenAuthMiddleware:
    """Apps authenticate a socket with `X-Session-Token` (browsers use the session cookie)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        token = _token(scope)
        if token:
            from django.contrib.auth.models import AnonymousUser

            user = await _user_for_token(token)
            scope = dict(scope, user=user or AnonymousUser())
        return await self.app(scope, receive, send)


# --- single-use tickets ---------------------------------------------------------------------
# An app asks `POST /api/v1/ws-tickets/` (authenticated with its long-lived token) for a ticket
# and opens the socket with `?ticket=...`: the long-lived token never appears in a URL (URLs
# end up in proxy logs). A ticket is good once, for WS_TICKET_SECONDS.

TICKET_PARAM = "ticket"


def _ticket_key(ticket: str) -> str:
    return "ws-ticket:" + hashlib.sha256(ticket.encode()).hexdigest()


def ticket_issue(*, user_id: int) -> tuple[str, int]:
    """A new single-use ticket for `user_id` and how many seconds it is good for."""
    from django.conf import settings
    from django.core.cache import cache

    ticket = secrets.token_urlsafe(32)
    seconds = getattr(settings, "WS_TICKET_SECONDS", 30)
    cache.set(_ticket_key(ticket), user_id, timeout=seconds)
    return ticket, seconds


def ticket_redeem(ticket: str) -> int | None:
    """The user id of a valid ticket, which is used up; None for an unknown or used one. Of
    two concurrent redeemers only the one whose delete removed the key wins."""
    from django.core.cache import cache

    key = _ticket_key(ticket)
    user_id = cache.get(key)
    if user_id is None or not cache.delete(key):
        return None
    return user_id


def _ticket(scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(TICKET_PARAM)
    return values[0] if values else None


def _user_for_ticket_sync(ticket: str):
    from django.contrib.auth import get_user_model

    user_id = ticket_redeem(ticket)
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


_user_for_ticket = database_sync_to_async(_user_for_ticket_sync, thread_sensitive=False)


class TicketAuthMiddleware:
    """A `?ticket=` socket is that ticket's user, or anonymous for a bad ticket (never the
    cookie's user: a ticket socket skips the origin check)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        ticket = _ticket(scope)
        if ticket:
            from django.contrib.auth.models import AnonymousUser

            user = await _user_for_ticket(ticket)
            scope = dict(scope, user=user or AnonymousUser())
        return await self.app(scope, receive, send)


class OriginValidator:
    """Cookie-authenticated sockets must come from our own origin (cross-site hijacking);
    token-authenticated apps send no Origin and are not exposed to that attack."""

    def __init__(self, app):
        self.app = app
        self.validated = AllowedHostsOriginValidator(app)

    async def __call__(self, scope, receive, send):
        if _token(scope) or _ticket(scope):
            return await self.app(scope, receive, send)
        return await self.validated(scope, receive, send)
