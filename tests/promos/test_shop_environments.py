"""A shop's sandbox and production stay apart: an order belongs to the environment of the
client that reported it, its webhooks (order.reported, order.refunded) go only to that
environment's endpoints, and news about a person (coupon.issued, reward.redeemed) goes to the
environment the person belongs to (a generated sandbox athlete: the sandbox of its shop)."""

from __future__ import annotations

import pytest

from apps.partners import services as partner_services
from apps.partners.models import Environment, SandboxAthlete, WebhookDelivery, WebhookEvent
from apps.promos import selectors, services
from apps.promos.models import Order, PointsEntry
from tests.accounts.factories import UserFactory
from tests.partners.helpers import client_credentials
from tests.promos.factories import promotion, reward, rule
from tests.promos.test_shop_api import ORDERS, Shop, call, make_shop

pytestmark = pytest.mark.django_db


def _sandbox_client(shop: Shop) -> Shop:
    """The same shop through its sandbox OAuth client."""
    partner = shop.partner
    secret = partner_services.partner_sandbox_secret_reset(partner=partner).client_secret
    token = client_credentials(partner.sandbox_application.client_id, secret, scope="shop")
    return Shop(partner, shop.secret, token["access_token"])


def _endpoints(shop: Shop) -> tuple[int, int]:
    sandbox, _ = partner_services.endpoint_create(
        partner=shop.partner, url="https://shop.example/sandbox", environment=Environment.SANDBOX
    )
    production, _ = partner_services.endpoint_create(
        partner=shop.partner,
        url="https://shop.example/live",
        environment=Environment.PRODUCTION,
    )
    return sandbox.pk, production.pk


def _delivered_to(event_type: str, **data) -> set[int]:
    events = [
        e for e in WebhookEvent.objects.filter(type=event_type) if data.items() <= e.data.items()
    ]
    assert len(events) == 1, events
    return set(WebhookDelivery.objects.filter(event=events[0]).values_list("endpoint", flat=True))


def test_order_webhooks_go_to_the_endpoints_of_the_orders_environment(user):
    rule("order", 1)
    live = make_shop("Both worlds")
    sandbox = _sandbox_client(live)
    owner = live.partner.owners.get()
    sandbox_endpoint, production_endpoint = _endpoints(live)

    body = {"order_id": "T-1", "user_id": owner.pk, "total": 10, "currency": "EUR"}
    assert call(sandbox, ORDERS, body).status_code == 201
    assert call(sandbox, f"{ORDERS}T-1/refund/").status_code == 200
    assert _delivered_to("order.reported", order_id="T-1") == {sandbox_endpoint}
    assert _delivered_to("order.refunded", order_id="T-1") == {sandbox_endpoint}

    body = {"order_id": "L-1", "user_id": user.pk, "total": 10, "currency": "EUR"}
    assert call(live, ORDERS, body).status_code == 201
    assert call(live, f"{ORDERS}L-1/refund/").status_code == 200
    assert _delivered_to("order.reported", order_id="L-1") == {production_endpoint}
    assert _delivered_to("order.refunded", order_id="L-1") == {production_endpoint}

    assert dict(Order.objects.values_list("order_id", "environment")) == {
        "T-1": "sandbox",
        "L-1": "production",
    }


def test_sandbox_and_production_orders_of_one_shop_are_apart(user):
    rule("order", 1)
    live = make_shop("Twin ids")
    sandbox = _sandbox_client(live)
    owner = live.partner.owners.get()

    body = {"order_id": "SAME", "user_id": owner.pk, "total": 20, "currency": "EUR"}
    assert call(sandbox, ORDERS, body).status_code == 201
    assert call(live, ORDERS, body).status_code == 201  # not the sandbox order replayed
    assert Order.objects.filter(order_id="SAME").count() == 2
    assert selectors.points_balance(user=owner) == 40
    assert set(PointsEntry.objects.values_list("reference", flat=True)) == {
        f"order:{live.partner.shop_id}@sandbox:SAME",
        f"order:{live.partner.shop_id}:SAME",
    }

    production_only = {"order_id": "LIVE-ONLY", "user_id": user.pk, "total": 5, "currency": "EUR"}
    assert call(live, ORDERS, production_only).status_code == 201
    refused = call(sandbox, f"{ORDERS}LIVE-ONLY/refund/")  # a sandbox client refunds nothing real
    assert refused.status_code == 404
    assert Order.objects.get(order_id="LIVE-ONLY").status == "paid"

    assert call(sandbox, f"{ORDERS}SAME/refund/").status_code == 200
    assert dict(Order.objects.filter(order_id="SAME").values_list("environment", "status")) == {
        "sandbox": "refunded",
        "production": "paid",
    }
    assert selectors.points_balance(user=owner) == 20  # the production order keeps its points


def test_news_about_a_person_goes_to_the_environment_the_person_belongs_to(user):
    live = make_shop("Approved shop")
    live_sandbox, live_production = _endpoints(live)
    trial = make_shop("Sandbox-only shop", production=False)
    partner_services.partner_approve(partner=trial.partner)  # in production, but not its shop
    trial.partner.refresh_from_db()
    trial_sandbox, trial_production = _endpoints(trial)
    athlete = UserFactory()
    SandboxAthlete.objects.create(partner=live.partner, user=athlete)
    owner = trial.partner.owners.get()

    for person in (user, athlete, owner):
        services.coupon_issue(
            user=person, promotion=promotion(f"p{person.pk}"), key=f"k{person.pk}"
        )

    # A real person: production shops' production endpoints, no sandbox, no unapproved shop.
    assert _delivered_to("coupon.issued", user_id=user.pk) == {live_production}
    # A generated sandbox athlete: its own shop's sandbox only, never a production endpoint.
    assert _delivered_to("coupon.issued", user_id=athlete.pk) == {live_sandbox}
    # An owner is a real person and their shop's sandbox tester.
    assert _delivered_to("coupon.issued", user_id=owner.pk) == {live_production, trial_sandbox}
    assert not WebhookDelivery.objects.filter(endpoint_id=trial_production).exists()

    gift = reward("socks", 10)
    for person in (user, athlete):
        services.points_adjust(user=person, points=10, reason="welcome", actor=owner)
        services.reward_redeem(user=person, reward_id=gift.pk, key=f"r{person.pk}")
    assert _delivered_to("reward.redeemed", user_id=user.pk) == {live_production}
    assert _delivered_to("reward.redeemed", user_id=athlete.pk) == {live_sandbox}


def test_the_environment_travels_with_the_order_events(user):
    from apps.core import events

    published = []
    original = events._in_transaction_hooks[:]
    events._in_transaction_hooks.append(lambda event: published.append(event))
    try:
        services.order_report(
            shop="s", order_id="E", user_id=user.pk, total=1, currency="EUR", environment="sandbox"
        )
        services.order_refund(shop="s", order_id="E", environment="sandbox")
    finally:
        events._in_transaction_hooks[:] = original
    assert [(e.name, e.payload["environment"]) for e in published] == [
        ("order_reported", "sandbox"),
        ("order_refunded", "sandbox"),
    ]
    with pytest.raises(ValueError, match="unknown environment"):
        services.order_report(
            shop="s", order_id="F", user_id=user.pk, total=1, currency="EUR", environment="qa"
        )
