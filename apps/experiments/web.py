"""Experiments in pages: people who are not signed in are told apart by a signed cookie id.

`ExperimentCookieMiddleware` gives every browser request `request.experiment_subject_id` (the
signed cookie's value, or a new one it sets on the response). Signed-in people are assigned by
their user id instead, so they see the same variant in the browser and in the mobile app.
"""

from __future__ import annotations

import uuid

from django.conf import settings

from apps.experiments import services

COOKIE = "stride_exp"
SALT = "experiments.subject"
MAX_AGE = 365 * 24 * 3600


class ExperimentCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = request.get_signed_cookie(COOKIE, default="", salt=SALT)
        fresh = not value
        request.experiment_subject_id = value or uuid.uuid4().hex
        response = self.get_response(request)
        if fresh and getattr(request, "experiment_subject_used", False):
            response.set_signed_cookie(
                COOKIE,
                request.experiment_subject_id,
                salt=SALT,
                max_age=MAX_AGE,
                httponly=True,
                secure=not settings.DEBUG and settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response


def variant_for_request(request, experiment_key: str, *, expose: bool = True) -> str | None:
    """The variant for whoever makes the request (user first, cookie id otherwise)."""
    user = getattr(request, "user", None)
    anonymous_id = ""
    if user is None or not user.is_authenticated:
        anonymous_id = getattr(request, "experiment_subject_id", "")
        request.experiment_subject_used = True
    return services.variant_for(
        experiment_key=experiment_key, user=user, anonymous_id=anonymous_id, expose=expose
    )
