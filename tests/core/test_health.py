import pytest
from django.test import Client

from apps.core import health


@pytest.mark.django_db
def test_healthz_answers_without_touching_dependencies(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_lists_each_check_by_name():
    response = Client().get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert {c["status"] for c in body["checks"].values()} == {"ok"}


@pytest.mark.django_db
def test_readyz_says_when_there_is_no_broker_to_check(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    broker = Client().get("/readyz").json()["checks"]["broker"]
    assert broker["status"] == "ok"
    assert broker["note"] == "embedded: tasks run in-process"


@pytest.mark.django_db
def test_readyz_is_503_and_names_the_failing_dependency(monkeypatch):
    def broken_cache():
        raise ConnectionError("redis is down")

    monkeypatch.setitem(health.CHECKS, "cache", broken_cache)

    response = Client().get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["status"] == "ok"


def test_health_endpoints_refuse_writes():
    assert Client().post("/healthz").status_code == 405


@pytest.mark.django_db
def test_probes_answer_requests_addressed_to_the_pod_ip(settings):
    settings.ALLOWED_HOSTS = ["stride.example"]
    client = Client(HTTP_HOST="10.1.2.3:8000", REMOTE_ADDR="127.0.0.1")

    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert client.get("/").status_code == 400  # every other page still checks the host
