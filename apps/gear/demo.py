"""Demo catalog (shoes, bikes, watches with German, Russian and Spanish offers) and worn shoes
for the demo runners. Idempotent: the catalog import leaves an unchanged feed alone, and gear
is made once per person."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.accounts import selectors as accounts_selectors
from apps.accounts import services as accounts_services
from apps.core import demo
from apps.gear import services
from apps.gear.models import Gear, Product

SHOES = [
    # sku, brand, name, category, drop, weight, cushioning, terrain, km, EUR
    ("ASX-NIMBUS-26", "Asics", "Gel-Nimbus 26", "road_shoe", 8, 304, "max", "road", 800, 199.95),
    ("ASX-CUMULUS-26", "Asics", "Gel-Cumulus 26", "road_shoe", 8, 290, "high", "road", 750, 149.95),
    ("HOKA-CLIFTON-9", "Hoka", "Clifton 9", "road_shoe", 5, 248, "high", "road", 700, 149.99),
    ("BRKS-GHOST-16", "Brooks", "Ghost 16", "road_shoe", 12, 283, "high", "road", 800, 149.99),
    ("NIKE-PEGASUS-41", "Nike", "Pegasus 41", "road_shoe", 10, 286, "medium", "road", 650, 139.99),
    (
        "SAL-SPEEDCROSS-6",
        "Salomon",
        "Speedcross 6",
        "trail_shoe",
        10,
        298,
        "medium",
        "mud",
        600,
        139.95,
    ),
    ("HOKA-SPEEDGOAT-5", "Hoka", "Speedgoat 5", "trail_shoe", 4, 291, "high", "mixed", 650, 154.99),
]
REGIONS = {"DE": ("EUR", 1.0), "ES": ("EUR", 1.0), "RU": ("RUB", 100.0)}
NAMES_RU = {"road_shoe": "беговые кроссовки", "trail_shoe": "кроссовки для трейла"}
NAMES_DE = {"road_shoe": "Laufschuh", "trail_shoe": "Trailschuh"}
RUNNERS = {
    # email -> (sku, country, km before Stride)
    "anna@stride.local": ("ASX-CUMULUS-26", "DE", 420),
    "ivan@stride.local": ("NIKE-PEGASUS-41", "RU", 150),
}


def demo_feed() -> list[dict]:
    products = []
    for sku, brand, name, category, drop, weight, cushioning, terrain, km, eur in SHOES:
        products.append(
            {
                "sku": sku,
                "brand": brand,
                "category": category,
                "names": {
                    "en": name,
                    "ru": f"{name} ({NAMES_RU[category]})",
                    "de": f"{name} ({NAMES_DE[category]})",
                },
                "descriptions": {"en": f"{brand} {name}: {cushioning} cushioning, {drop} mm drop."},
                "attributes": {
                    "drop_mm": drop,
                    "weight_g": weight,
                    "cushioning": cushioning,
                    "terrain": terrain,
                },
                "lifespan_km": km,
                "offers": [
                    {
                        "region": region,
                        "price": f"{eur * rate:.2f}",
                        "currency": currency,
                        "available": not (region == "RU" and sku.startswith("BRKS")),
                        "shop_url": f"https://shop.stride.local/{region.lower()}/{sku.lower()}",
                    }
                    for region, (currency, rate) in REGIONS.items()
                ],
            }
        )
    products.append(
        {
            "sku": "GRMN-FR265",
            "brand": "Garmin",
            "category": "watch",
            "names": {"en": "Forerunner 265", "ru": "Forerunner 265", "de": "Forerunner 265"},
            "lifespan_hours": 5000,
            "offers": [{"region": "DE", "price": "449.99", "currency": "EUR", "available": True}],
        }
    )
    return products


@demo.register(order=50)
def seed_gear() -> list[str]:
    counts = services.catalog_import(
        content=json.dumps({"products": demo_feed()}).encode(), source="json", full=False
    )
    lines = [
        "catalog: {created} created, {updated} updated, {unchanged} unchanged".format(**counts)
    ]
    for email, (sku, country, km_before) in RUNNERS.items():
        user = get_user_model().objects.filter(email=email).first()
        if user is None:
            continue
        if Gear.objects.filter(owner=user).exists():
            lines.append(f"{email}: gear already there")
            continue
        if not accounts_selectors.profile_for(user=user).country:
            accounts_services.profile_update(user=user, country=country)
        shoes = services.gear_create(
            owner=user,
            product_id=Product.objects.get(sku=sku).pk,
            nickname="Daily trainers",
            purchase_date=(timezone.now() - timedelta(days=200)).date(),
            start_distance_m=km_before * 1000,
            default_for=["run"],
        )
        count = services.gear_attribute_history(gear=shoes, sport="run", since=shoes.purchase_date)
        services.gear_wear_check(gear_id=shoes.pk)  # now, not after an outer commit
        shoes.refresh_from_db()
        lines.append(f"{email}: {shoes.display_name}, {count} runs, {shoes.wear_percent} % worn")
    return lines
