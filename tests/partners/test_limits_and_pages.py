import pytest
from django.test import Client

from apps.partners import services
from apps.partners.models import Partner, WebhookDelivery, WebhookEvent
from tests.accounts.factories import UserFactory
from tests.partners.factories import make_partner
from tests.partners.helpers import Receiver, authorize, running

pytestmark = pytest.mark.django_db


def test_rate_limit_per_partner_with_headers_and_retry_after():
    partner, creds = make_partner()
    Partner.objects.filter(pk=partner.pk).update(rate_limit_per_minute=2)
    token = authorize(partner.owners.get(), creds.client_id, creds.client_secret, "activities:read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")

    first, second, third = (client.get("/api/v1/changes/") for _ in range(3))

    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert first["RateLimit-Limit"] == "2"
    assert (first["RateLimit-Remaining"], second["RateLimit-Remaining"]) == ("1", "0")
    assert third.json()["code"] == "RATE_LIMITED"
    assert 1 <= int(third["Retry-After"]) <= 60
    assert third["RateLimit-Remaining"] == "0"


def test_list_endpoints_do_not_grow_queries_with_the_page(
    token_client, django_assert_max_num_queries
):
    partner, _ = make_partner()
    owner = partner.owners.get()
    endpoint, _secret = services.endpoint_create(partner=partner, url="http://127.0.0.1:9/h")
    for _ in range(15):
        event = WebhookEvent.objects.create(type="webhook.test", schema_version=1, data={})
        WebhookDelivery.objects.create(event=event, endpoint=endpoint)
    for n in range(3):
        services.partner_create(owner=owner, name=f"P{n}", redirect_uris="https://x.example/cb")
    api = token_client(owner)
    for url in (
        f"/api/v1/partners/{partner.pk}/deliveries/",
        f"/api/v1/partners/{partner.pk}/endpoints/",
        "/api/v1/partners/",
    ):
        with django_assert_max_num_queries(12):
            response = api.get(url + "?page_size=50")
        assert response.status_code == 200
    assert len(api.get(f"/api/v1/partners/{partner.pk}/deliveries/").json()["results"]) == 15


def test_staff_create_a_partner_in_the_admin_and_see_sandbox_credentials(staff_client):
    owner = UserFactory()
    response = staff_client.post(
        "/admin/partners/partner/add/",
        {"name": "Gym Co", "website": "", "owners": [owner.pk], "rate_limit_per_minute": 600},
    )
    assert response.status_code == 200, response.content[:500]
    partner = Partner.objects.get(name="Gym Co")
    assert partner.sandbox_application is not None
    assert partner.sandbox_application.client_id in response.content.decode()
    assert "shown only once" in response.content.decode()


def test_the_send_test_event_button_delivers_a_signed_event():
    partner, _ = make_partner()
    owner = partner.owners.get()
    browser = Client()
    browser.force_login(owner)
    receiver = Receiver()
    with running(receiver):
        endpoint, receiver.secret = services.endpoint_create(partner=partner, url=receiver.url)
        page = browser.post(f"/partners/endpoints/{endpoint.pk}/test/", follow=True)
    assert "The test event was delivered." in page.content.decode()
    assert receiver.received[0]["body"]["type"] == "webhook.test"
    assert "webhook.test" in page.content.decode()  # the delivery log on the page


def test_pages_of_other_people_are_404():
    partner, _ = make_partner()
    endpoint, _ = services.endpoint_create(partner=partner, url="http://127.0.0.1:9/h")
    browser = Client()
    browser.force_login(UserFactory())
    assert browser.get(f"/partners/{partner.pk}/").status_code == 404
    assert browser.post(f"/partners/endpoints/{endpoint.pk}/test/").status_code == 404
    assert not WebhookDelivery.objects.exists()
