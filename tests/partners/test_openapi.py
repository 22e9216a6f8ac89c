"""The committed OpenAPI document (docs/openapi.yaml) against the one the code generates: the
API may only grow. After a deliberate, non-breaking change, refresh it with
`manage.py spectacular --file docs/openapi.yaml`."""

import copy
from pathlib import Path

import pytest
import yaml
from django.test import Client

from tests.partners.openapi_diff import breaking_changes

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


@pytest.fixture(scope="module")
def current(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    return yaml.safe_load(response.content)


@pytest.fixture(scope="module")
def committed():
    return yaml.safe_load(COMMITTED.read_text())


def test_no_breaking_change_against_the_committed_schema(committed, current):
    assert breaking_changes(committed, current) == []


def test_webhooks_are_documented_with_examples(current):
    hooks = current["x-webhooks"]
    assert {"activity.created", "activity.updated", "activity.deleted", "webhook.test"} <= set(
        hooks
    )
    schema = current["components"]["schemas"]["WebhookEvent_activity_created"]
    assert schema["example"]["type"] == "activity.created"
    assert schema["required"] == ["type", "id", "created_at", "schema_version", "data"]
    headers = {p["name"] for p in hooks["activity.created"]["post"]["parameters"]}
    assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}


def test_partner_operations_document_oauth_and_the_idempotency_key(current):
    operation = current["paths"]["/api/v1/partner/activities/"]["post"]
    assert {"oauth2": []} in operation["security"] or any(
        "oauth2" in s for s in operation["security"]
    )
    assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]


def _drop(doc, *keys):
    target = doc
    for key in keys[:-1]:
        target = target[key]
    del target[keys[-1]]


def test_the_check_catches_each_kind_of_break(committed):
    new = copy.deepcopy(committed)
    _drop(new, "paths", "/api/v1/changes/")
    _drop(new, "paths", "/api/v1/partners/{partner_id}/", "get")
    new["components"]["schemas"]["PartnerActivity"]["properties"].pop("external_id")
    new["components"]["schemas"]["PartnerInputRequest"]["required"].append("website")
    _drop(new, "x-webhooks", "activity.deleted")
    problems = breaking_changes(committed, new)
    assert "/api/v1/changes/: path removed" in problems
    assert "GET /api/v1/partners/{partner_id}/: operation removed" in problems
    assert (
        "GET /api/v1/partner/activities/{activity_id}/: response field 'external_id' removed"
        in (problems)
    )
    assert "POST /api/v1/partners/: request field 'website' is now required" in problems
    assert "webhook activity.deleted: event type removed" in problems
    assert breaking_changes(committed, committed) == []
