"""Schemathesis against the OpenAPI schema: every documented operation, fed generated input
(valid and invalid), signed in as a person with data, never answers 5xx.

Bounded to a few examples per operation so it runs in about a minute; a failure prints the
request to replay (`curl` form). Run more with `SCHEMATHESIS_EXAMPLES=200`."""

import json
import os
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error

from apps.accounts import services as accounts_services
from apps.training.services import record_activity
from apps.training.types import NormalizedActivity
from tests.accounts.consents import agree_to_all, publish_documents
from tests.accounts.factories import UserFactory
from tests.conftest import session_token

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))
# The explicit phase (schema examples + schemathesis's boundary "coverage" cases: wrong
# methods, missing and out-of-range values) takes ~5x longer; run it with
# SCHEMATHESIS_COVERAGE=1 (it found the OPTIONS 500 pinned in test_5xx_fixes.py).
PHASES = [Phase.generate] + ([Phase.explicit] if os.environ.get("SCHEMATHESIS_COVERAGE") else [])


def _load_schema():
    """The schema drf-spectacular serves at /api/schema/, requests sent to Django in-process.
    (Loaded at collection: schemathesis's lazy fixture mode does not run on pytest 9.)"""
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, which would end
    the test's transaction; Django's own test client turns that off the same way."""
    request_finished.disconnect(close_old_connections)
    yield
    request_finished.connect(close_old_connections)


@pytest.fixture
def demo_token(db):
    """A person like the demo ones: consents given, a profile, a few activities."""
    publish_documents()
    person = UserFactory(display_name="Schema Runner")
    agree_to_all(person)
    accounts_services.profile_update(user=person, region="Testland")
    for days in (1, 2, 3):
        record_activity(
            owner=person,
            activity=NormalizedActivity(
                sport="run",
                start_time=timezone.now() - timedelta(days=days),
                title=f"Run {days}",
                elapsed_s=1800 + days,
                distance_m=5000.0 + days,
            ),
        )
    return session_token(APIClient(), person.email)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=PHASES,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_5xx(case, demo_token):
    case.call_and_validate(headers={"X-Session-Token": demo_token}, checks=[not_a_server_error])
