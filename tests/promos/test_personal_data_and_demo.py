"""GDPR export and erasure of promos data, and the demo seeder."""

import pytest
from django.core.management import call_command
from django.utils import translation

from apps.accounts.models import User
from apps.core.personal_data import erasers, exporters
from apps.promos import selectors, services
from apps.promos.models import (
    Article,
    Coupon,
    CouponRedemption,
    Order,
    PointsAccount,
    PointsEntry,
    Promotion,
    RewardRedemption,
)
from tests.promos.factories import promotion, reward, rule

pytestmark = pytest.mark.django_db


def _fill(user, other_user):
    rule("order", 1)
    services.points_adjust(user=user, points=100, reason="gift", actor=other_user)
    services.reward_redeem(user=user, reward_id=reward("socks", 30).pk, key="a")
    personal = promotion("mine", user=user)
    coupon = services.coupon_issue(user=user, promotion=personal, key="k")
    services.order_report(
        shop="s", order_id="O-1", user_id=user.pk, total=20, currency="EUR", coupon_code=coupon.code
    )
    return coupon


def test_export(user, other_user):
    coupon = _fill(user, other_user)
    data = exporters()["promos"](user.pk).data
    assert data["points_balance"] == 90
    assert [(e["points"], e["source"]) for e in data["points"]] == [
        (100, "adjustment"), (-30, "redemption"), (20, "order"),
    ]  # fmt: skip
    assert data["rewards"][0]["reward"] == "socks"
    assert data["coupons"] == [
        {"code": coupon.code, "promotion": "mine", "created": coupon.created.isoformat()}
    ]
    assert [(o["order_id"], o["points"]) for o in data["orders"]] == [("O-1", 20)]


def test_erasure_keeps_the_shops_books_without_the_person(user, other_user):
    _fill(user, other_user)
    erasers_by_name = dict(erasers())
    erasers_by_name["promos"](user.pk)
    erasers_by_name["promos"](user.pk)  # idempotent
    assert not PointsEntry.objects.filter(user=user).exists()
    assert not PointsAccount.objects.filter(user=user).exists()
    assert not RewardRedemption.objects.filter(user=user).exists()
    assert Order.objects.get().user is None
    assert CouponRedemption.objects.get().user is None
    assert not Coupon.objects.filter(user=user).exists()
    assert not Promotion.objects.filter(user=user).exists()
    User.objects.filter(pk=user.pk).delete()  # the account row can go afterwards
    assert Order.objects.count() == 1


def test_seed_demo_grows_promos_in_three_languages(capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    out = capsys.readouterr().out
    assert "promos: 4 promotions" in out
    assert Promotion.objects.count() == 6  # and the two arms of the promotion experiment
    assert Article.objects.filter(feed__isnull=True).count() == 3
    anna = User.objects.get(email="anna@stride.local")
    ivan = User.objects.get(email="ivan@stride.local")
    assert (
        PointsEntry.objects.filter(user=anna, idempotency_key__endswith="demo-welcome").count() == 1
    )
    assert selectors.points_balance(user=anna) == selectors.points_ledger_sum(user_id=anna.pk) > 250
    offers = [p.slug for p in selectors.offers_for(user=anna)]
    assert "de-worn-road-shoes" in offers and "ru-spring-run" not in offers
    assert "ru-spring-run" in [p.slug for p in selectors.offers_for(user=ivan)]
    with translation.override("de"):
        assert Promotion.objects.get(slug="de-worn-road-shoes").title_text.startswith("20 %")
    assert selectors.missing_translations() == []
