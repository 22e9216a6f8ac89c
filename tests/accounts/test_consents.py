"""Versioned consents: required at sign-up, asked again on a new version, withdrawable."""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts import selectors
from apps.accounts.models import ConsentRecord, User
from tests.accounts.consents import agree_to_all, publish_documents
from tests.accounts.factories import PASSWORD, UserFactory

ALL_YES = {
    "terms": True,
    "privacy": True,
    "health_data": True,
    "marketing": True,
    "personalisation": True,
}


@pytest.fixture
def documents(db):
    return publish_documents()


def _signup_form(**consents):
    data = {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD}
    data.update({f"consent_{k}": "on" for k, v in consents.items() if v})
    return data


def test_web_signup_requires_the_mandatory_agreements(documents):
    response = Client().post("/accounts/signup/", _signup_form(terms=True))
    assert response.status_code == 200
    assert response.content.decode().count("You need to agree to this to use Stride.") == 2
    assert not User.objects.exists()


def test_web_signup_records_each_answer_with_ip_and_agent(documents):
    response = Client(HTTP_USER_AGENT="StrideTest/1.0", REMOTE_ADDR="198.51.100.7").post(
        "/accounts/signup/", _signup_form(terms=True, privacy=True, health_data=True)
    )
    assert response.status_code == 302
    user = User.objects.get()
    rows = {
        r.document.kind: (r.granted, r.document.version, r.ip_address, r.user_agent)
        for r in ConsentRecord.objects.filter(user=user).select_related("document")
    }
    assert rows == {
        "terms": (True, 1, "198.51.100.7", "StrideTest/1.0"),
        "privacy": (True, 1, "198.51.100.7", "StrideTest/1.0"),
        "health_data": (True, 1, "198.51.100.7", "StrideTest/1.0"),
        "marketing": (False, 1, "198.51.100.7", "StrideTest/1.0"),
        "personalisation": (False, 1, "198.51.100.7", "StrideTest/1.0"),
    }
    assert selectors.consent_given(user=user, kind="marketing") is False


def test_an_app_signs_up_then_must_agree_before_using_the_api(documents):
    client = APIClient()
    client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": "app@example.com", "password": PASSWORD},
        format="json",
    )
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.outbox[0].body).group(1)
    token = client.post(
        "/_allauth/app/v1/auth/email/verify",
        {"key": key},
        format="json",
        HTTP_X_SESSION_TOKEN=client.post(
            "/_allauth/app/v1/auth/login",
            {"email": "app@example.com", "password": PASSWORD},
            format="json",
        ).json()["meta"]["session_token"],
    ).json()["meta"]["session_token"]
    client.credentials(HTTP_X_SESSION_TOKEN=token)

    assert client.get("/api/v1/me/").status_code == 200  # who am I: always allowed
    blocked = client.get("/api/v1/me/profile/")
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "CONSENT_REQUIRED"
    assert set(blocked.json()["fields"]) == {"terms", "privacy", "health_data"}

    states = client.get("/api/v1/me/consents/").json()
    assert [(s["kind"], s["mandatory"], s["needs_answer"]) for s in states] == [
        ("health_data", True, True),
        ("marketing", False, False),
        ("personalisation", False, False),
        ("privacy", True, True),
        ("terms", True, True),
    ]
    answer = client.post("/api/v1/me/consents/", {"decisions": ALL_YES}, format="json")
    assert answer.status_code == 200
    assert not any(s["needs_answer"] for s in answer.json())
    assert client.get("/api/v1/me/profile/").status_code == 200


def test_refusing_a_mandatory_document_is_a_clear_400(documents, token_client):
    user = UserFactory()
    client = token_client(user)
    response = client.post(
        "/api/v1/me/consents/", {"decisions": {**ALL_YES, "terms": False}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "MANDATORY_CONSENT_REFUSED"
    assert list(response.json()["fields"]) == ["terms"]
    assert not ConsentRecord.objects.filter(user=user).exists()


def test_unknown_kinds_are_refused(documents, token_client):
    response = token_client(UserFactory()).post(
        "/api/v1/me/consents/", {"decisions": {"souls": True}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"


def test_a_new_version_is_asked_for_before_continuing(documents, client):
    user = UserFactory()
    agree_to_all(user)
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200

    publish_documents(version=2, kinds=["terms"])

    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/consents/?next=%2Fdashboard%2F"
    page = client.get(response["Location"])
    assert "Please review and accept the updated terms before continuing." in page.content.decode()

    form = {f"consent_{k}": "on" for k in ("terms", "privacy", "health_data")}
    done = client.post("/accounts/consents/", {**form, "next": "/dashboard/"})
    assert done["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    versions = ConsentRecord.objects.filter(user=user, document__kind="terms").values_list(
        "document__version", flat=True
    )
    assert sorted(versions) == [1, 2]


def test_marketing_can_be_withdrawn_and_history_is_kept(documents, token_client):
    user = UserFactory()
    agree_to_all(user, marketing=True)
    assert selectors.consent_given(user=user, kind="marketing") is True

    response = token_client(user).post(
        "/api/v1/me/consents/", {"decisions": {"marketing": False}}, format="json"
    )

    assert response.status_code == 200
    assert selectors.consent_given(user=user, kind="marketing") is False
    history = ConsentRecord.objects.filter(user=user, document__kind="marketing").order_by("pk")
    assert list(history.values_list("granted", flat=True)) == [True, False]


def test_the_same_answers_again_record_nothing_new(documents, token_client):
    user = UserFactory()
    client = token_client(user)
    client.post("/api/v1/me/consents/", {"decisions": ALL_YES}, format="json")
    count = ConsentRecord.objects.filter(user=user).count()
    client.post("/api/v1/me/consents/", {"decisions": ALL_YES}, format="json")
    assert ConsentRecord.objects.filter(user=user).count() == count == 5


def test_a_foreign_next_url_is_ignored(documents, client):
    user = UserFactory()
    client.force_login(user)
    form = {f"consent_{k}": "on" for k in ("terms", "privacy", "health_data")}
    response = client.post("/accounts/consents/", {**form, "next": "https://evil.example/"})
    assert response["Location"] == "/dashboard/"


def test_documents_are_shown_in_the_readers_language(documents):
    page = Client().get(
        f"/accounts/consents/document/{documents['terms'].pk}/", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert "terms (de) v1" in page.content.decode()
