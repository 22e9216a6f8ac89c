import pytest
import yaml
from django.test import Client
from openapi_spec_validator import validate


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_a_valid_openapi_3_document(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_every_operation_documents_its_errors(schema):
    error_ref = "#/components/schemas/Error"
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert responses["429"]["content"]["application/json"]["schema"]["$ref"] == error_ref
            if method in ("post", "put", "patch"):
                assert "400" in responses, (method, path)
            if operation.get("security") != [{}] and path != "/api/v1/meta/":
                assert "401" in responses, (method, path)


def test_the_session_token_scheme_is_documented(schema):
    scheme = schema["components"]["securitySchemes"]["sessionToken"]
    assert scheme == {"type": "apiKey", "in": "header", "name": "X-Session-Token"}


def test_idempotent_endpoints_document_the_header_and_its_errors(schema):
    operation = schema["paths"]["/api/v1/analytics/events/"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
    assert {"409", "422"} <= set(operation["responses"])


@pytest.mark.django_db
def test_the_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yaml"))


@pytest.mark.django_db
def test_the_docs_page_renders():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"cdn.jsdelivr" not in response.content  # assets come from the sidecar package
