"""Reads of the catalog and of people's gear."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from apps.accounts import selectors as accounts_selectors
from apps.core.db_router import replica_safe
from apps.gear import hooks
from apps.gear.models import Brand, Gear, GearActivity, GearDefault, ImportReport, Offer, Product
from apps.gear.types import Suggestion

MAX_CANDIDATES = 2000


def regions_for(*, user) -> list[str]:
    """The offer regions that apply to a person: their country and their country's region."""
    profile = accounts_selectors.profile_for(user=user)
    country = str(profile.country or "").upper()
    if not country:
        return []
    regions = [country]
    if profile.region:
        regions.insert(0, f"{country}-{profile.region.strip().upper()}")
    return regions


@replica_safe
def brand_list() -> QuerySet[Brand]:
    return Brand.objects.order_by("name")


@replica_safe
def product_list(
    *,
    category: str | None = None,
    brand_id: int | None = None,
    query: str | None = None,
    region: str | None = None,
) -> QuerySet[Product]:
    """Products in the catalog (active), with their brand and offers loaded. Replica-safe: the
    catalog changes by feed imports (a task), callers only read and page it."""
    products = Product.objects.filter(active=True).select_related("brand")
    if category:
        products = products.filter(category=category)
    if brand_id:
        products = products.filter(brand_id=brand_id)
    if query:
        products = products.filter(
            Q(names__en__icontains=query) | Q(brand__name__icontains=query) | Q(sku=query)
        )
    offers = Offer.objects.order_by("region")
    if region:
        products = products.filter(offers__region=region, offers__available=True)
        offers = offers.filter(region=region)
    return products.prefetch_related(Prefetch("offers", queryset=offers))


@replica_safe
def product_get(*, product_id: int) -> Product | None:
    """One catalog product with its offers (replica-safe, as product_list)."""
    return (
        Product.objects.select_related("brand")
        .prefetch_related(Prefetch("offers", queryset=Offer.objects.order_by("region")))
        .filter(pk=product_id)
        .first()
    )


def gear_list(*, owner) -> QuerySet[Gear]:
    return (
        Gear.objects.filter(owner=owner)
        .select_related("product__brand")
        .prefetch_related(Prefetch("defaults", queryset=GearDefault.objects.order_by("sport")))
    )


def gear_get(*, owner, gear_id: int) -> Gear | None:
    return gear_list(owner=owner).filter(pk=gear_id).first()


def gear_activities(*, gear: Gear) -> QuerySet[GearActivity]:
    return GearActivity.objects.filter(gear=gear).order_by("-start_time", "-activity_id")


def default_gear(*, owner_id: int, sport: str) -> Gear | None:
    found = (
        GearDefault.objects.filter(owner_id=owner_id, sport=sport, gear__retired_at__isnull=True)
        .select_related("gear")
        .first()
    )
    return found.gear if found else None


def import_report_list() -> QuerySet[ImportReport]:
    return ImportReport.objects.order_by("-created", "-pk")


def _similarity(a: dict, b: dict) -> float:
    keys = set(a) | set(b)
    if not keys:
        return 0.0
    total = 0.0
    for key in keys:
        x, y = a.get(key), b.get(key)
        if x is None or y is None:
            continue
        if isinstance(x, int | float) and isinstance(y, int | float):
            scale = max(abs(x), abs(y), 1)
            total += 1 - min(1.0, abs(x - y) / scale)
        elif str(x).lower() == str(y).lower():
            total += 1
    return total / len(keys)


def replacement_suggestions(*, user, gear: Gear, limit: int = 3) -> list[Suggestion]:
    """Available catalog products of the gear's category in the person's region, most similar
    attributes first, then cheaper; then the registered rankers (promos, recommendations)."""
    regions = regions_for(user=user)
    if not regions:
        return []
    reference = gear.product.attributes if gear.product_id else {}
    offers = (
        Offer.objects.filter(
            region__in=regions,
            available=True,
            product__active=True,
            product__category=gear.category,
        )
        .exclude(product_id=gear.product_id)
        .select_related("product__brand")
        .order_by("product_id")[:MAX_CANDIDATES]
    )
    best: dict[int, Offer] = {}
    for offer in offers:  # the most specific region wins
        current = best.get(offer.product_id)
        if current is None or regions.index(offer.region) < regions.index(current.region):
            best[offer.product_id] = offer
    suggestions = [
        Suggestion(
            product_id=offer.product_id,
            name=offer.product.name,
            brand=offer.product.brand.name,
            region=offer.region,
            price=offer.price,
            currency=offer.currency,
            shop_url=offer.shop_url,
            score=round(_similarity(reference, offer.product.attributes), 4),
        )
        for offer in best.values()
    ]
    suggestions.sort(key=lambda s: (-s.score, s.price, s.product_id))
    for ranker in hooks.rankers():
        suggestions = ranker(user=user, gear=gear, suggestions=suggestions)
    return suggestions[:limit]


def gear_product_history() -> QuerySet:
    """(owner_id, product_id, created) of every catalog product someone owns, oldest first (for
    the recommendations app: who buys what)."""
    return (
        Gear.objects.filter(product__isnull=False)
        .order_by("created", "pk")
        .values_list("owner_id", "product_id", "created")
    )
