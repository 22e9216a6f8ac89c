"""allauth hooks: the only place accounts bends allauth to Stride."""

import math
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

LOGIN_FAILED = "login_failed"


class AccountAdapter(DefaultAccountAdapter):
    def get_phone(self, user):
        """Stride keeps no phone numbers; allauth's phone endpoint answered 500 without this."""
        return None

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        language = getattr(request, "LANGUAGE_CODE", "") if request else ""
        if language and not user.language:
            user.language = language
        if commit:
            user.save()
        return user

    def pre_authenticate(self, request, **credentials):
        """allauth refuses sign-ins after repeated failures; say for how long, in the message
        and (through RetryAfterMiddleware) in a Retry-After header."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as exc:
            if exc.code != "too_many_login_attempts":
                raise
            key = self._get_login_attempts_cache_key(request, **credentials)
            wait = login_block_seconds(request, key=key)
            request.stride_retry_after = wait
            minutes = max(1, math.ceil(wait / 60))
            raise ValidationError(
                ngettext(
                    "Too many failed login attempts. Try again in %(minutes)d minute.",
                    "Too many failed login attempts. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="too_many_login_attempts",
            ) from exc


def login_block_seconds(request, *, key: str) -> int:
    """Seconds until allauth's failed-login limits let this sign-in through again.

    Reads allauth's own rate-limit history (a newest-first list of attempt times per cache
    key; allauth 65.x internals, covered by tests/accounts/test_login_security.py): a limit
    of N per window lifts when the N-th newest attempt leaves the window."""
    now = time.time()
    wait = 0.0
    for rate in allauth_ratelimit.get_rates(app="allauth.account", action=LOGIN_FAILED):
        cache_key = allauth_ratelimit.get_cache_key(
            request, app="allauth.account", action=LOGIN_FAILED, rate=rate, key=key
        )
        recent = sorted(
            (t for t in cache.get(cache_key, []) if t > now - rate.duration), reverse=True
        )
        if len(recent) >= rate.amount:
            wait = max(wait, recent[rate.amount - 1] + rate.duration - now)
    return max(1, math.ceil(wait))
