"""The shop's side (wired to partner credentials by apps.partners): a coupon checked at
checkout, an order reported (coupon redeemed, points earned, once), a refund reversing both."""

from decimal import Decimal

import pytest

from apps.core import events
from apps.promos import selectors, services
from apps.promos.exceptions import (
    CouponExhausted,
    CouponInvalid,
    CouponLimitReached,
    OrderInvalid,
    OrderNotFound,
)
from apps.promos.models import Coupon, CouponRedemption, Order, PointsEntry
from tests.promos.factories import promotion, rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared():
    p = promotion("spring", kind="percent", value=20, categories=["road_shoe"])
    return services.coupon_create_shared(
        promotion=p, code="spring20", total_limit=2, per_user_limit=1
    )


def test_validate_tells_what_the_coupon_gives(user, shared):
    check = services.coupon_validate(code=" Spring20 ", user_id=user.pk)
    assert check.as_dict() == {
        "valid": True,
        "code": "SPRING20",
        "reason": "",
        "message": "",
        "kind": "percent",
        "value": "20.00",
        "currency": "",
        "product_ids": [],
        "brand_ids": [],
        "categories": ["road_shoe"],
        "promotion_id": shared.promotion_id,
    }
    unknown = services.coupon_validate(code="NOPE", user_id=user.pk)
    assert (unknown.valid, unknown.reason) == (False, "COUPON_INVALID")


def test_a_personal_coupon_is_only_for_its_owner(user, other_user):
    coupon = services.coupon_issue(user=user, promotion=promotion("mine"), key="k")
    assert services.coupon_validate(code=coupon.code, user_id=user.pk).valid
    assert services.coupon_validate(code=coupon.code, user_id=other_user.pk).reason == (
        "COUPON_INVALID"
    )
    with pytest.raises(CouponInvalid):
        services.coupon_redeem(code=coupon.code, user_id=other_user.pk, key="x")


def test_limits_total_and_per_person(user, other_user, shared):
    from tests.accounts.factories import UserFactory

    services.coupon_redeem(code="SPRING20", user_id=user.pk, key="o1")
    with pytest.raises(CouponLimitReached):
        services.coupon_redeem(code="SPRING20", user_id=user.pk, key="o2")
    services.coupon_redeem(code="SPRING20", user_id=other_user.pk, key="o3")
    with pytest.raises(CouponExhausted):
        services.coupon_redeem(code="SPRING20", user_id=UserFactory().pk, key="o4")
    assert services.coupon_validate(code="SPRING20").reason == "COUPON_EXHAUSTED"
    # The same key again is the same redemption, not a new one.
    again = services.coupon_redeem(code="SPRING20", user_id=user.pk, key="o1")
    assert again.idempotency_key == "o1"
    shared.refresh_from_db()
    assert (shared.redeemed_count, CouponRedemption.objects.count()) == (2, 2)


def test_an_order_report_redeems_and_earns_once(user, shared, django_capture_on_commit_callbacks):
    rule("order", 1)  # a point per euro
    published = []
    events._subscriptions["order_reported"].append(events.Subscription("x", "default"))
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            first = services.order_report(
                shop="sandbox", order_id="A-1", user_id=user.pk, total="119.90",
                currency="eur", coupon_code="spring20",
            )  # fmt: skip
            replay = services.order_report(
                shop="sandbox", order_id="A-1", user_id=user.pk, total="119.90",
                currency="EUR", coupon_code="SPRING20",
            )  # fmt: skip
        published = callbacks
    finally:
        events._subscriptions["order_reported"].pop()
    assert (first.created, replay.created, replay.order) == (True, False, first.order)
    order = Order.objects.get()
    assert (order.total, order.currency, order.points, order.coupon) == (
        Decimal("119.90"), "EUR", 119, shared,
    )  # fmt: skip
    assert selectors.points_balance(user=user) == 119
    assert Coupon.objects.get().redeemed_count == 1
    assert len(published) == 1  # order_reported went out once


def test_a_refund_reverses_coupon_and_points_once(user, shared):
    rule("order", 1)
    services.order_report(
        shop="sandbox", order_id="B-2", user_id=user.pk, total=50, currency="EUR",
        coupon_code="SPRING20",
    )  # fmt: skip
    services.order_refund(shop="sandbox", order_id="B-2")
    services.order_refund(shop="sandbox", order_id="B-2")
    shared.refresh_from_db()
    assert shared.redeemed_count == 0
    assert selectors.points_balance(user=user) == 0
    assert list(PointsEntry.objects.order_by("pk").values_list("points", "source")) == [
        (50, "order"),
        (-50, "refund"),
    ]
    assert Order.objects.get().status == "refunded"
    # The coupon can be used again after the refund.
    assert services.coupon_validate(code="SPRING20", user_id=user.pk).valid


def test_a_refund_never_takes_the_balance_below_zero(user, other_user):
    rule("order", 2)
    services.order_report(shop="s", order_id="C", user_id=user.pk, total=10, currency="EUR")
    services.points_adjust(user=user, points=-15, reason="spent", actor=other_user)
    services.order_refund(shop="s", order_id="C")
    assert selectors.points_balance(user=user) == 0
    assert selectors.points_ledger_sum(user_id=user.pk) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"total": "-1"},
        {"total": "lots"},
        {"currency": "EURO"},
        {"order_id": ""},
        {"order_id": "x" * 101},
    ],
)
def test_bad_order_reports_are_refused(user, fields):
    values = {"shop": "s", "order_id": "D", "user_id": user.pk, "total": 10, "currency": "EUR"}
    values.update(fields)
    with pytest.raises(OrderInvalid):
        services.order_report(**values)
    assert Order.objects.count() == 0


def test_refund_of_an_unknown_order():
    with pytest.raises(OrderNotFound):
        services.order_refund(shop="s", order_id="nope")


def test_a_failed_coupon_leaves_no_order(user, shared):
    with pytest.raises(CouponInvalid):
        services.order_report(
            shop="s", order_id="E", user_id=user.pk, total=10, currency="EUR", coupon_code="BAD"
        )
    assert Order.objects.count() == 0
