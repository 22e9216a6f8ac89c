"""Server errors found by the security checks of issue 13, each pinned here."""

import pytest

from tests.accounts.consents import agree_to_all, publish_documents
from tests.accounts.factories import UserFactory


@pytest.fixture
def member_client(client):
    publish_documents()
    member = UserFactory()
    agree_to_all(member)
    client.force_login(member)
    return client


@pytest.mark.django_db
def test_the_headless_phone_endpoint_lists_no_numbers(member_client):
    """allauth's adapter raised NotImplementedError: Stride stores no phone numbers."""
    response = member_client.get("/_allauth/browser/v1/account/phone")
    assert response.status_code == 200
    assert response.json()["data"] == []


@pytest.mark.django_db
def test_options_on_a_view_without_a_serializer_class(member_client):
    """DRF's metadata instantiated a serializer the view does not declare (schemathesis)."""
    response = member_client.options("/api/v1/me/export/")
    assert response.status_code == 200
    assert response.json()["schema"] == "/api/schema/"
