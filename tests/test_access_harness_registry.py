"""The harness must cover every API route that takes a user's data: a new route under
/api/v1/ that is neither registered nor declared public fails here."""

import re

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
    "api/v1/chat/direct/",  # opens the caller's chat with a person (tests/groups/test_chat_api.py)
    # promos: shop partners only (client-credentials token with scope shop + signed body), no
    # person's session; authorization in tests/promos/test_shop_api.py (another shop's refund,
    # scope, signature, sandbox people)
    "api/v1/shop/coupons/validate/",
    "api/v1/shop/orders/",
    "api/v1/shop/orders/<str:order_id>/refund/",
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


# --- ops: the OpenAPI schema drives the check (issue 13) ---------------------------------
# Every operation the schema documents (path and method) must have an access case with the
# same route and method, unless its path is declared public above. A new endpoint that only
# registers one of its methods (a GET case but no DELETE) fails here too.
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _schema_route(route: str) -> str:
    """`api/v1/plans/<slug:slug>/` → `/api/v1/plans/{slug}/`, the schema's spelling."""
    return "/" + _CONVERTER.sub(r"{\1}", route)


@pytest.fixture(scope="module")
def openapi_schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.django_db
def test_every_operation_in_the_openapi_schema_is_in_the_access_harness(openapi_schema):
    owner = UserFactory()
    registered = {
        (_schema_route(resolve(case.url(case.make(owner)).split("?")[0]).route), case.method)
        for case in access.CASES
    }
    public = {_schema_route(route) for route in PUBLIC_OR_UNOWNED}
    operations = {
        (path, method)
        for path, item in openapi_schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert operations, "the schema lists no operations"

    missing = {(path, method) for path, method in operations if path not in public} - registered

    assert not missing, (
        "register these operations in tests/access_cases.py (or declare the path public in "
        f"PUBLIC_OR_UNOWNED with a reason): {sorted(missing)}"
    )
    schema_paths = {path for path, _method in operations}
    assert public <= schema_paths, f"stale public paths: {sorted(public - schema_paths)}"
