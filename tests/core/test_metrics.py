import pytest
from django.test import Client


@pytest.mark.django_db
def test_metrics_served_to_the_internal_network():
    response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("remote", "headers"),
    [
        ("203.0.113.9", {}),  # a public address
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}),  # public, through the proxy
        ("203.0.113.9", {"HTTP_AUTHORIZATION": "Bearer wrong"}),
    ],
)
def test_metrics_refused_to_the_public(settings, remote, headers):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    response = Client(REMOTE_ADDR=remote).get("/metrics", **headers)
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"
    assert b"django_http" not in response.content


@pytest.mark.django_db
def test_metrics_with_the_bearer_token_from_anywhere(settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    response = Client(REMOTE_ADDR="203.0.113.9").get(
        "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token"
    )
    assert response.status_code == 200
