"""Shared fixtures. Real-service tests use the `services` marker and the `real_services` fixture:
without DATABASE_URL/REDIS_URL they are skipped, and with STRIDE_REQUIRE_SERVICES=1 (CI) a skip
becomes a failure, and a run in which no such test passed fails as a whole."""

import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, UserFactory

REQUIRE_SERVICES = os.environ.get("STRIDE_REQUIRE_SERVICES") == "1"
_services_outcomes: dict[str, int] = {"passed": 0, "skipped": 0, "failed": 0}


def services_available() -> tuple[bool, str]:
    if not settings.USES_POSTGRES:
        return False, "DATABASE_URL does not point at PostgreSQL"
    if not settings.REDIS_URL:
        return False, "REDIS_URL is not set"
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return False, "no Celery broker configured"
    return True, ""


@pytest.fixture
def real_services():
    ok, why = services_available()
    if not ok:
        if REQUIRE_SERVICES:
            pytest.fail(f"STRIDE_REQUIRE_SERVICES=1 but {why}")
        pytest.skip(f"real services not configured: {why}")


def pytest_runtest_logreport(report):
    if "services" not in report.keywords:
        return
    if report.when == "call" and report.passed:
        _services_outcomes["passed"] += 1
    elif report.skipped:
        _services_outcomes["skipped"] += 1
    elif report.failed:
        _services_outcomes["failed"] += 1


def pytest_sessionfinish(session, exitstatus):
    # Under pytest-xdist the controller sees every worker's reports and judges; a worker that
    # happened to get no real-service test must not fail the run.
    if (
        not REQUIRE_SERVICES
        or session.config.option.collectonly
        or hasattr(session.config, "workerinput")
    ):
        return
    if _services_outcomes["skipped"] or not _services_outcomes["passed"]:
        print(
            "\nSTRIDE_REQUIRE_SERVICES=1: real-service tests "
            f"passed={_services_outcomes['passed']} skipped={_services_outcomes['skipped']}; "
            "every one must run and pass."
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _isolated_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test gets its own channel-layer instance. channels_redis binds an instance to the
    event loop of its first receiver; a consumer left waiting in an earlier test's loop (a
    stopped live server, a communicator never disconnected) would otherwise make the next
    test's receive() fail with "Two event loops are trying to receive() on one channel layer"."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _fresh_analytics_buffer():
    """A test's tracked events never leak into the next test's database."""
    from apps.core import analytics

    analytics.get_backend().discard()
    yield
    analytics.get_backend().discard()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


def session_token(client, email: str, password: str = PASSWORD) -> str:
    """Sign in through the headless app API, as a mobile app does; return the session token."""
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": email, "password": password},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


@pytest.fixture
def token_client(db):
    """`token_client(user)` → an APIClient authenticated with that user's session token."""

    def make(user) -> APIClient:
        client = APIClient()
        token = session_token(client, user.email)
        client.credentials(HTTP_X_SESSION_TOKEN=token)
        return client

    return make
