"""The gear pages: my gear with wear bars, one gear with its activities, the catalog."""

import pytest
from django.test import Client

from apps.gear import services
from apps.gear.models import Gear, Product
from tests.accounts.factories import UserFactory
from tests.gear.factories import feed_product, import_json, run, set_country

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["en", "ru", "de"])
def test_gear_pages_render_in_every_language(language):
    import_json([feed_product("OLD"), feed_product("NEW")])
    runner = UserFactory(language=language)
    set_country(runner, "DE")
    shoes = services.gear_create(
        owner=runner,
        product_id=Product.objects.get(sku="OLD").pk,
        start_distance_m=600_000,
        default_for=["run"],
    )
    run(runner, 12)
    client = _client(runner)

    listing = client.get("/gear/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    detail = client.get(f"/gear/{shoes.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    catalog = client.get("/catalog/?category=road_shoe").content.decode()
    product = client.get(f"/catalog/{Product.objects.get(sku='NEW').pk}/").content.decode()

    assert 'value="76"' in listing  # the wear bar: 612 of 800 km
    worn = {"en": "76 % worn", "ru": "76 % износа", "de": "76 % abgenutzt"}[language]
    assert worn in listing
    assert {"en": "12.0 km", "ru": "12,0 км", "de": "12,0 km"}[language] in detail
    assert "https://shop.example.com/de/NEW" in detail  # the replacement near the runner
    assert "Runner NEW" in catalog or "Бегун NEW" in catalog or "Läufer NEW" in catalog
    assert "139.90 EUR" in product or "139,90 EUR" in product


def test_add_custom_gear_and_retire_it():
    owner = UserFactory()
    client = _client(owner)
    response = client.post(
        "/gear/",
        {
            "custom_name": "Road bike",
            "category": "bike",
            "start_km": "1200",
            "lifespan_km": "20000",
            "default_for": ["ride"],
        },
    )
    gear = Gear.objects.get(owner=owner)
    assert response.status_code == 302
    assert (gear.custom_name, gear.start_distance_m, gear.wear_percent) == ("Road bike", 1.2e6, 6)

    client.post(f"/gear/{gear.pk}/retire/")
    gear.refresh_from_db()
    assert gear.retired


def test_someone_elses_gear_is_a_404():
    gear = services.gear_create(owner=UserFactory(), custom_name="Mine", category="bike")
    client = _client(UserFactory())
    assert client.get(f"/gear/{gear.pk}/").status_code == 404
    assert client.post(f"/gear/{gear.pk}/retire/").status_code == 404
    gear.refresh_from_db()
    assert not gear.retired


def test_pick_gear_from_the_catalog_page():
    import_json([feed_product("NEW")])
    owner = UserFactory()
    product = Product.objects.get()
    _client(owner).post(f"/gear/from-catalog/{product.pk}/")
    assert Gear.objects.get(owner=owner).product == product
