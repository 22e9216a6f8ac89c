"""Security headers on every page: each GET route without a path parameter, fetched by a
visitor and by a signed-in member, carries a content security policy (HTML), nosniff, a
referrer policy and frame protection. Production settings add HSTS."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.accounts.consents import agree_to_all, publish_documents
from tests.accounts.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
# Answered before the security middleware on purpose (apps.core.middleware.ProbeMiddleware):
# probes and scrapes from inside the cluster, by IP, no browser ever renders them.
PROBES = {"/healthz", "/readyz", "/metrics"}


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _plain_routes() -> list[str]:
    """Every route with no parameter, as a path (regex routes only when they are literal)."""
    paths = set()
    for route in _routes(get_resolver().url_patterns):
        if "<" in route or "(" in route or "[" in route or "\\" in route:
            continue
        path = "/" + route.lstrip("^").rstrip("$")
        if any(ch in path for ch in "*+?|{}"):
            continue
        paths.add(path)
    return sorted(paths - PROBES)


PATHS = _plain_routes()


def _check(path: str, response) -> list[str]:
    problems = []
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options")
    if not response.get("Referrer-Policy"):
        problems.append("Referrer-Policy")
    csp = response.get("Content-Security-Policy", "")
    framing = response.get("X-Frame-Options") in ("DENY", "SAMEORIGIN")
    if not framing and "frame-ancestors" not in csp:
        problems.append("X-Frame-Options or CSP frame-ancestors")
    if "text/html" in response.get("Content-Type", "") and "default-src" not in csp:
        problems.append("Content-Security-Policy")
    return [f"{path} [{response.status_code}]: {p}" for p in problems]


def test_the_page_list_is_not_empty():
    assert len(PATHS) > 20
    assert "/" in PATHS and "/dashboard/" in PATHS


@pytest.mark.django_db
def test_every_page_sends_the_security_headers():
    publish_documents()
    member = UserFactory()
    agree_to_all(member)
    visitor, signed_in = Client(), Client()
    signed_in.force_login(member)

    problems = []
    for path in PATHS:
        for client in (visitor, signed_in):
            problems += _check(path, client.get(path))
    assert not problems, "\n".join(problems)


def test_production_settings_send_hsts_and_secure_cookies():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DATABASE_URL": "postgres://localhost/stride",
        "REDIS_URL": "redis://localhost:6379/0",
        "METRICS_TOKEN": "t",
        "DJANGO_ALLOWED_HOSTS": "stride.example",
        "FIELD_ENCRYPTION_KEYS": "Z" * 43 + "=",
        "PRIVACY_ZONE_SECRET": "p" * 40,
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ('SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', "
        "'SECURE_REFERRER_POLICY')}))"
    )
    out = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    prod = json.loads(out.strip().splitlines()[-1])
    assert prod["SECURE_HSTS_SECONDS"] >= 31536000
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and prod["SECURE_SSL_REDIRECT"]
    assert prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SECURE_CONTENT_TYPE_NOSNIFF"] and prod["X_FRAME_OPTIONS"] == "DENY"
    assert prod["SECURE_REFERRER_POLICY"]


@pytest.mark.django_db
def test_hsts_is_sent_over_https_with_the_production_values(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
