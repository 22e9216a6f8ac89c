"""The gear and catalog API: exact payloads, query counts that do not grow with the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.gear import services
from apps.gear.models import Gear, Product
from tests.accounts.factories import UserFactory
from tests.gear.factories import feed_product, import_json, run, set_country

pytestmark = pytest.mark.django_db


def test_add_gear_from_the_catalog_and_see_its_wear(token_client):
    import_json([feed_product("SHOE-1")])
    product = Product.objects.get()
    runner = UserFactory()
    client = token_client(runner)

    response = client.post(
        "/api/v1/gear/",
        {
            "product": product.pk,
            "nickname": "Daily",
            "start_distance_m": 200_000,
            "default_for": ["run"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    gear_id = response.json()["id"]
    run(runner, 40)

    body = client.get(f"/api/v1/gear/{gear_id}/").json()
    assert body == {
        "id": gear_id,
        "name": "Daily",
        "nickname": "Daily",
        "custom_name": "",
        "product": product.pk,
        "category": "road_shoe",
        "purchase_date": None,
        "start_distance_m": 200_000.0,
        "distance_m": 40_000.0,
        "moving_s": 13_200,
        "activity_count": 1,
        "total_km": 240.0,
        "lifespan_km": 800,
        "lifespan_hours": None,
        "wear_percent": 30,
        "default_for": ["run"],
        "retired": False,
        "retired_at": None,
    }
    activities = client.get(f"/api/v1/gear/{gear_id}/activities/").json()["results"]
    assert [(a["distance_m"], a["manual"]) for a in activities] == [(40_000.0, False)]


def test_custom_gear_needs_a_name(token_client):
    response = token_client(UserFactory()).post(
        "/api/v1/gear/", {"category": "bike"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "GEAR_INVALID"
    assert not Gear.objects.exists()


def test_retire_and_reactivate(token_client):
    owner = UserFactory()
    gear = services.gear_create(owner=owner, custom_name="Bike", category="bike")
    client = token_client(owner)
    assert client.post(f"/api/v1/gear/{gear.pk}/retire/").json()["retired"] is True
    assert client.post(f"/api/v1/gear/{gear.pk}/reactivate/").json()["retired"] is False


def test_move_an_activity_to_other_gear(token_client):
    owner = UserFactory()
    services.gear_create(owner=owner, custom_name="A", category="road_shoe", default_for=["run"])
    b = services.gear_create(owner=owner, custom_name="B", category="road_shoe")
    activity = run(owner, 10)

    response = token_client(owner).put(
        f"/api/v1/gear/attributions/{activity.pk}/", {"gear": b.pk}, format="json"
    )

    assert response.status_code == 200
    assert dict(Gear.objects.values_list("custom_name", "distance_m")) == {"A": 0, "B": 10_000}


def test_suggestions_endpoint(token_client):
    import_json([feed_product("OLD"), feed_product("NEW")])
    owner = UserFactory()
    set_country(owner, "DE")
    gear = services.gear_create(owner=owner, product_id=Product.objects.get(sku="OLD").pk)

    body = token_client(owner).get(f"/api/v1/gear/{gear.pk}/suggestions/").json()

    assert [(s["name"], s["price"], s["region"], s["score"]) for s in body] == [
        ("Runner NEW", "139.90", "DE", 1.0)
    ]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_gear_list_queries_do_not_grow_with_the_page(token_client):
    import_json([feed_product(f"S{n}") for n in range(6)])
    owner = UserFactory()
    client = token_client(owner)
    for product in Product.objects.all()[:2]:
        services.gear_create(owner=owner, product_id=product.pk, default_for=[])
    client.get("/api/v1/gear/")  # the first call of a session also records it
    few = _queries(client, "/api/v1/gear/")
    for product in Product.objects.all()[2:]:
        services.gear_create(owner=owner, product_id=product.pk, default_for=["run"])
    assert _queries(client, "/api/v1/gear/") == few


def test_catalog_is_public_translated_and_filtered(api_client):
    import_json(
        [
            feed_product("R-1"),
            feed_product("T-1", category="trail_shoe", offers=[]),
        ]
    )
    few = _queries(api_client, "/api/v1/catalog/products/")
    import_json([feed_product(f"R-{n}") for n in range(1, 8)], full=False)
    assert _queries(api_client, "/api/v1/catalog/products/") == few

    body = api_client.get(
        "/api/v1/catalog/products/?category=road_shoe&region=DE", HTTP_ACCEPT_LANGUAGE="de"
    ).json()
    assert [p["sku"] for p in body["results"]] == [f"R-{n}" for n in range(1, 8)]
    assert body["results"][0]["name"] == "Läufer R-1"
    assert body["results"][0]["offers"] == [
        {
            "region": "DE",
            "price": "139.90",
            "currency": "EUR",
            "available": True,
            "shop_url": "https://shop.example.com/de/R-1",
        }
    ]
    one = api_client.get(f"/api/v1/catalog/products/{Product.objects.get(sku='T-1').pk}/")
    assert (one.status_code, one.json()["offers"]) == (200, [])
    assert api_client.get("/api/v1/catalog/brands/").json()["results"][0]["name"] == "Asics"


def test_catalog_search_by_name_brand_or_sku(api_client):
    import_json([feed_product("R-1"), feed_product("R-2", brand="Hoka")])

    def skus(q):
        return [
            p["sku"] for p in api_client.get(f"/api/v1/catalog/products/?q={q}").json()["results"]
        ]

    assert (skus("runner r-2"), skus("hoka"), skus("R-1"), skus("nothing")) == (
        ["R-2"],
        ["R-2"],
        ["R-1"],
        [],
    )
