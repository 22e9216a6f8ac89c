import pytest
from django.test import Client

from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_wrong_token_is_401_in_the_common_shape(api_client):
    response = api_client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN="not-a-token")

    assert response.status_code == 401
    assert response.json() == {
        "code": "AUTHENTICATION_FAILED",
        "message": "The session token is invalid or has expired.",
    }
    assert response["WWW-Authenticate"].startswith("X-Session-Token")


@pytest.mark.django_db
def test_no_token_is_401(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"


@pytest.mark.django_db
def test_malformed_json_is_400_not_500(token_client):
    client = token_client(UserFactory())
    response = client.generic("PATCH", "/api/v1/me/", b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "MALFORMED_REQUEST"


@pytest.mark.django_db
def test_validation_errors_name_the_fields(token_client):
    client = token_client(UserFactory())
    response = client.patch("/api/v1/me/", {"language": "xx"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert body["message"] == "Some fields are not valid."
    assert body["fields"] == {"language": ['"xx" is not a valid choice.']}


@pytest.mark.django_db
def test_method_not_allowed_has_the_shape(token_client):
    response = token_client(UserFactory()).post("/api/v1/me/", {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.django_db
def test_unknown_api_path_is_json_404():
    response = Client().get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response.json() == {"code": "NOT_FOUND", "message": "There is nothing at this address."}


@pytest.mark.django_db
def test_unknown_page_is_html_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert b"There is nothing at this address." in response.content


@pytest.mark.django_db
def test_error_messages_follow_the_callers_language(api_client):
    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"
    assert response.json()["message"] != "Authentication credentials were not provided."


@pytest.mark.django_db
def test_throttled_calls_get_429_with_retry_after(monkeypatch, api_client):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})

    statuses = [api_client.get("/api/v1/meta/").status_code for _ in range(3)]
    response = api_client.get("/api/v1/meta/")

    assert statuses == [200, 200, 200]
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "RATE_LIMITED"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert body["message"] == f"Too many requests. Try again in {response['Retry-After']} seconds."
