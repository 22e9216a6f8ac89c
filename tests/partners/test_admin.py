import pytest

from apps.partners import services
from apps.partners.models import WebhookDelivery, WebhookEvent
from tests.partners.factories import make_partner

pytestmark = pytest.mark.django_db


def _delivery():
    partner, _ = make_partner()
    endpoint, secret = services.endpoint_create(partner=partner, url="http://127.0.0.1:1/h")
    event = WebhookEvent.objects.create(type="webhook.test", schema_version=1, data={"a": 1})
    delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint)
    services.delivery_attempt(delivery_id=delivery.pk)
    return delivery, secret


def test_admin_lists_and_shows_the_attempt_log_without_secrets(staff_client):
    delivery, secret = _delivery()
    for url in (
        "/admin/partners/partner/",
        "/admin/partners/webhookendpoint/",
        f"/admin/partners/webhookendpoint/{delivery.endpoint_id}/change/",
        "/admin/partners/webhookevent/",
        "/admin/partners/webhookdelivery/",
        f"/admin/partners/webhookdelivery/{delivery.pk}/change/",
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert secret not in response.content.decode()
    page = staff_client.get(f"/admin/partners/webhookdelivery/{delivery.pk}/change/")
    assert "ConnectionError" in page.content.decode()  # the attempt's error is logged


def test_admin_replay_action_makes_a_new_delivery_of_the_same_event(staff_client):
    delivery, _ = _delivery()
    staff_client.post(
        "/admin/partners/webhookdelivery/",
        {"action": "replay", "_selected_action": [delivery.pk]},
    )
    assert list(WebhookDelivery.objects.values_list("event_id", flat=True)) == [
        delivery.event_id,
        delivery.event_id,
    ]
