"""How partner calls are authenticated, authorised and rate-limited.

OAuth 2 bearer tokens (django-oauth-toolkit) work next to the session token: a token names its
partner client (and so the partner and environment) and carries scopes; a session-token caller
acts for themselves, with no partner. Client-credentials tokens have no user and are accepted
only where a view says so (`allow_client_credentials`)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AccessToken
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from apps.accounts.api.permissions import ConsentsGiven
from apps.core.api.authentication import SessionTokenAuthentication
from apps.partners import selectors
from apps.partners.exceptions import SandboxOnly
from apps.partners.models import Environment


class PartnerOAuth2Authentication(OAuth2Authentication):
    """`Authorization: Bearer <token>`; a bearer token that is not valid is a 401."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None and request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            from rest_framework.exceptions import AuthenticationFailed

            raise AuthenticationFailed(_("The access token is invalid or has expired."))
        return result

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class OAuth2Scheme(OpenApiAuthenticationExtension):
    target_class = PartnerOAuth2Authentication
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "/oauth/authorize/",
                    "tokenUrl": "/oauth/token/",
                    "scopes": {
                        "activities:read": "Read the athlete's activities",
                        "activities:write": "Add activities to the athlete's account",
                        "profile:read": "Read the athlete's profile",
                    },
                },
                "clientCredentials": {
                    "tokenUrl": "/oauth/token/",
                    "scopes": {"shop": "A shop: check coupons, report and refund orders"},
                },
            },
        }


AUTHENTICATION = [PartnerOAuth2Authentication, SessionTokenAuthentication]


def _token(request) -> AccessToken | None:
    return request.auth if isinstance(request.auth, AccessToken) else None


class PartnerScope(BasePermission):
    """The view's `required_scope` on an OAuth token; sandbox clients only for sandbox users.

    Sets `request.partner` / `request.partner_environment` (None for a session-token call)."""

    def has_permission(self, request, view) -> bool:
        request.partner = None
        request.partner_environment = None
        token = _token(request)
        if token is None:
            if not (request.user and request.user.is_authenticated):
                raise NotAuthenticated()
            return ConsentsGiven().has_permission(request, view)
        scope = getattr(view, "required_scope", "")
        if scope and not token.allow_scopes([scope]):
            raise PermissionDenied(_("This token lacks the scope %(scope)s.") % {"scope": scope})
        found = selectors.partner_for_application(token.application_id)
        if found is None:
            raise PermissionDenied()
        request.partner, request.partner_environment = found
        # Keys of two partners acting for one athlete never collide (max 64 characters).
        request.idempotency_scope = f"user:{token.user_id}:client:{token.application_id}"
        if token.user_id is None:
            if not getattr(view, "allow_client_credentials", False):
                raise PermissionDenied(
                    _(
                        "This endpoint acts for an athlete: use a token from the authorization "
                        "code flow."
                    )
                )
            return True
        if request.partner_environment == Environment.SANDBOX and not selectors.is_sandbox_user(
            partner=request.partner, user_id=token.user_id
        ):
            raise SandboxOnly()
        return True


class PartnerRateThrottle(BaseThrottle):
    """A fixed one-minute window per partner (or per user without one) in the shared cache.

    Leaves `request.rate_limit = (limit, remaining, reset_s)` for the RateLimit headers."""

    def allow_request(self, request, view) -> bool:
        partner = getattr(request, "partner", None)
        if partner is not None:
            key, limit = f"partner:{partner.pk}", partner.rate_limit_per_minute
        else:
            user_id = request.user.pk if request.user and request.user.is_authenticated else 0
            key, limit = f"user:{user_id}", 600
        window = 60
        now = int(time.time())
        bucket = now // window
        cache_key = f"partners:rl:{key}:{bucket}"
        cache.add(cache_key, 0, window + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:
            cache.set(cache_key, 1, window + 5)
            count = 1
        reset = (bucket + 1) * window - now
        request.rate_limit = (limit, max(limit - count, 0), reset)
        self._wait = reset
        return count <= limit

    def wait(self):
        return self._wait


class RateLimitHeaders:
    """View mixin: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` on every answer."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        info = getattr(request, "rate_limit", None)
        if info:
            limit, remaining, reset = info
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(reset)
            response["RateLimit-Policy"] = f"{limit};w=60"
        return response
