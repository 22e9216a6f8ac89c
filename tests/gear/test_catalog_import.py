"""The catalog feed import: idempotent, row by row, bulk; and the signed partner endpoint."""

import json
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.gear import services
from apps.gear.models import Gear, Offer, Product
from tests.accounts.factories import UserFactory
from tests.gear.factories import committed, feed_product, import_json

pytestmark = pytest.mark.django_db

CSV = (
    "sku,brand,category,name_en,name_ru,name_de,description_en,lifespan_km,lifespan_hours,"
    "image_url,attr.drop_mm,attr.terrain,offer.DE.price,offer.DE.currency,offer.DE.available,"
    "offer.DE.url\n"
    "T-1,Salomon,trail_shoe,Speedcross,Спидкросс,Speedcross DE,Grip,700,,"
    "https://img.example.com/t1.jpg,10,mud,150.00,EUR,1,https://shop.example.com/t1\n"
    "T-2,Salomon,spaceship,Rocket,,,,,,,,,,,,\n"
    "T-3,Hoka,road_shoe,Clifton,,,,600,,,5,road,140,EUR,no,\n"
)


def test_importing_a_feed_twice_changes_nothing_the_second_time():
    products = [feed_product(f"P-{n}") for n in range(5)]
    first = import_json(products)
    before = list(Product.objects.values_list("sku", "modified", "content_hash").order_by("sku"))

    with CaptureQueriesContext(connection) as queries:
        second = import_json(products)

    assert (first.created_count, first.updated_count, first.unchanged_count) == (5, 0, 0)
    assert (second.status, second.created_count, second.updated_count) == ("done", 0, 0)
    assert (second.unchanged_count, second.deactivated_count, second.rejected) == (5, 0, [])
    after = list(Product.objects.values_list("sku", "modified", "content_hash").order_by("sku"))
    assert after == before
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]
    assert [w for w in writes if "gear_product" in w or "gear_offer" in w] == []


def test_a_malformed_row_is_rejected_with_a_reason_and_the_rest_import():
    report = import_json(
        [
            feed_product("GOOD-1"),
            feed_product("BAD-1", category="hovercraft"),
            feed_product("BAD-2", offers=[{"region": "DE", "price": "cheap", "currency": "EUR"}]),
            {"brand": "NoSku"},
            feed_product("GOOD-1"),
            feed_product("GOOD-2"),
        ]
    )

    assert (report.status, report.created_count) == ("done", 2)
    assert report.rejected == [
        {"row": 2, "sku": "BAD-1", "reason": "Unknown category “hovercraft”."},
        {"row": 3, "sku": "BAD-2", "reason": "The price for DE is not a number."},
        {"row": 4, "sku": "", "reason": "The SKU is missing or not valid."},
        {"row": 5, "sku": "GOOD-1", "reason": "The SKU appears twice in the feed."},
    ]
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["GOOD-1", "GOOD-2"]


def test_changes_are_updated_and_missing_products_become_unavailable_not_deleted():
    import_json([feed_product("A"), feed_product("B"), feed_product("C")])
    owner = UserFactory()
    Gear.objects.create(owner=owner, product=Product.objects.get(sku="C"), category="road_shoe")

    changed = feed_product("A", offers=[{"region": "DE", "price": "99.00", "currency": "EUR"}])
    report = import_json([changed, feed_product("B")])

    assert (report.updated_count, report.unchanged_count, report.deactivated_count) == (1, 1, 1)
    assert str(Offer.objects.get(product__sku="A").price) == "99.00"
    c = Product.objects.get(sku="C")
    assert (c.active, list(c.offers.values_list("available", flat=True))) == (False, [False])

    back = import_json([changed, feed_product("B"), feed_product("C")])
    assert (back.updated_count, back.unchanged_count) == (1, 2)
    assert Product.objects.get(sku="C").active is True


def test_a_partial_feed_leaves_other_products_alone():
    import_json([feed_product("A"), feed_product("B")])
    report = import_json([feed_product("C")], full=False)
    assert (report.created_count, report.deactivated_count) == (1, 0)
    assert Product.objects.filter(active=True).count() == 3


def test_csv_feed():
    with committed():
        report = services.catalog_import_start(source="csv", content=CSV.encode())
    report.refresh_from_db()

    assert (report.created_count, report.rejected) == (
        2,
        [{"row": 2, "sku": "T-2", "reason": "Unknown category “spaceship”."}],
    )
    t1 = Product.objects.get(sku="T-1")
    assert t1.names == {"en": "Speedcross", "ru": "Спидкросс", "de": "Speedcross DE"}
    assert t1.attributes == {"drop_mm": 10, "terrain": "mud"}
    assert (t1.lifespan_km, t1.brand.name) == (700, "Salomon")
    assert list(Offer.objects.filter(product__sku="T-3").values_list("available", flat=True)) == [
        False
    ]


def test_an_unreadable_feed_fails_the_report():
    with committed():
        report = services.catalog_import_start(source="json", content=b"{not json")
    report.refresh_from_db()
    assert (report.status, report.error) == ("failed", "The feed is not valid JSON.")


def _signed(key, secret, body: bytes, *, at=None):
    timestamp = str(int(at or time.time()))
    return {
        "HTTP_X_STRIDE_KEY": key.key_id,
        "HTTP_X_STRIDE_TIMESTAMP": timestamp,
        "HTTP_X_STRIDE_SIGNATURE": services.feed_signature(
            secret=secret, timestamp=timestamp, body=body
        ),
    }


def test_partner_feed_endpoint_accepts_a_signed_request_once(api_client):
    key, secret = services.feed_key_create(name="Shop")
    body = json.dumps({"products": [feed_product("API-1")]}).encode()
    headers = _signed(key, secret, body)

    with committed():
        response = api_client.post(
            "/api/v1/catalog/feed/", body, content_type="application/json", **headers
        )
    replay = api_client.post(
        "/api/v1/catalog/feed/", body, content_type="application/json", **headers
    )

    assert response.status_code == 202, response.content
    assert Product.objects.filter(sku="API-1").exists()
    assert (replay.status_code, replay.json()["code"]) == (401, "FEED_REQUEST_EXPIRED")


@pytest.mark.parametrize("tamper", ["body", "secret", "old", "key"])
def test_partner_feed_endpoint_refuses_bad_signatures(api_client, tamper):
    key, secret = services.feed_key_create(name="Shop")
    body = json.dumps({"products": [feed_product("API-1")]}).encode()
    headers = _signed(
        key,
        "wrong" if tamper == "secret" else secret,
        body,
        at=time.time() - 3600 if tamper == "old" else None,
    )
    if tamper == "key":
        headers["HTTP_X_STRIDE_KEY"] = "nope"
    sent = body.replace(b"API-1", b"API-2") if tamper == "body" else body

    with committed():
        response = api_client.post(
            "/api/v1/catalog/feed/", sent, content_type="application/json", **headers
        )

    assert response.status_code == 401
    expected = "FEED_REQUEST_EXPIRED" if tamper == "old" else "FEED_SIGNATURE_INVALID"
    assert response.json()["code"] == expected
    assert not Product.objects.exists()


def test_a_rejected_row_does_not_make_its_product_unavailable():
    import_json([feed_product("A"), feed_product("B")])
    report = import_json([feed_product("A"), feed_product("B", category="hovercraft")])
    assert (report.deactivated_count, len(report.rejected)) == (0, 1)
    assert Product.objects.get(sku="B").active is True


def test_partner_feed_larger_than_a_form_is_read_and_a_too_large_one_refused(api_client, settings):
    key, secret = services.feed_key_create(name="Shop")
    products = [feed_product(f"BIG-{n}", descriptions={"en": "x" * 4000}) for n in range(1500)]
    body = json.dumps({"products": products}).encode()
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    with committed():
        response = api_client.post(
            "/api/v1/catalog/feed/?full=1",
            body,
            content_type="application/json",
            **_signed(key, secret, body),
        )
    assert (response.status_code, response.json()["status"]) == (202, "queued")
    assert Product.objects.count() == 1500

    settings.GEAR_FEED_MAX_BYTES = 100
    small = json.dumps({"products": [feed_product("X")]}).encode()
    refused = api_client.post(
        "/api/v1/catalog/feed/",
        small,
        content_type="application/json",
        **_signed(key, secret, small),
    )
    assert (refused.status_code, refused.json()["code"]) == (413, "FEED_TOO_LARGE")
    assert not Product.objects.filter(sku="X").exists()


@pytest.mark.django_db(transaction=True)
def test_import_catalog_command(tmp_path, capsys):
    from django.core.management import call_command

    feed = tmp_path / "feed.csv"
    feed.write_text(CSV, encoding="utf-8")

    call_command("import_catalog", str(feed))

    out = capsys.readouterr().out
    assert "2 created, 0 updated, 0 unchanged, 0 made unavailable, 1 rejected" in out
    assert "row 2 (T-2): Unknown category “spaceship”." in out
