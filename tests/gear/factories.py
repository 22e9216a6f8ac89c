"""Catalog and gear for tests, made through the services like real data."""

import json

from django.test import TestCase

from apps.accounts.models import Profile
from apps.gear import services
from apps.training import services as training_services
from apps.training.types import NormalizedActivity
from tests.training.tracks import days_ago


def committed():
    """Run what the block commits (events, tasks) as a real commit would, eager."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def feed_product(sku: str, **overrides) -> dict:
    product = {
        "sku": sku,
        "brand": "Asics",
        "category": "road_shoe",
        "names": {"en": f"Runner {sku}", "ru": f"Бегун {sku}", "de": f"Läufer {sku}"},
        "descriptions": {"en": "A daily trainer."},
        "attributes": {"drop_mm": 10, "weight_g": 280, "cushioning": "high"},
        "lifespan_km": 800,
        "image_url": f"https://img.example.com/{sku}.jpg",
        "offers": [
            {
                "region": "DE",
                "price": "139.90",
                "currency": "EUR",
                "available": True,
                "shop_url": f"https://shop.example.com/de/{sku}",
            }
        ],
    }
    product.update(overrides)
    return product


def import_json(products: list[dict], *, full: bool = True):
    with committed():
        report = services.catalog_import_start(
            source="json", content=json.dumps({"products": products}).encode(), full=full
        )
    report.refresh_from_db()
    return report


def set_country(user, country: str, region: str = "") -> None:
    Profile.objects.update_or_create(user=user, defaults={"country": country, "region": region})


def run(owner, km: float, *, days: float = 1, sport: str = "run"):
    with committed():
        recorded = training_services.record_activity(
            owner=owner,
            activity=NormalizedActivity(
                sport=sport,
                start_time=days_ago(days),
                elapsed_s=km * 330,
                distance_m=km * 1000,
                title=f"{km} km",
            ),
        )
    return recorded.activity


def delete(activity) -> None:
    with committed():
        training_services.delete_activity(activity=activity)
