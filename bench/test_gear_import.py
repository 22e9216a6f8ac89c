"""The catalog feed import on a 50,000-product feed (JSON, two regional offers each): the first
import, a re-import of the same feed (must change nothing and be much faster: rows are compared
by content hash in memory, no per-row query), and a re-import with 1 % of the products changed.

    make bench                                                                  # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stride_bench make bench     # PostgreSQL
"""

import json
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.gear import services
from apps.gear.models import Offer, Product

N_PRODUCTS = 50_000

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.benchmark(group=f"gear: catalog feed of {N_PRODUCTS} products"),
]


def _feed(changed_every: int = 0) -> bytes:
    products = []
    for n in range(N_PRODUCTS):
        price = 100 + n % 80 + (1 if changed_every and n % changed_every == 0 else 0)
        products.append(
            {
                "sku": f"SKU-{n:06d}",
                "brand": f"Brand {n % 40}",
                "category": ("road_shoe", "trail_shoe", "bike", "watch", "apparel")[n % 5],
                "names": {"en": f"Model {n}", "ru": f"Модель {n}", "de": f"Modell {n}"},
                "descriptions": {"en": "A product for the benchmark."},
                "attributes": {"drop_mm": n % 12, "weight_g": 200 + n % 150, "terrain": "road"},
                "lifespan_km": 600 + n % 400,
                "image_url": f"https://img.example.com/{n}.jpg",
                "offers": [
                    {
                        "region": "DE",
                        "price": f"{price}.00",
                        "currency": "EUR",
                        "shop_url": f"https://shop.example.com/de/{n}",
                    },
                    {
                        "region": "RU",
                        "price": f"{price * 95}.00",
                        "currency": "RUB",
                        "available": n % 7 != 0,
                    },
                ],
            }
        )
    return json.dumps({"products": products}).encode()


def _timed(content: bytes) -> tuple[float, int, dict]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        counts = services.catalog_import(content=content, source="json", full=True)
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), counts


def test_import_then_reimport(benchmark, bench_medians):
    feed = _feed()
    first, first_queries, counts = _timed(feed)
    assert (counts["created"], counts["rejected"]) == (N_PRODUCTS, [])
    assert Offer.objects.count() == 2 * N_PRODUCTS

    before = Product.objects.order_by("-modified").values_list("modified", flat=True).first()
    again, again_queries, counts = _timed(feed)
    assert (counts["unchanged"], counts["created"], counts["updated"]) == (N_PRODUCTS, 0, 0)
    assert Product.objects.order_by("-modified").values_list("modified", flat=True)[0] == before

    changed_feed = _feed(changed_every=100)
    changed, changed_queries, counts = _timed(changed_feed)
    assert (counts["updated"], counts["unchanged"]) == (N_PRODUCTS // 100, N_PRODUCTS * 99 // 100)

    # the benchmark's own round: the changed feed once more, so nothing changes
    benchmark.pedantic(
        lambda: services.catalog_import(content=changed_feed, source="json", full=True),
        rounds=1,
        iterations=1,
    )
    info = {
        "vendor": connection.vendor,
        "first_s": round(first, 2),
        "first_queries": first_queries,
        "reimport_unchanged_s": round(again, 2),
        "reimport_unchanged_queries": again_queries,
        "reimport_1pct_changed_s": round(changed, 2),
        "reimport_1pct_changed_queries": changed_queries,
    }
    benchmark.extra_info.update(info)
    bench_medians["gear import"] = info
    assert again * 3 < first  # the unchanged re-import is much faster
