"""The shop over HTTP, as a shop partner runs it: a client-credentials token with the scope
shop, every body signed (Standard Webhooks) with the partner's shop secret."""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass

import pytest
from django.test import Client

from apps.partners import services as partner_services
from apps.partners import signing
from apps.partners.models import Environment, Partner, WebhookDelivery, WebhookEvent
from apps.promos import selectors, services
from apps.promos.models import Coupon, Order, PointsEntry, ShopRequestRejection
from tests.accounts.factories import UserFactory
from tests.partners.helpers import REDIRECT_URI, client_credentials
from tests.promos.factories import promotion, rule

pytestmark = pytest.mark.django_db

VALIDATE = "/api/v1/shop/coupons/validate/"
ORDERS = "/api/v1/shop/orders/"


@dataclass
class Shop:
    partner: Partner
    secret: str
    token: str


def make_shop(name: str = "Shop", *, production: bool = True, scope: str = "shop") -> Shop:
    owner = UserFactory()
    partner, sandbox = partner_services.partner_create(
        owner=owner, name=name, redirect_uris=REDIRECT_URI
    )
    secret = partner_services.partner_shop_enable(partner=partner)  # the owner, sandbox at once
    credentials = sandbox
    if production:  # the owner asks, staff approve partner and shop in one review
        partner_services.partner_shop_request_production(partner=partner)
        credentials = partner_services.partner_approve(partner=partner)
    token = client_credentials(credentials.client_id, credentials.client_secret, scope=scope)
    partner.refresh_from_db()
    return Shop(partner, secret, token["access_token"])


def call(shop: Shop, path: str, body: dict | None = None, *, key: str = "", **sign):
    raw = json.dumps(body).encode() if body is not None else b""
    msg_id = sign.get("msg_id") or f"msg_{uuid.uuid4().hex}"
    stamp = sign.get("timestamp") or int(time.time())
    headers = signing.headers([sign.get("secret") or shop.secret], msg_id, stamp, raw)
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    extra["HTTP_AUTHORIZATION"] = f"Bearer {shop.token}"
    if key:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return Client().post(path, raw, content_type="application/json", **extra)


@pytest.fixture
def shop() -> Shop:
    return make_shop()


@pytest.fixture
def spring():
    p = promotion("spring", kind="percent", value=20, categories=["road_shoe"])
    return services.coupon_create_shared(
        promotion=p, code="SPRING20", total_limit=5, per_user_limit=1
    )


def test_validate_a_coupon(shop, user, spring):
    answer = call(shop, VALIDATE, {"code": "spring20", "user_id": user.pk})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["valid"], body["code"], body["kind"], body["value"]) == (
        True,
        "SPRING20",
        "percent",
        "20.00",
    )
    assert answer["RateLimit-Limit"]
    unknown = call(shop, VALIDATE, {"code": "NOPE"}).json()
    assert (unknown["valid"], unknown["reason"]) == (False, "COUPON_INVALID")
    assert call(shop, VALIDATE, {"user_id": user.pk}).status_code == 400  # no code


def test_report_replay_and_refund(shop, user, spring):
    rule("order", 1)  # a point per euro
    order = {
        "order_id": "A-1",
        "user_id": user.pk,
        "total": "80.00",
        "currency": "EUR",
        "coupon_code": "spring20",
    }
    first = call(shop, ORDERS, order, key="key-1")
    assert first.status_code == 201, first.content
    assert first.json()["points"] == 80
    assert first.json()["coupon_code"] == "SPRING20"
    # The same Idempotency-Key replays the answer; the same order id without a key is the
    # same order (200), not a second one.
    again = call(shop, ORDERS, order, key="key-1")
    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")
    same_order = call(shop, ORDERS, order, key="key-2")
    assert same_order.status_code == 200
    assert call(shop, ORDERS, order).status_code == 200
    assert Order.objects.get().shop == shop.partner.shop_id
    assert selectors.points_balance(user=user) == 80
    assert Coupon.objects.get().redeemed_count == 1

    refund = "/api/v1/shop/orders/A-1/refund/"
    assert call(shop, refund).json()["status"] == "refunded"
    assert call(shop, refund).status_code == 200  # twice: reversed once
    assert selectors.points_balance(user=user) == 0
    assert Coupon.objects.get().redeemed_count == 0
    assert list(PointsEntry.objects.order_by("pk").values_list("points", "source")) == [
        (80, "order"),
        (-80, "refund"),
    ]


def test_another_shop_cannot_refund_this_shops_order(shop, user):
    call(shop, ORDERS, {"order_id": "X-9", "user_id": user.pk, "total": 10, "currency": "EUR"})
    other = make_shop("Other shop")
    answer = call(other, "/api/v1/shop/orders/X-9/refund/")
    assert (answer.status_code, answer.json()["code"]) == (404, "ORDER_NOT_FOUND")
    assert Order.objects.get().status == "paid"


@pytest.mark.parametrize(
    ("sign", "reason", "code"),
    [
        ({"secret": signing.generate_secret()}, "bad", "SIGNATURE_INVALID"),
        ({"timestamp": int(time.time()) - 600}, "stale", "SIGNATURE_EXPIRED"),
    ],
)
def test_a_bad_signature_or_old_timestamp_is_refused_logged_and_kept(
    shop, user, caplog, sign, reason, code
):
    caplog.set_level(logging.WARNING, logger="apps.promos.api.shop")
    body = {"order_id": "Z-1", "user_id": user.pk, "total": 10, "currency": "EUR"}
    answer = call(shop, ORDERS, body, **sign)
    assert (answer.status_code, answer.json()["code"]) == (401, code)
    assert not Order.objects.exists()
    assert f"reason={reason}" in caplog.text
    assert shop.secret not in caplog.text
    assert shop.secret.removeprefix("whsec_") not in caplog.text
    kept = ShopRequestRejection.objects.get()
    assert (kept.partner, kept.reason, kept.path, kept.ip) == (
        shop.partner,
        reason,
        ORDERS,
        "127.0.0.1",
    )


def test_a_tampered_body_and_a_replayed_id_are_refused(shop, user):
    stamp = int(time.time())
    raw = json.dumps({"code": "A"}).encode()
    headers = signing.headers([shop.secret], "msg_1", stamp, raw)
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    extra["HTTP_AUTHORIZATION"] = f"Bearer {shop.token}"
    tampered = Client().post(VALIDATE, b'{"code": "B"}', content_type="application/json", **extra)
    assert tampered.status_code == 401
    # the signed body is accepted once; the same id again is refused
    assert Client().post(VALIDATE, raw, content_type="application/json", **extra).status_code == 200
    replay = Client().post(VALIDATE, raw, content_type="application/json", **extra)
    assert (replay.status_code, replay.json()["code"]) == (401, "SIGNATURE_REPLAYED")
    assert sorted(ShopRequestRejection.objects.values_list("reason", flat=True)) == [
        "bad",
        "replayed",
    ]
    unsigned = Client().post(
        VALIDATE, raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {shop.token}"
    )
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "SIGNATURE_INVALID")


def test_a_token_without_the_shop_scope_is_forbidden(shop):
    sandbox = shop.partner.sandbox_application
    secret = partner_services.partner_sandbox_secret_reset(partner=shop.partner).client_secret
    plain = client_credentials(sandbox.client_id, secret, scope="activities:read")
    answer = call(Shop(shop.partner, shop.secret, plain["access_token"]), VALIDATE, {"code": "A"})
    assert answer.status_code == 403
    assert "shop" in answer.json()["message"]


def test_only_shops_get_the_scope_and_only_by_client_credentials(user):
    _partner, credentials = partner_services.partner_create(
        owner=user, name="Not a shop", redirect_uris=REDIRECT_URI
    )
    answer = Client().post(
        "/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "scope": "shop",
        },
    )
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_scope")


def test_a_session_token_is_not_a_shop(user, spring):
    client = Client()
    client.force_login(user)
    answer = client.post(VALIDATE, {"code": "SPRING20"}, content_type="application/json")
    assert answer.status_code in (401, 403)


def test_a_sandbox_shop_acts_only_for_its_sandbox_people(user, spring):
    sandbox = make_shop("Sandbox shop", production=False)
    owner = sandbox.partner.owners.get()
    stranger = call(
        sandbox, ORDERS, {"order_id": "S-1", "user_id": user.pk, "total": 5, "currency": "EUR"}
    )
    assert (stranger.status_code, stranger.json()["code"]) == (403, "SANDBOX_ONLY")
    assert call(sandbox, VALIDATE, {"code": "SPRING20", "user_id": user.pk}).status_code == 403
    own = call(
        sandbox, ORDERS, {"order_id": "S-2", "user_id": owner.pk, "total": 5, "currency": "EUR"}
    )
    assert own.status_code == 201, own.content
    assert sandbox.partner.sandbox_application_id is not None


def test_shops_receive_signed_webhooks_for_coupons_and_their_orders(shop, user):
    rule("order", 1)
    endpoint, _secret = partner_services.endpoint_create(
        partner=shop.partner, url="https://shop.example/hooks", environment=Environment.PRODUCTION
    )
    other = make_shop("Other shop")
    other_endpoint, _ = partner_services.endpoint_create(
        partner=other.partner, url="https://other.example/hooks", environment=Environment.PRODUCTION
    )
    coupon = services.coupon_issue(user=user, promotion=promotion("mine"), key="k")
    issued = WebhookEvent.objects.get(type="coupon.issued")
    assert issued.data["code"] == coupon.code
    assert set(WebhookDelivery.objects.filter(event=issued).values_list("endpoint", flat=True)) == {
        endpoint.pk,
        other_endpoint.pk,
    }

    call(shop, ORDERS, {"order_id": "W-1", "user_id": user.pk, "total": 30, "currency": "EUR"})
    call(shop, "/api/v1/shop/orders/W-1/refund/")
    for kind in ("order.reported", "order.refunded"):
        event = WebhookEvent.objects.get(type=kind)
        assert event.data["order_id"] == "W-1"
        assert list(event.deliveries.values_list("endpoint", flat=True)) == [endpoint.pk]
    assert WebhookEvent.objects.get(type="order.reported").data["points"] == 30


def test_staff_see_refusals_and_issue_a_shop_secret_once_without_showing_it_later(shop, user):
    from tests.promos.test_pages_admin import _staff

    call(shop, ORDERS, {"order_id": "R", "total": 1, "currency": "EUR"}, secret="whsec_AAAA")
    staff = _staff()
    listing = staff.get("/admin/promos/shoprequestrejection/")
    assert listing.status_code == 200
    assert shop.partner.name in listing.content.decode()
    page = staff.post(
        "/admin/partners/partner/",
        {"action": "shop_secret_rotate", "_selected_action": [shop.partner.pk]},
    )
    assert page.status_code == 200
    shop.partner.refresh_from_db()
    new_secret = shop.partner.shop_secret
    assert new_secret != shop.secret and new_secret in page.content.decode()
    change = staff.get(f"/admin/partners/partner/{shop.partner.pk}/change/").content.decode()
    assert new_secret not in change


def test_the_demo_shop_works_with_the_printed_credentials(capsys):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: one Demo Shop, no new people
    out = capsys.readouterr().out
    assert "shop: Demo Shop" in out and "shop_credentials" in out
    assert get_user_model().objects.count() == 4
    partner = Partner.objects.get(name="Demo Shop")
    anna = partner.owners.get()
    assert anna.email == "anna@stride.local" and partner.is_shop

    call_command("shop_credentials", str(partner.pk))
    printed = dict(
        line.split("=", 1) for line in capsys.readouterr().out.splitlines() if "=" in line[:20]
    )
    token = client_credentials(printed["client_id"], printed["client_secret"], scope="shop")
    demo = Shop(partner, printed["shop_secret"], token["access_token"])
    check = call(demo, VALIDATE, {"code": "WELCOME10", "user_id": anna.pk})
    assert check.status_code == 200 and check.json()["valid"], check.content
