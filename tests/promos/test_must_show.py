"""What issue 11 must show: the right German offer to a German runner with worn shoes and not
to a Russian speaker elsewhere; a replayed order report earns once; and 50 parallel
redemptions of a coupon limited to 10 redeem exactly 10 (real PostgreSQL transactions)."""

import threading

import pytest
from django.db import connection

from apps.gear import services as gear_services
from apps.promos import selectors, services
from apps.promos.exceptions import CouponExhausted
from apps.promos.models import Coupon, CouponRedemption, PointsEntry
from tests.accounts.factories import UserFactory
from tests.promos.factories import consent_personalisation, place, promotion, rule


def _worn_road_shoes(user):
    return gear_services.gear_create(
        owner=user, custom_name="Daily trainers", category="road_shoe", lifespan_km=800,
        start_distance_m=760_000,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_german_runner_with_worn_shoes_sees_the_german_offer():
    promotion(
        "de-worn-road-shoes",
        title={"de": "20 % auf neue Laufschuhe", "en": "20 % off new road shoes"},
        countries=["DE"],
        languages=["de"],
        segment="worn_shoes",
        categories=["road_shoe"],
        value=20,
    )
    promotion("ru-spring", countries=["RU"], languages=["ru"])
    runner = UserFactory()
    place(runner, "DE", language="de")
    consent_personalisation(runner)
    gear = _worn_road_shoes(runner)
    assert gear.wear_percent >= 90
    other = UserFactory()
    place(other, "RU", "MOW", language="ru")
    consent_personalisation(other)
    _worn_road_shoes(other)

    offers = selectors.offers_for(user=runner)
    assert [p.slug for p in offers] == ["de-worn-road-shoes"]
    from django.utils import translation

    with translation.override("de"):
        assert offers[0].title_text == "20 % auf neue Laufschuhe"
    assert [p.slug for p in selectors.offers_for(user=other)] == ["ru-spring"]


@pytest.mark.django_db
def test_replaying_an_order_report_earns_points_once():
    rule("order", 1)
    user = UserFactory()
    for _ in range(3):
        services.order_report(
            shop="sandbox", order_id="R-1", user_id=user.pk, total="80.00", currency="EUR"
        )
    assert selectors.points_balance(user=user) == 80
    assert PointsEntry.objects.filter(user=user).count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_redemptions_of_a_coupon_limited_to_ten_redeem_ten(real_services):
    coupon = services.coupon_create_shared(
        promotion=promotion("ten-only"), code="TEN", total_limit=10, per_user_limit=1
    )
    users = [UserFactory() for _ in range(50)]
    start = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def redeem(user_id: int) -> None:
        try:
            start.wait()
            services.coupon_redeem(code="TEN", user_id=user_id, key=f"order-{user_id}")
            result = "redeemed"
        except CouponExhausted:
            result = "exhausted"
        except Exception as error:
            result = repr(error)
        finally:
            connection.close()  # each thread had its own connection
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=redeem, args=(u.pk,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(set(outcomes)) == ["exhausted", "redeemed"]
    assert outcomes.count("redeemed") == 10
    assert outcomes.count("exhausted") == 40
    coupon.refresh_from_db()
    assert coupon.redeemed_count == 10
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 10
    assert Coupon.objects.count() == 1
