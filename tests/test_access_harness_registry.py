"""The harness must cover every API route that takes a user's data: a new route under
/api/v1/ that is neither registered nor declared public fails here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests import access, access_cases  # noqa: F401
from tests.accounts.factories import UserFactory

PUBLIC_OR_UNOWNED = {
    "api/v1/meta/",  # server capabilities, no personal data
    "api/v1/analytics/events/",  # write-only: the caller's own events
    "api/v1/plans/",  # the public catalog of plan templates
    "api/v1/plans/<slug:slug>/",  # one public plan template
    "api/v1/catalog/brands/",  # the public product catalog
    "api/v1/catalog/products/",  # the public product catalog
    "api/v1/catalog/products/<int:product_id>/",  # one public product
    "api/v1/catalog/feed/",  # partner feed: HMAC-signed with a feed key, no user (tests/gear)
}


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


@pytest.mark.django_db
def test_every_api_route_is_in_the_access_harness():
    owner = UserFactory()
    registered = {resolve(case.url(case.make(owner)).split("?")[0]).route for case in access.CASES}
    api_routes = {r for r in _routes(get_resolver().url_patterns) if r.startswith("api/v1/")}

    missing = api_routes - registered - PUBLIC_OR_UNOWNED

    assert not missing, f"register these in tests/access_cases.py: {sorted(missing)}"
    assert registered <= api_routes  # no stale registrations
