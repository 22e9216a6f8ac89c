"""Reading product feeds (CSV, JSON) into normalized rows, one `RowRejected` per bad row.

JSON: `{"products": [...]}` or a list of products, each
`{"sku", "brand", "category", "names": {"en", "ru", "de"}, "descriptions": {...},
"attributes": {...}, "lifespan_km", "lifespan_hours", "image_url",
"offers": [{"region", "price", "currency", "available", "shop_url"}]}`.

CSV: one product per line; columns `sku, brand, category, name_en, name_ru, name_de,
description_en, description_ru, description_de, lifespan_km, lifespan_hours, image_url`,
`attr.<name>` per attribute and `offer.<REGION>.price|currency|available|url` per region.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from apps.gear.exceptions import FeedUnreadable, RowRejected
from apps.gear.models import LANGUAGES, Category

SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$")
REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
ATTRIBUTE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TEXT = {"name": 200, "description": 5000}
TRUE = {"1", "true", "yes", "in_stock"}
FALSE = {"0", "false", "no", "out_of_stock", ""}


def content_hash(row: dict) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()


def _url(value, field: str) -> str:
    value = str(value or "").strip()
    if value and (not value.startswith(("https://", "http://")) or len(value) > 500):
        raise RowRejected(_("%(field)s is not an http(s) link.") % {"field": field})
    return value


def _positive_int(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        raise RowRejected(_("%(field)s is not a number.") % {"field": field}) from None
    if number <= 0 or number > 1_000_000:
        raise RowRejected(_("%(field)s must be a positive number.") % {"field": field})
    return number


def _texts(values, kind: str) -> dict[str, str]:
    if not isinstance(values, dict):
        values = {}
    texts = {}
    for lang in LANGUAGES:
        text = str(values.get(lang) or "").strip()
        if len(text) > MAX_TEXT[kind]:
            message = (
                _("The %(lang)s name is too long.")
                if kind == "name"
                else _("The %(lang)s description is too long.")
            )
            raise RowRejected(message % {"lang": lang})
        if text:
            texts[lang] = text
    return texts


def _offer(raw) -> dict:
    if not isinstance(raw, dict):
        raise RowRejected(_("An offer is not an object."))
    region = str(raw.get("region") or "").strip().upper()
    if not REGION.match(region):
        raise RowRejected(
            _("Offer region “%(region)s” is not a country code.") % {"region": region}
        )
    try:
        price = Decimal(str(raw.get("price"))).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise RowRejected(
            _("The price for %(region)s is not a number.") % {"region": region}
        ) from None
    if not price.is_finite() or price < 0 or price >= Decimal("100000000"):
        raise RowRejected(_("The price for %(region)s is out of range.") % {"region": region})
    currency = str(raw.get("currency") or "").strip().upper()
    if not CURRENCY.match(currency):
        raise RowRejected(_("The currency for %(region)s is not valid.") % {"region": region})
    available = raw.get("available", True)
    if not isinstance(available, bool):
        text = str(available).strip().lower()
        if text not in TRUE | FALSE:
            raise RowRejected(
                _("Availability for %(region)s is not yes or no.") % {"region": region}
            )
        available = text in TRUE
    return {
        "region": region,
        "price": str(price),
        "currency": currency,
        "available": available,
        "shop_url": _url(raw.get("shop_url"), "shop_url"),
    }


def normalize(raw) -> dict:
    """One feed product as stored, or `RowRejected` with the reason."""
    if not isinstance(raw, dict):
        raise RowRejected(_("The row is not an object."))
    sku = str(raw.get("sku") or "").strip()
    if not SKU.match(sku):
        raise RowRejected(_("The SKU is missing or not valid."))
    brand = str(raw.get("brand") or "").strip()
    if not brand or len(brand) > 80:
        raise RowRejected(_("The brand is missing or too long."))
    category = str(raw.get("category") or "").strip()
    if category not in Category.values:
        raise RowRejected(_("Unknown category “%(category)s”.") % {"category": category[:40]})
    names = _texts(raw.get("names"), "name")
    if "en" not in names:
        raise RowRejected(_("The English name is missing."))
    attributes = raw.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise RowRejected(_("Attributes are not an object."))
    clean_attributes: dict = {}
    for key, value in attributes.items():
        if not ATTRIBUTE.match(str(key)):
            raise RowRejected(
                _("Attribute name “%(name)s” is not valid.") % {"name": str(key)[:40]}
            )
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise RowRejected(_("Attribute “%(name)s” is not a number or text.") % {"name": key})
        clean_attributes[key] = value if not isinstance(value, str) else value.strip()[:100]
    offers = raw.get("offers") or []
    if not isinstance(offers, list):
        raise RowRejected(_("Offers are not a list."))
    clean_offers = sorted((_offer(o) for o in offers), key=lambda o: o["region"])
    if len({o["region"] for o in clean_offers}) != len(clean_offers):
        raise RowRejected(_("Two offers for the same region."))
    return {
        "sku": sku,
        "brand": brand,
        "category": category,
        "names": names,
        "descriptions": _texts(raw.get("descriptions"), "description"),
        "attributes": clean_attributes,
        "lifespan_km": _positive_int(raw.get("lifespan_km"), "lifespan_km"),
        "lifespan_hours": _positive_int(raw.get("lifespan_hours"), "lifespan_hours"),
        "image_url": _url(raw.get("image_url"), "image_url"),
        "offers": clean_offers,
    }


def _number_or_text(value: str):
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


def _csv_product(line: dict) -> dict:
    product: dict = {
        "names": {},
        "descriptions": {},
        "attributes": {},
        "offers": [],
    }
    offers: dict[str, dict] = {}
    for column, value in line.items():
        if column is None:
            raise RowRejected(_("The line has more fields than the header."))
        value = (value or "").strip()
        if column.startswith("name_"):
            product["names"][column[5:]] = value
        elif column.startswith("description_"):
            product["descriptions"][column[12:]] = value
        elif column.startswith("attr."):
            if value:
                product["attributes"][column[5:]] = _number_or_text(value)
        elif column.startswith("offer."):
            parts = column.split(".")
            if len(parts) == 3 and value:
                offer = offers.setdefault(parts[1], {"region": parts[1]})
                offer["shop_url" if parts[2] == "url" else parts[2]] = value
        else:
            product[column] = value
    product["offers"] = list(offers.values())
    return product


def read(content: bytes, *, source: str) -> Iterator[tuple[int, dict | RowRejected]]:
    """(row number from 1, raw product or its rejection) for every row of the feed."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedUnreadable(_("The feed is not UTF-8 text.")) from None
    if source == "csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "sku" not in reader.fieldnames:
            raise FeedUnreadable(_("The CSV feed has no header line with a “sku” column."))
        for number, line in enumerate(reader, start=1):
            try:
                yield number, _csv_product(line)
            except RowRejected as rejected:
                yield number, rejected
        return
    try:
        data = json.loads(text)
    except ValueError:
        raise FeedUnreadable(_("The feed is not valid JSON.")) from None
    products = data.get("products") if isinstance(data, dict) else data
    if not isinstance(products, list):
        raise FeedUnreadable(_("The JSON feed has no list of products."))
    yield from enumerate(products, start=1)
