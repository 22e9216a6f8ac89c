"""The product catalog (brands, products, regional offers, import reports) and people's gear
with the activities attributed to it. Catalog rows are written only by the feed import
(`services.catalog_import_run`) and the admin; gear only by `services`."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

LANGUAGES = ("en", "ru", "de")


class Category(models.TextChoices):
    ROAD_SHOE = "road_shoe", _("Road shoe")
    TRAIL_SHOE = "trail_shoe", _("Trail shoe")
    BIKE = "bike", _("Bike")
    WATCH = "watch", _("Watch")
    APPAREL = "apparel", _("Apparel")
    OTHER = "other", _("Other")


def _translated(values: dict, fallback: str) -> str:
    lang = (get_language() or "en")[:2]
    return values.get(lang) or values.get("en") or fallback


class Brand(TimeStampedModel):
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(TimeStampedModel):
    """One product model. Names and descriptions are data per language ({"en", "ru", "de"})."""

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    names = models.JSONField(_("names"), default=dict)
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    lifespan_km = models.PositiveIntegerField(_("lifespan (km)"), null=True, blank=True)
    lifespan_hours = models.PositiveIntegerField(_("lifespan (hours)"), null=True, blank=True)
    image_url = models.URLField(_("image"), max_length=500, blank=True)
    # In the latest full feed; a product that left it stays (gear may point at it) but is off.
    active = models.BooleanField(_("in the catalog"), default=True)
    # sha256 of the normalized feed row: an import compares hashes, not fields.
    content_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["pk"]
        indexes = [models.Index(fields=["category", "active"], name="gear_product_category")]

    def __str__(self) -> str:
        return f"{self.brand.name} {self.name}" if self.brand_id else self.name

    @property
    def name(self) -> str:
        return _translated(self.names, self.sku)

    @property
    def description(self) -> str:
        return _translated(self.descriptions, "")


class Offer(models.Model):
    """A product's price and availability in one region: a country ("DE") or a country's
    region ("US-CA")."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="offers")
    region = models.CharField(_("region"), max_length=10)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    available = models.BooleanField(_("available"), default=True)
    shop_url = models.URLField(_("shop link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["product", "region"], name="gear_one_offer_per_region")
        ]
        indexes = [models.Index(fields=["region", "available"], name="gear_offer_region")]

    def __str__(self) -> str:
        return f"{self.region} {self.price} {self.currency}"


class ImportReport(TimeStampedModel):
    """One run of the catalog feed import and what it did with every row."""

    class Source(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"
        API = "api", _("Partner API")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    full = models.BooleanField(
        _("full feed"),
        default=True,
        help_text=_("Products missing from a full feed become unavailable."),
    )
    feed = models.FileField(_("feed file"), upload_to="gear/feeds/", blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    deactivated_count = models.PositiveIntegerField(_("made unavailable"), default=0)
    rejected = models.JSONField(_("rejected rows"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import report")
        verbose_name_plural = _("import reports")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.created:%Y-%m-%d %H:%M}"


class FeedKey(TimeStampedModel):
    """A partner's key for the signed feed endpoint; the secret is stored encrypted."""

    name = models.CharField(_("name"), max_length=80)
    key_id = models.CharField(_("key id"), max_length=40, unique=True)
    secret_encrypted = models.TextField(editable=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("feed key")
        verbose_name_plural = _("feed keys")

    def __str__(self) -> str:
        return self.name


class Gear(TimeStampedModel):
    """A thing a person trains in: a catalog product or their own description of one."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="gear"
    )
    custom_name = models.CharField(_("name"), max_length=120, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    nickname = models.CharField(_("nickname"), max_length=60, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    start_distance_m = models.FloatField(_("distance before Stride (m)"), default=0)
    # Own lifespan for custom gear, or to override the manufacturer's.
    lifespan_km = models.PositiveIntegerField(_("lifespan (km)"), null=True, blank=True)
    lifespan_hours = models.PositiveIntegerField(_("lifespan (hours)"), null=True, blank=True)
    # Sums over the attributed activities; `services.gear_recompute` rebuilds them.
    distance_m = models.FloatField(_("distance (m)"), default=0)
    moving_s = models.PositiveBigIntegerField(_("moving time (s)"), default=0)
    activity_count = models.PositiveIntegerField(_("activities"), default=0)
    # The highest wear threshold (75, 90, 100) already notified: each goes out once.
    notified_level = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("gear")
        verbose_name_plural = _("gear")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["owner", "-created", "-id"], name="gear_owner_created")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(product__isnull=True, custom_name=""),
                name="gear_product_or_name",
            ),
            models.CheckConstraint(condition=models.Q(start_distance_m__gte=0), name="gear_start"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.nickname:
            return self.nickname
        return str(self.product) if self.product_id else self.custom_name

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @property
    def lifespan(self) -> tuple[str, int] | None:
        """("km", n) or ("hours", n): what wears this gear out, if anyone said."""
        product = self.product if self.product_id else None
        km = self.lifespan_km or (product.lifespan_km if product else None)
        hours = self.lifespan_hours or (product.lifespan_hours if product else None)
        if km:
            return ("km", km)
        if hours:
            return ("hours", hours)
        return None

    @property
    def total_km(self) -> float:
        return (self.start_distance_m + self.distance_m) / 1000

    @property
    def wear_percent(self) -> int | None:
        lifespan = self.lifespan
        if lifespan is None:
            return None
        unit, amount = lifespan
        used = self.total_km if unit == "km" else self.moving_s / 3600
        return int(used * 100 // amount)


class GearDefault(models.Model):
    """The gear an activity of this sport is attributed to unless the person says otherwise."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sport = models.CharField(_("sport"), max_length=16)
    gear = models.ForeignKey(Gear, on_delete=models.CASCADE, related_name="defaults")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "sport"], name="gear_one_default_per_sport")
        ]

    def __str__(self) -> str:
        return f"{self.sport}: {self.gear_id}"


class GearActivity(models.Model):
    """An activity done in a piece of gear, with the figures its wear counts (copied from the
    activity event so wear sums never reach into training's tables)."""

    activity = models.OneToOneField(
        "training.Activity", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    gear = models.ForeignKey(Gear, on_delete=models.CASCADE, related_name="attributions")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    distance_m = models.FloatField(default=0)
    moving_s = models.PositiveIntegerField(default=0)
    start_time = models.DateTimeField()
    manual = models.BooleanField(default=False)  # chosen by the person, not the sport default

    class Meta:
        indexes = [models.Index(fields=["gear", "-start_time"], name="gear_attribution_time")]

    def __str__(self) -> str:
        return f"{self.activity_id} → {self.gear_id}"

    @property
    def distance_km(self) -> float:
        return self.distance_m / 1000
