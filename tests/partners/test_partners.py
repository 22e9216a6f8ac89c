import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Application

from apps.partners import services
from apps.partners.models import Partner
from tests.accounts.factories import UserFactory
from tests.partners.factories import make_partner
from tests.partners.helpers import authorize, client_credentials

pytestmark = pytest.mark.django_db


def test_self_service_creates_a_partner_with_sandbox_credentials_shown_once(token_client):
    owner = UserFactory()
    response = token_client(owner).post(
        "/api/v1/partners/",
        {"name": "Acme Runs", "redirect_uris": "https://acme.example/cb"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "sandbox"
    assert body["credentials"]["environment"] == "sandbox"
    secret = body["credentials"]["client_secret"]
    application = Application.objects.get(client_id=body["credentials"]["client_id"])
    assert application.client_secret != secret  # stored hashed
    again = token_client(owner).get(f"/api/v1/partners/{body['id']}/").json()
    assert secret not in str(again)
    assert again["sandbox_client_id"] == application.client_id
    assert again["production_client_id"] is None


def test_bad_redirect_uri_is_a_400_with_the_field(token_client):
    response = token_client(UserFactory()).post(
        "/api/v1/partners/", {"name": "X", "redirect_uris": "ftp://x"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "PARTNER_INVALID"
    assert "redirect_uris" in response.json()["fields"]


def test_production_comes_on_staff_approval():
    partner, _ = make_partner()
    services.partner_request_production(partner=partner)
    credentials = services.partner_approve(partner=partner)

    partner.refresh_from_db()
    assert partner.status == Partner.Status.PRODUCTION
    assert partner.production_application.client_id == credentials.client_id
    assert credentials.environment == "production"


def test_admin_approve_action_shows_the_production_secret_once(staff_client):
    partner, _ = make_partner()
    response = staff_client.post(
        "/admin/partners/partner/",
        {"action": "approve", "_selected_action": [partner.pk]},
    )
    assert response.status_code == 200
    partner.refresh_from_db()
    assert partner.production_application is not None
    assert partner.production_application.client_id in response.content.decode()


def test_authorization_code_with_pkce_gives_a_scoped_token():
    partner, creds = make_partner()
    owner = partner.owners.get()
    token = authorize(owner, creds.client_id, creds.client_secret, "activities:read")

    assert token["scope"] == "activities:read"
    stored = AccessToken.objects.get(user=owner)
    assert stored.application_id == partner.sandbox_application_id


def test_authorization_without_pkce_is_refused():
    partner, creds = make_partner()
    browser = Client()
    browser.force_login(partner.owners.get())
    response = browser.get(
        "/oauth/authorize/",
        {
            "response_type": "code",
            "client_id": creds.client_id,
            "redirect_uri": "http://127.0.0.1:9/callback",
            "scope": "activities:read",
        },
    )
    # DOT redirects the error to the client (invalid_request: code challenge required).
    assert response.status_code == 302
    assert "error=invalid_request" in response["Location"]


def test_client_credentials_token_works_on_partner_level_endpoints():
    _partner, creds = make_partner()
    token = client_credentials(creds.client_id, creds.client_secret)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")

    assert client.get("/api/v1/changes/").status_code == 200
    # An athlete-level endpoint needs a user's token.
    denied = client.get("/api/v1/partner/activities/1/")
    assert denied.status_code == 403


def test_an_invalid_bearer_token_is_a_401():
    response = Client(HTTP_AUTHORIZATION="Bearer nope").get("/api/v1/changes/")
    assert response.status_code == 401
    assert response.json()["code"] == "AUTHENTICATION_FAILED"


def test_people_see_and_revoke_partners_they_authorized(token_client):
    partner, creds = make_partner()
    owner = partner.owners.get()
    token = authorize(owner, creds.client_id, creds.client_secret, "activities:read profile:read")
    api = token_client(owner)

    listed = api.get("/api/v1/me/partner-authorizations/").json()
    assert listed == [
        {
            "id": partner.sandbox_application_id,
            "partner_id": partner.pk,
            "name": "Acme Runs",
            "scopes": ["activities:read", "profile:read"],
        }
    ]
    gone = api.delete(f"/api/v1/me/partner-authorizations/{partner.sandbox_application_id}/")
    assert gone.status_code == 204
    assert api.get("/api/v1/me/partner-authorizations/").json() == []
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    assert bearer.get("/api/v1/changes/").status_code == 401


def test_authorizations_page_lists_and_revokes():
    partner, creds = make_partner()
    owner = partner.owners.get()
    authorize(owner, creds.client_id, creds.client_secret, "activities:read")
    browser = Client()
    browser.force_login(owner)

    page = browser.get("/partners/authorized/")
    assert "Acme Runs" in page.content.decode()
    browser.post("/partners/authorized/", {"application": partner.sandbox_application_id})
    assert not AccessToken.objects.filter(user=owner).exists()


def test_partner_pages_create_and_show_the_secret_once():
    owner = UserFactory()
    browser = Client()
    browser.force_login(owner)
    response = browser.post(
        "/partners/", {"name": "Acme", "redirect_uris": "https://acme.example/cb"}
    )
    assert response.status_code == 200
    assert "shown only once" in response.content.decode()
    partner = Partner.objects.get(owners=owner)
    detail = browser.get(f"/partners/{partner.pk}/")
    assert detail.status_code == 200
    assert partner.sandbox_application.client_id in detail.content.decode()
    assert browser.get(f"/partners/{partner.pk + 1000}/").status_code == 404
