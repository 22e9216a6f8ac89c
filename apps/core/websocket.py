"""ASGI middleware for websockets: who is connecting, and from where."""

from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator

TOKEN_HEADER = b"x-session-token"


def _token(scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == TOKEN_HEADER:
            return value.decode("latin-1")
    return None


@database_sync_to_async
def _user_for_token(token: str):
    result = authenticate_by_x_session_token(token)
    return result[0] if result else None


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


class OriginValidator:
    """Cookie-authenticated sockets must come from our own origin (cross-site hijacking);
    token-authenticated apps send no Origin and are not exposed to that attack."""

    def __init__(self, app):
        self.app = app
        self.validated = AllowedHostsOriginValidator(app)

    async def __call__(self, scope, receive, send):
        if _token(scope):
            return await self.app(scope, receive, send)
        return await self.validated(scope, receive, send)
