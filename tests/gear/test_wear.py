"""Wear follows activities: attribution by sport default, thresholds notified once each, with a
replacement available in the runner's region; a deleted activity lowers the wear again."""

import pytest
from django.core import mail

from apps.gear import hooks, selectors, services
from apps.gear.models import Gear, GearActivity, Product
from apps.notifications.models import Notification
from apps.training import services as training_services
from tests.accounts.factories import UserFactory
from tests.gear.factories import (
    committed,
    delete,
    feed_product,
    import_json,
    run,
    set_country,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    import_json(
        [
            feed_product(
                "OLD-1", attributes={"drop_mm": 10, "weight_g": 280, "cushioning": "high"}
            ),
            # the closest match, offered in Germany
            feed_product(
                "NEW-DE", attributes={"drop_mm": 10, "weight_g": 275, "cushioning": "high"}
            ),
            # closer still, but not offered in Germany
            feed_product(
                "NEW-US",
                attributes={"drop_mm": 10, "weight_g": 280, "cushioning": "high"},
                offers=[{"region": "US", "price": "120", "currency": "USD", "available": True}],
            ),
            # offered in Germany but sold out
            feed_product(
                "SOLD-OUT",
                attributes={"drop_mm": 10, "weight_g": 280, "cushioning": "high"},
                offers=[{"region": "DE", "price": "99", "currency": "EUR", "available": False}],
            ),
            # available, less similar
            feed_product("FAR-DE", attributes={"drop_mm": 0, "weight_g": 200, "cushioning": "low"}),
            # another category
            feed_product("TRAIL-DE", category="trail_shoe"),
        ]
    )
    return {p.sku: p for p in Product.objects.all()}


def _shoes(owner, catalog, km_before: float = 0) -> Gear:
    return services.gear_create(
        owner=owner,
        product_id=catalog["OLD-1"].pk,
        nickname="Blue pair",
        start_distance_m=km_before * 1000,
        default_for=["run"],
    )


def test_runs_are_attributed_to_the_default_gear_for_their_sport(catalog):
    runner = UserFactory()
    shoes = _shoes(runner, catalog)

    first = run(runner, 10, days=3)
    run(runner, 5, days=2)
    ride = run(runner, 30, days=1, sport="ride")

    shoes.refresh_from_db()
    assert (shoes.distance_m, shoes.activity_count) == (15_000, 2)
    assert shoes.wear_percent == 1  # 15 of 800 km
    assert GearActivity.objects.get(activity_id=first.pk).gear == shoes
    assert not GearActivity.objects.filter(activity_id=ride.pk).exists()


def test_passing_90_percent_sends_one_notification_with_a_regional_replacement(catalog):
    runner = UserFactory()
    set_country(runner, "DE")
    shoes = _shoes(runner, catalog, km_before=700)  # 87.5 %

    run(runner, 25, days=2)  # 90.6 %: passes 75 and 90 at once
    run(runner, 5, days=1)  # 91.25 %: nothing new

    sent = list(Notification.objects.filter(user=runner, kind="gear_worn"))
    assert len(sent) == 1
    context = sent[0].context
    assert (context["gear_id"], context["level"], context["percent"]) == (shoes.pk, 90, 90)
    assert context["suggestion"] == {
        "product_id": catalog["NEW-DE"].pk,
        "name": "Asics Runner NEW-DE",
        "price": "139.90",
        "currency": "EUR",
        "shop_url": "https://shop.example.com/de/NEW-DE",
        "promotion": None,
    }
    shoes.refresh_from_db()
    assert shoes.notified_level == 90
    assert [(m.subject, m.body.splitlines()[0]) for m in mail.outbox] == [
        (
            "Blue pair has reached 90 % of its lifespan",
            "Blue pair has used 90 % of its lifespan. A similar replacement available near "
            "you: Asics Runner NEW-DE for 139.90 EUR.",
        )
    ]

    run(runner, 70, days=0.5)  # 100 %+: the last threshold, once
    assert Notification.objects.filter(user=runner, kind="gear_worn").count() == 2
    assert Notification.objects.filter(user=runner).latest("pk").context["level"] == 100


def test_deleting_an_activity_lowers_the_wear_again(catalog):
    runner = UserFactory()
    shoes = _shoes(runner, catalog, km_before=100)
    keep = run(runner, 12, days=2)
    gone = run(runner, 8, days=1)
    shoes.refresh_from_db()
    assert (shoes.total_km, shoes.activity_count) == (120, 2)

    delete(gone)

    shoes.refresh_from_db()
    assert (shoes.total_km, shoes.activity_count) == (112, 1)
    assert list(GearActivity.objects.values_list("activity_id", flat=True)) == [keep.pk]


def test_a_repeated_event_counts_once(catalog):
    runner = UserFactory()
    shoes = _shoes(runner, catalog)
    activity = run(runner, 10)

    services.activity_attribute(
        activity_id=activity.pk,
        owner_id=runner.pk,
        sport="run",
        start_time=activity.start_time,
        distance_m=10_000,
        moving_s=3300,
    )

    shoes.refresh_from_db()
    assert (shoes.distance_m, shoes.activity_count) == (10_000, 1)


def test_attribution_can_be_moved_and_totals_recomputed(catalog):
    runner = UserFactory()
    shoes = _shoes(runner, catalog)
    other = services.gear_create(owner=runner, custom_name="Old trainers", category="road_shoe")
    activity = run(runner, 10)

    services.gear_attribute(owner=runner, activity_id=activity.pk, gear_id=other.pk)

    shoes.refresh_from_db()
    other.refresh_from_db()
    assert (shoes.distance_m, other.distance_m) == (0, 10_000)
    Gear.objects.filter(pk=other.pk).update(distance_m=0, activity_count=0)  # drifted
    assert services.gear_recompute(gear=other).distance_m == 10_000


def test_retired_gear_gets_no_new_activities_and_can_come_back(catalog):
    runner = UserFactory()
    shoes = _shoes(runner, catalog)
    services.gear_retire(gear=shoes)
    run(runner, 10, days=2)
    shoes.refresh_from_db()
    assert (shoes.retired, shoes.activity_count) == (True, 0)

    services.gear_reactivate(gear=shoes)
    services.gear_update(gear=shoes, default_for=["run"])
    run(runner, 5, days=1)
    shoes.refresh_from_db()
    assert (shoes.retired, shoes.activity_count) == (False, 1)


def test_wear_by_time_for_gear_with_a_lifespan_in_hours():
    rider = UserFactory()
    bike = services.gear_create(
        owner=rider,
        custom_name="Commuter",
        category="bike",
        lifespan_hours=10,
        default_for=["ride"],
    )
    run(rider, 60, sport="ride")  # 60 * 330 s = 5.5 h
    bike.refresh_from_db()
    assert bike.wear_percent == 55


def test_suggestions_without_a_region_are_empty_and_rankers_can_annotate(catalog):
    runner = UserFactory()
    shoes = _shoes(runner, catalog)
    assert selectors.replacement_suggestions(user=runner, gear=shoes) == []

    set_country(runner, "DE")

    def promote(*, user, gear, suggestions):
        for s in suggestions:
            s.promotion = {"code": "SPRING10"}
        return list(reversed(suggestions))

    hooks.register_ranker(promote)
    try:
        found = selectors.replacement_suggestions(user=runner, gear=shoes)
    finally:
        hooks.unregister_ranker(promote)
    assert [s.product_id for s in found] == [catalog["FAR-DE"].pk, catalog["NEW-DE"].pk]
    assert found[0].promotion == {"code": "SPRING10"}


def test_a_change_of_sport_moves_an_automatic_attribution_but_not_a_chosen_one(catalog):
    runner = UserFactory()
    shoes = _shoes(runner, catalog)
    bike = services.gear_create(
        owner=runner, custom_name="Bike", category="bike", default_for=["ride"]
    )
    typed_wrong = run(runner, 20, days=2)
    chosen = run(runner, 10, days=1)
    services.gear_attribute(owner=runner, activity_id=chosen.pk, gear_id=shoes.pk)

    with committed():
        training_services.update_activity(activity=typed_wrong, sport="ride")
        training_services.update_activity(activity=chosen, sport="ride")

    shoes.refresh_from_db()
    bike.refresh_from_db()
    assert (shoes.distance_m, bike.distance_m) == (10_000, 20_000)


def test_75_percent_is_notified_once():
    runner = UserFactory()
    gear = services.gear_create(
        owner=runner,
        custom_name="Shoes",
        category="road_shoe",
        lifespan_km=100,
        start_distance_m=70_000,
        default_for=["run"],
    )
    run(runner, 6, days=2)
    run(runner, 1, days=1)
    assert list(
        Notification.objects.filter(user=runner).values_list("context__level", flat=True)
    ) == [75]
    gear.refresh_from_db()
    assert gear.notified_level == 75
