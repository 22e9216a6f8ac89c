"""Every write of the gear app: catalog import, feed keys, gear and its wear."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import crypto
from apps.core.exceptions import NotFound
from apps.gear import feeds, selectors
from apps.gear.exceptions import (
    FeedRequestExpired,
    FeedSignatureInvalid,
    FeedUnreadable,
    GearInvalid,
    RowRejected,
)
from apps.gear.models import (
    Brand,
    Category,
    FeedKey,
    Gear,
    GearActivity,
    GearDefault,
    ImportReport,
    Offer,
    Product,
)
from apps.notifications import services as notifications
from apps.training import selectors as training_selectors
from apps.training.models import Sport

logger = logging.getLogger(__name__)

WEAR_LEVELS = (100, 90, 75)
BATCH = 1000
PRODUCT_FIELDS = (
    "brand",
    "category",
    "names",
    "descriptions",
    "attributes",
    "lifespan_km",
    "lifespan_hours",
    "image_url",
    "active",
    "content_hash",
    "modified",
)


# --- Catalog import -------------------------------------------------------------------------


def catalog_import_start(*, source: str, content: bytes, full: bool = True) -> ImportReport:
    """Store a feed and queue its import; the report tells what happened to every row."""
    from apps.gear.tasks import catalog_import_run_task

    if source not in ImportReport.Source.values:
        raise FeedUnreadable()
    with transaction.atomic():
        report = ImportReport(source=source, full=full)
        extension = "csv" if source == "csv" else "json"
        report.feed.save(f"feed.{extension}", ContentFile(content), save=False)
        report.save()
        transaction.on_commit(
            lambda: catalog_import_run_task.apply_async(kwargs={"report_id": report.pk})
        )
    return report


def catalog_import_run(*, report_id: int) -> ImportReport:
    """Run one queued import; idempotent (a finished report is left as it is)."""
    report = ImportReport.objects.get(pk=report_id)
    if report.status in (ImportReport.Status.DONE, ImportReport.Status.FAILED):
        return report
    report.status = ImportReport.Status.RUNNING
    report.save(update_fields=["status", "modified"])
    with report.feed.open("rb") as handle:
        content = handle.read()
    try:
        counts = catalog_import(content=content, source=report.source, full=report.full)
    except FeedUnreadable as error:
        report.status = ImportReport.Status.FAILED
        report.error = error.message
        report.finished = timezone.now()
        report.save()
        return report
    report.created_count = counts["created"]
    report.updated_count = counts["updated"]
    report.unchanged_count = counts["unchanged"]
    report.deactivated_count = counts["deactivated"]
    report.rejected = counts["rejected"]
    report.status = ImportReport.Status.DONE
    report.finished = timezone.now()
    report.save()
    return report


def _brand_ids(names: set[str]) -> dict[str, int]:
    known = dict(Brand.objects.filter(name__in=names).values_list("name", "pk"))
    missing = names - set(known)
    if missing:
        Brand.objects.bulk_create([Brand(name=n) for n in sorted(missing)], ignore_conflicts=True)
        known.update(Brand.objects.filter(name__in=missing).values_list("name", "pk"))
    return known


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def catalog_import(*, content: bytes, source: str, full: bool) -> dict:
    """Apply a feed: create new products, update changed ones (by content hash), leave
    unchanged ones untouched, and in a full feed turn off the products it no longer lists."""
    rows: dict[str, dict] = {}
    rejected: list[dict] = []
    for number, raw in feeds.read(content, source=source):
        try:
            if isinstance(raw, RowRejected):
                raise raw
            row = feeds.normalize(raw)
            if row["sku"] in rows:
                raise RowRejected(_("The SKU appears twice in the feed."))
        except RowRejected as error:
            sku = raw.get("sku") if isinstance(raw, dict) else None
            rejected.append({"row": number, "sku": str(sku or "")[:64], "reason": error.reason})
            continue
        rows[row["sku"]] = row

    if full:
        existing = {
            sku: (pk, digest, active)
            for sku, pk, digest, active in Product.objects.values_list(
                "sku", "pk", "content_hash", "active"
            ).iterator(chunk_size=5000)
        }
    else:
        existing = {}
        for chunk in _chunks(list(rows), 5000):
            existing.update(
                (sku, (pk, digest, active))
                for sku, pk, digest, active in Product.objects.filter(sku__in=chunk).values_list(
                    "sku", "pk", "content_hash", "active"
                )
            )

    to_create, to_update, unchanged = [], [], 0
    for sku, row in rows.items():
        digest = feeds.content_hash(row)
        known = existing.get(sku)
        if known is None:
            to_create.append((row, digest))
        elif known[1] == digest and known[2]:
            unchanged += 1
        else:
            to_update.append((known[0], row, digest))

    now = timezone.now()
    with transaction.atomic():
        brands = (
            _brand_ids(
                {r["brand"] for r, _d in to_create} | {r["brand"] for _p, r, _d in to_update}
            )
            if to_create or to_update
            else {}
        )

        def product(row: dict, digest: str, pk: int | None = None) -> Product:
            return Product(
                pk=pk,
                sku=row["sku"],
                brand_id=brands[row["brand"]],
                category=row["category"],
                names=row["names"],
                descriptions=row["descriptions"],
                attributes=row["attributes"],
                lifespan_km=row["lifespan_km"],
                lifespan_hours=row["lifespan_hours"],
                image_url=row["image_url"],
                active=True,
                content_hash=digest,
                created=now,
                modified=now,
            )

        for chunk in _chunks(to_create):
            Product.objects.bulk_create([product(r, d) for r, d in chunk])
        for chunk in _chunks(to_update):
            Product.objects.bulk_update([product(r, d, pk) for pk, r, d in chunk], PRODUCT_FIELDS)
            Offer.objects.filter(product_id__in=[pk for pk, _r, _d in chunk]).delete()
        changed = [r for r, _d in to_create] + [r for _p, r, _d in to_update]
        ids: dict[str, int] = {sku: pk for sku, (pk, _d, _a) in existing.items()}
        for chunk in _chunks([r["sku"] for r, _d in to_create]):
            ids.update(Product.objects.filter(sku__in=chunk).values_list("sku", "pk"))
        offers = [
            Offer(
                product_id=ids[row["sku"]],
                region=o["region"],
                price=Decimal(o["price"]),
                currency=o["currency"],
                available=o["available"],
                shop_url=o["shop_url"],
            )
            for row in changed
            for o in row["offers"]
        ]
        for chunk in _chunks(offers):
            Offer.objects.bulk_create(chunk)

        deactivated = 0
        if full:
            listed = set(rows) | {r["sku"] for r in rejected}  # a bad row is no removal
            gone = [
                pk for sku, (pk, _d, active) in existing.items() if active and sku not in listed
            ]
            for chunk in _chunks(gone):
                deactivated += Product.objects.filter(pk__in=chunk).update(
                    active=False, modified=now
                )
                Offer.objects.filter(product_id__in=chunk).update(available=False)
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": unchanged,
        "deactivated": deactivated,
        "rejected": rejected,
    }


# --- Partner feed keys and signatures -------------------------------------------------------


def feed_key_create(*, name: str) -> tuple[FeedKey, str]:
    """A new partner key; the secret is returned once and stored encrypted."""
    secret = secrets.token_urlsafe(32)
    key = FeedKey.objects.create(
        name=name, key_id=secrets.token_hex(8), secret_encrypted=crypto.encrypt(secret)
    )
    return key, secret


def feed_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """hex HMAC-SHA256 over "<timestamp>.<body>" with the key's secret."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def feed_request_verify(*, key_id: str, timestamp: str, signature: str, body: bytes) -> FeedKey:
    """Accept a signed feed request once, inside the replay window, or raise."""
    key = FeedKey.objects.filter(key_id=key_id or "", active=True).first()
    expected = feed_signature(
        secret=crypto.decrypt(key.secret_encrypted) if key else "-",
        timestamp=timestamp or "",
        body=body,
    )
    if not hmac.compare_digest(expected, (signature or "").lower()) or key is None:
        raise FeedSignatureInvalid()
    try:
        sent = int(timestamp)
    except ValueError:
        raise FeedSignatureInvalid() from None
    window = settings.GEAR_FEED_REPLAY_WINDOW_S
    if abs(time.time() - sent) > window:
        raise FeedRequestExpired()
    if not cache.add(f"gear:feed-signature:{signature}", 1, timeout=window * 2):
        raise FeedRequestExpired()
    return key


# --- Gear -----------------------------------------------------------------------------------

EDITABLE = ("nickname", "custom_name", "purchase_date", "start_distance_m", "lifespan_km",
            "lifespan_hours")  # fmt: skip


def _check_sports(sports) -> list[str]:
    unknown = [s for s in sports if s not in Sport.values]
    if unknown:
        raise GearInvalid(fields={"default_for": [_("Choose sports from the list.")]})
    return list(dict.fromkeys(sports))


def gear_create(
    *,
    owner,
    product_id: int | None = None,
    custom_name: str = "",
    category: str = "",
    nickname: str = "",
    purchase_date=None,
    start_distance_m: float = 0,
    lifespan_km: int | None = None,
    lifespan_hours: int | None = None,
    default_for: list[str] | tuple = (),
) -> Gear:
    """Add gear from the catalog (by product) or described by the person."""
    product = Product.objects.filter(pk=product_id).first() if product_id else None
    if product_id and product is None:
        raise GearInvalid(fields={"product": [_("No such product in the catalog.")]})
    if product is None and not custom_name.strip():
        raise GearInvalid(
            fields={"custom_name": [_("Name your gear or pick it from the catalog.")]}
        )
    category = product.category if product else category
    if category not in Category.values:
        raise GearInvalid(fields={"category": [_("Choose a category from the list.")]})
    if start_distance_m < 0:
        raise GearInvalid(fields={"start_distance_m": [_("The distance cannot be negative.")]})
    sports = _check_sports(default_for)
    with transaction.atomic():
        gear = Gear.objects.create(
            owner=owner,
            product=product,
            custom_name=custom_name.strip()[:120],
            category=category,
            nickname=nickname.strip()[:60],
            purchase_date=purchase_date,
            start_distance_m=start_distance_m,
            lifespan_km=lifespan_km,
            lifespan_hours=lifespan_hours,
        )
        _set_defaults(gear, sports)
    return gear


def _set_defaults(gear: Gear, sports: list[str]) -> None:
    GearDefault.objects.filter(gear=gear).exclude(sport__in=sports).delete()
    for sport in sports:
        GearDefault.objects.update_or_create(
            owner_id=gear.owner_id, sport=sport, defaults={"gear": gear}
        )


@transaction.atomic
def gear_update(*, gear: Gear, default_for: list[str] | None = None, **changes) -> Gear:
    """Change what the person may change; `default_for` replaces the sports it is default for."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if changes.get("start_distance_m", 0) < 0:
        raise GearInvalid(fields={"start_distance_m": [_("The distance cannot be negative.")]})
    if "custom_name" in changes and not gear.product_id and not changes["custom_name"].strip():
        raise GearInvalid(
            fields={"custom_name": [_("Name your gear or pick it from the catalog.")]}
        )
    for field, value in changes.items():
        setattr(gear, field, value)
    gear.save()
    if default_for is not None:
        _set_defaults(gear, _check_sports(default_for))
    transaction.on_commit(lambda: gear_wear_check(gear_id=gear.pk))
    return gear


@transaction.atomic
def gear_retire(*, gear: Gear) -> Gear:
    """Retire gear: it keeps its history but gets no new activities and is no default."""
    gear.retired_at = gear.retired_at or timezone.now()
    gear.save(update_fields=["retired_at", "modified"])
    GearDefault.objects.filter(gear=gear).delete()
    return gear


@transaction.atomic
def gear_reactivate(*, gear: Gear) -> Gear:
    gear.retired_at = None
    gear.save(update_fields=["retired_at", "modified"])
    return gear


@transaction.atomic
def gear_delete(*, gear: Gear) -> None:
    gear.delete()


def _totals(gear_id: int) -> None:
    sums = GearActivity.objects.filter(gear_id=gear_id).aggregate(
        distance=Sum("distance_m"), moving=Sum("moving_s"), count=Count("pk")
    )
    Gear.objects.filter(pk=gear_id).update(
        distance_m=sums["distance"] or 0,
        moving_s=sums["moving"] or 0,
        activity_count=sums["count"],
        modified=timezone.now(),
    )


def gear_recompute(*, gear: Gear) -> Gear:
    """Rebuild the gear's totals from its activities as training holds them now."""
    with transaction.atomic():
        rows = {a.activity_id: a for a in GearActivity.objects.filter(gear=gear)}
        current = {
            a.pk: a
            for a in training_selectors.activity_list(owner=gear.owner).filter(pk__in=list(rows))
        }
        for activity_id, row in rows.items():
            activity = current.get(activity_id)
            if activity is None:
                row.delete()
                continue
            row.distance_m = activity.distance_m or 0
            row.moving_s = activity.moving_s
            row.save()
        _totals(gear.pk)
    gear.refresh_from_db()
    return gear


def gear_attribute(*, owner, activity_id: int, gear_id: int | None) -> GearActivity | None:
    """Put an activity on another piece of the owner's gear, or on none."""
    activity = training_selectors.activity_owned(owner=owner, activity_id=activity_id)
    if activity is None:
        raise NotFound(_("No such activity."))
    gear = None
    if gear_id is not None:
        gear = Gear.objects.filter(owner=owner, pk=gear_id).first()
        if gear is None:
            raise GearInvalid(fields={"gear": [_("No such gear.")]})
    with transaction.atomic():
        previous = GearActivity.objects.filter(activity_id=activity.pk).first()
        row = None
        if previous is not None:
            previous.delete()
            _totals(previous.gear_id)
        if gear is not None:
            row = GearActivity.objects.create(
                activity_id=activity.pk,
                gear=gear,
                owner=owner,
                distance_m=activity.distance_m or 0,
                moving_s=activity.moving_s,
                start_time=activity.start_time,
                manual=True,
            )
            _totals(gear.pk)
            transaction.on_commit(lambda: gear_wear_check(gear_id=gear.pk))
    return row


def activity_attribute(
    *, activity_id: int, owner_id: int, sport: str, start_time, distance_m, moving_s
) -> None:
    """Attribute a newly recorded activity to the owner's default gear for its sport (once)."""
    if GearActivity.objects.filter(activity_id=activity_id).exists():
        return  # a repeated event
    gear = selectors.default_gear(owner_id=owner_id, sport=sport)
    if gear is None:
        return
    with transaction.atomic():
        _, created = GearActivity.objects.get_or_create(
            activity_id=activity_id,
            defaults={
                "gear": gear,
                "owner_id": owner_id,
                "distance_m": distance_m or 0,
                "moving_s": moving_s or 0,
                "start_time": start_time,
            },
        )
        if created:
            _totals(gear.pk)
    gear_wear_check(gear_id=gear.pk)


def activity_refresh(*, activity_id: int, owner_id: int) -> None:
    """An activity changed or went away: its attribution and its gear's totals follow. An
    automatic attribution follows a change of sport to that sport's default gear; one the
    person chose stays."""
    activity = training_selectors.activity_owned(owner=owner_id, activity_id=activity_id)
    if activity is None:
        # Deleted: the attribution went with the activity; the owner's gear totals follow.
        for gear_id in Gear.objects.filter(owner_id=owner_id).values_list("pk", flat=True):
            _totals(gear_id)
        return
    row = GearActivity.objects.filter(activity_id=activity_id).first()
    if row is not None and not row.manual:
        target = selectors.default_gear(owner_id=owner_id, sport=activity.sport)
        if target is None or target.pk != row.gear_id:
            with transaction.atomic():
                row.delete()
                _totals(row.gear_id)
            row = None
    if row is None:
        activity_attribute(
            activity_id=activity.pk,
            owner_id=owner_id,
            sport=activity.sport,
            start_time=activity.start_time,
            distance_m=activity.distance_m,
            moving_s=activity.moving_s,
        )
        return
    with transaction.atomic():
        GearActivity.objects.filter(pk=row.pk).update(
            distance_m=activity.distance_m or 0,
            moving_s=activity.moving_s,
            start_time=activity.start_time,
        )
        _totals(row.gear_id)
    gear_wear_check(gear_id=row.gear_id)


def gear_wear_check(*, gear_id: int) -> int | None:
    """Notify the owner once per threshold (75, 90, 100 %) their gear passed; the highest one
    passed is the one sent, with a replacement suggestion. Returns the level notified."""
    with transaction.atomic():
        gear = (
            Gear.objects.select_for_update(of=("self",))
            .filter(pk=gear_id, retired_at__isnull=True)
            .select_related("product__brand", "owner")
            .first()
        )
        if gear is None or gear.wear_percent is None:
            return None
        level = next((lvl for lvl in WEAR_LEVELS if gear.wear_percent >= lvl), 0)
        if level <= gear.notified_level:
            return None
        Gear.objects.filter(pk=gear.pk).update(notified_level=level)
        suggestions = selectors.replacement_suggestions(user=gear.owner, gear=gear, limit=1)
        notifications.notify(
            gear.owner,
            "gear_worn",
            {
                "gear_id": gear.pk,
                "gear_name": gear.display_name,
                "level": level,
                "percent": gear.wear_percent,
                "suggestion": suggestions[0].as_context() if suggestions else None,
            },
            collapse_key=f"gear:{gear.pk}",
        )
    return level


def gear_attribute_history(*, gear: Gear, sport: str, since=None) -> int:
    """Put the owner's earlier activities of a sport that are in no gear yet on this gear
    (e.g. shoes added after months of runs); returns how many."""
    activities = training_selectors.activity_list(owner=gear.owner).filter(sport=sport)
    if since is not None:
        activities = activities.filter(start_time__date__gte=since)
    taken = set(
        GearActivity.objects.filter(owner_id=gear.owner_id).values_list("activity_id", flat=True)
    )
    rows = [
        GearActivity(
            activity_id=a.pk,
            gear=gear,
            owner_id=gear.owner_id,
            distance_m=a.distance_m or 0,
            moving_s=a.moving_s,
            start_time=a.start_time,
            manual=True,
        )
        for a in activities.only("pk", "distance_m", "moving_s", "start_time")
        if a.pk not in taken
    ]
    with transaction.atomic():
        GearActivity.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        _totals(gear.pk)
        transaction.on_commit(lambda: gear_wear_check(gear_id=gear.pk))
    return len(rows)
