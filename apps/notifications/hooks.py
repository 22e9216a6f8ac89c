"""What notifications needs to know about a person, answered by higher apps at run time.

notifications sits below accounts, so it never imports it: accounts registers the answers here
(`apps/accounts/notifications.py`). Without a registered hook the safe default holds: no
marketing consent, UTC, the site language.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

_marketing_consent: Callable[[list[int]], set[int]] | None = None


def register_marketing_consent(func: Callable[[list[int]], set[int]]) -> None:
    """`func(user_ids) -> ids of those who agreed to marketing messages` (one query for all)."""
    global _marketing_consent
    _marketing_consent = func


def marketing_consent_many(user_ids: list[int]) -> set[int]:
    from apps.notifications import kinds

    kinds.autodiscover()
    if _marketing_consent is None or not user_ids:
        return set()
    return set(_marketing_consent(list(user_ids)))


def language(user) -> str:
    """The language for a person's messages: theirs, else the site's."""
    code = getattr(user, "language", "") or ""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def time_zone(user) -> ZoneInfo:
    """The person's time zone (`user.profile.timezone`), UTC when unknown."""
    try:
        name = user.profile.timezone
    except (AttributeError, ObjectDoesNotExist):
        name = "UTC"
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
