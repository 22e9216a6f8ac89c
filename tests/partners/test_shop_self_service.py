"""A partner's owner makes it a shop without staff: on the partner page and through the partner
API. The shop works in the sandbox at once, its signing secret shown once; production takes a
request and staff approval, the review production access already goes through. Nobody else
can touch the partner."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.partners import services, signing
from apps.partners.models import Partner
from tests.accounts.factories import UserFactory
from tests.partners.helpers import REDIRECT_URI

pytestmark = pytest.mark.django_db


def _partner(owner) -> tuple[Partner, str]:
    partner, credentials = services.partner_create(
        owner=owner, name="Trail Shop", redirect_uris=REDIRECT_URI
    )
    return partner, credentials.client_secret


def _token(client_id: str, client_secret: str, scope: str = "shop"):
    return Client().post(
        "/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "scope": scope,
        },
    )


def _row(partner: Partner) -> tuple[str, str, str]:
    partner.refresh_from_db()
    return partner.status, partner.shop_status, partner.shop_secret


def test_the_owner_enables_the_shop_through_the_api_and_the_sandbox_works_at_once(
    token_client,
):
    owner = UserFactory()
    partner, sandbox_secret = _partner(owner)
    api = token_client(owner)
    url = f"/api/v1/partners/{partner.pk}/shop/"

    refused = _token(partner.sandbox_application.client_id, sandbox_secret)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_scope")

    answer = api.post(url)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["shop_status"] == "sandbox"
    assert body["shop_secret"].startswith("whsec_")
    assert _row(partner) == ("sandbox", "sandbox", body["shop_secret"])
    # The secret really signs: what Stride verifies with is what the owner got.
    headers = signing.headers([body["shop_secret"]], "msg_1", 1_700_000_000, b"{}")
    signing.verify(partner.shop_secret, headers, b"{}", now=1_700_000_000)

    assert _token(partner.sandbox_application.client_id, sandbox_secret).status_code == 200
    shown = api.get(f"/api/v1/partners/{partner.pk}/").json()
    assert shown["shop_status"] == "sandbox"
    assert body["shop_secret"] not in str(shown)

    again = api.post(url)
    assert (again.status_code, again.json()["code"]) == (409, "PARTNER_STATE_INVALID")
    assert _row(partner)[2] == body["shop_secret"]  # the repeat changed nothing


def test_production_takes_a_request_and_staff_approval(token_client):
    owner = UserFactory()
    partner, _ = _partner(owner)
    api = token_client(owner)
    api.post(f"/api/v1/partners/{partner.pk}/shop/")

    requested = api.post(f"/api/v1/partners/{partner.pk}/shop/request-production/")
    assert requested.status_code == 200
    assert (requested.json()["status"], requested.json()["shop_status"]) == (
        "requested",
        "requested",
    )
    again = api.post(f"/api/v1/partners/{partner.pk}/shop/request-production/")
    assert again.status_code == 409

    production = services.partner_approve(partner=partner)  # staff, one review for both
    assert _row(partner)[:2] == ("production", "production")
    assert _token(production.client_id, production.client_secret).status_code == 200


def test_a_production_partner_needs_the_shop_approved_separately(token_client, staff_client):
    owner = UserFactory()
    partner, _ = _partner(owner)
    production = services.partner_approve(partner=partner)  # production for activities only
    api = token_client(owner)
    assert api.post(f"/api/v1/partners/{partner.pk}/shop/").status_code == 201

    assert _token(production.client_id, production.client_secret).status_code == 400
    assert api.post(f"/api/v1/partners/{partner.pk}/shop/request-production/").status_code == 200
    assert _row(partner)[:2] == ("production", "requested")
    assert _token(production.client_id, production.client_secret).status_code == 400

    page = staff_client.post(
        "/admin/partners/partner/",
        {"action": "shop_approve", "_selected_action": [partner.pk]},
        follow=True,
    )
    assert page.status_code == 200
    assert _row(partner)[:2] == ("production", "production")
    assert _token(production.client_id, production.client_secret).status_code == 200


def test_staff_cannot_approve_a_shop_without_production_access(staff_client):
    partner, _ = _partner(UserFactory())
    services.partner_shop_enable(partner=partner)
    page = staff_client.post(
        "/admin/partners/partner/",
        {"action": "shop_approve", "_selected_action": [partner.pk]},
        follow=True,
    )
    assert "Approve the partner for production first." in page.content.decode()
    assert _row(partner)[1] == "sandbox"


def test_a_new_shop_secret_replaces_the_old_one_and_needs_a_shop(token_client):
    owner = UserFactory()
    partner, _ = _partner(owner)
    api = token_client(owner)
    url = f"/api/v1/partners/{partner.pk}/shop/rotate-secret/"
    refused = api.post(url)
    assert (refused.status_code, refused.json()["code"]) == (409, "PARTNER_STATE_INVALID")
    assert _row(partner) == ("sandbox", "", "")

    first = api.post(f"/api/v1/partners/{partner.pk}/shop/").json()["shop_secret"]
    second = api.post(url)
    assert second.status_code == 200
    assert second.json()["shop_status"] == "sandbox"
    assert second.json()["shop_secret"] not in ("", first)
    assert _row(partner)[2] == second.json()["shop_secret"]


def test_another_users_partner_cannot_be_made_a_shop(token_client):
    partner, _ = _partner(UserFactory())
    stranger = token_client(UserFactory())
    for path in ("shop/", "shop/rotate-secret/", "shop/request-production/"):
        answer = stranger.post(f"/api/v1/partners/{partner.pk}/{path}")
        assert answer.status_code == 404, path
    assert _row(partner) == ("sandbox", "", "")


def test_the_partner_page_enables_the_shop_and_shows_the_secret_once():
    owner = UserFactory()
    partner, _ = _partner(owner)
    browser = Client()
    browser.force_login(owner)
    page = browser.get(f"/partners/{partner.pk}/")
    assert "Enable the shop" in page.content.decode()

    enabled = browser.post(f"/partners/{partner.pk}/shop/")
    assert enabled.status_code == 200
    secret = _row(partner)[2]
    assert secret.startswith("whsec_") and secret in enabled.content.decode()
    later = browser.get(f"/partners/{partner.pk}/").content.decode()
    assert secret not in later
    assert "Shop in the sandbox" in later and "Request production for the shop" in later

    renewed = browser.post(f"/partners/{partner.pk}/shop/secret/")
    assert _row(partner)[2] != secret and _row(partner)[2] in renewed.content.decode()

    asked = browser.post(f"/partners/{partner.pk}/shop/request-production/")
    assert asked.status_code == 302
    assert _row(partner)[:2] == ("requested", "requested")
    assert (
        "Staff are reviewing your shop" in browser.get(f"/partners/{partner.pk}/").content.decode()
    )


def test_the_partner_pages_refuse_another_users_partner():
    partner, _ = _partner(UserFactory())
    browser = Client()
    browser.force_login(UserFactory())
    for path in ("shop/", "shop/secret/", "shop/request-production/"):
        assert browser.post(f"/partners/{partner.pk}/{path}").status_code == 404, path
    assert _row(partner) == ("sandbox", "", "")
