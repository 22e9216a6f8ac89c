from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from apps.accounts import selectors

# Paths a person must reach before agreeing: the consent page itself, signing out, language,
# files, and everything with its own gate (the API answers CONSENT_REQUIRED).
EXEMPT_PREFIXES = (
    "/accounts/consents/",
    "/accounts/export/",  # people may take their data whatever they agreed to
    "/accounts/delete/",  # ... and leave
    "/accounts/logout/",
    "/i18n/",
    "/jsi18n/",
    "/static/",
    "/media/",
    "/api/",
    "/_allauth/",
    "/healthz",
    "/readyz",
    "/metrics",
)


class ConsentGateMiddleware:
    """Sends signed-in people to the consent page while a mandatory document is unanswered
    (at sign-up through the API, or after a new version is published)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.method == "GET"
            and not request.path.startswith(EXEMPT_PREFIXES)
            and selectors.consents_missing(user=user)
        ):
            url = reverse("accounts-consents")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class RetryAfterMiddleware:
    """Adds Retry-After to a response when a sign-in was refused for too many failures (the
    adapter records how long the block lasts on the request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        wait = getattr(request, "stride_retry_after", None)
        if wait and not response.has_header("Retry-After"):
            response["Retry-After"] = str(wait)
        return response
