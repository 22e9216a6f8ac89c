"""Loyalty (an append-only points ledger with a cached balance, earning rules, rewards),
promotions with their targeting, coupons with their redemptions, shop orders, and news.

Written only by `services`. The ledger is the truth: `PointsAccount.balance` is the sum of the
person's `PointsEntry` rows, kept in the same transaction as each entry, and never negative."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

LANGUAGES = ("en", "ru", "de")


def pick(values: dict | None, language: str | None = None) -> str:
    """The text in `language` (default: the active one), else English, else any."""
    values = values or {}
    lang = (language or translation.get_language() or "en").split("-")[0]
    return values.get(lang) or values.get("en") or next(iter(values.values()), "")


class Translated(models.Model):
    """Title and text per language, as data: {"en": ..., "ru": ..., "de": ...}."""

    title = models.JSONField(_("title"), default=dict)
    body = models.JSONField(_("text"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def title_text(self) -> str:
        return pick(self.title)

    @property
    def body_text(self) -> str:
        return pick(self.body)

    def missing_languages(self) -> list[str]:
        return [lang for lang in LANGUAGES if not (self.title or {}).get(lang)]


# --- Loyalty --------------------------------------------------------------------------------


class Source(models.TextChoices):
    ACTIVITY = "activity", _("Activity")
    STREAK = "streak", _("Streak")
    CHALLENGE = "challenge", _("Challenge")
    ORDER = "order", _("Shop order")
    REFUND = "refund", _("Refund")
    REDEMPTION = "redemption", _("Reward")
    EXPIRY = "expiry", _("Expiry")
    ADJUSTMENT = "adjustment", _("Adjustment by staff")


class PointsAccount(models.Model):
    """The cached balance of a person's ledger; locked (select_for_update) by every write."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    balance = models.IntegerField(_("balance"), default=0)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="promos_balance_gte0")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.balance}"


class EarningRule(TimeStampedModel):
    """How training earns points; staff tune them in the admin."""

    class Kind(models.TextChoices):
        PER_KM = "per_km", _("Per kilometre")
        PER_WORKOUT = "per_workout", _("Per workout")
        CHALLENGE = "challenge", _("Challenge completion (multiplier in %)")
        STREAK = "streak", _("Streak of days")
        ORDER = "order", _("Per currency unit spent in the shop")

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    sport = models.CharField(_("sport"), max_length=16, blank=True, help_text=_("Empty: any"))
    points = models.PositiveIntegerField(_("points"))
    streak_days = models.PositiveSmallIntegerField(_("days in a row"), default=7)
    min_distance_m = models.PositiveIntegerField(
        _("shortest workout (m)"), default=0, help_text=_("Shorter workouts earn nothing.")
    )
    daily_cap = models.PositiveIntegerField(
        _("daily cap"), null=True, blank=True, help_text=_("Most points a day by this rule.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return self.name


class PointsEntry(models.Model):
    """One change of a person's points. Never updated, never deleted (but with the person)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField(_("points"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # Unique over the ledger: the same key twice is the same entry (replays change nothing).
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    # What the entry is about ("activity:12", "order:shop:A-1"): reversals find it by this.
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    rule = models.ForeignKey(
        EarningRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    earned_on = models.DateField(_("day"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    created = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [
            models.Index(fields=["user", "-created", "-id"], name="promos_entry_history"),
            models.Index(fields=["user", "rule", "earned_on"], name="promos_entry_cap"),
            models.Index(fields=["user", "reference"], name="promos_entry_reference"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(points=0), name="promos_entry_nonzero")
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.source}"


class Reward(Translated, TimeStampedModel):
    """Something points buy: a coupon of a promotion, or goods sent by the shop."""

    class Kind(models.TextChoices):
        COUPON = "coupon", _("Coupon")
        GOODS = "goods", _("Goods")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    cost = models.PositiveIntegerField(_("cost in points"))
    promotion = models.ForeignKey(
        "Promotion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rewards",
        help_text=_("For coupon rewards: the promotion whose coupon is issued."),
    )
    stock = models.PositiveIntegerField(
        _("stock"), null=True, blank=True, help_text=_("Empty: unlimited")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["cost", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="coupon", promotion__isnull=True),
                name="promos_coupon_reward_has_promotion",
            )
        ]

    def __str__(self) -> str:
        return self.slug


class RewardRedemption(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField(_("points"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=200)
    coupon = models.ForeignKey(
        "Coupon", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("reward redemption")
        verbose_name_plural = _("reward redemptions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="promos_reward_redeem_once"
            )
        ]
        indexes = [models.Index(fields=["user", "-created"], name="promos_redemption_user")]

    def __str__(self) -> str:
        return f"{self.reward_id} for {self.user_id}"


# --- Promotions -----------------------------------------------------------------------------


class Promotion(Translated, TimeStampedModel):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage discount")
        FIXED = "fixed", _("Fixed discount")
        GIFT = "gift", _("Gift")

    class Segment(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        NEW_USERS = "new_users", _("New users")
        WEEKLY_KM = "weekly_km", _("Runners over N km a week")
        WORN_SHOES = "worn_shoes", _("Shoes over 90 % worn")
        GROUP = "group", _("Members of a group")
        CHALLENGE_FINISHERS = "finishers", _("Finishers of a challenge")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    value = models.DecimalField(
        _("value"), max_digits=10, decimal_places=2, default=0, help_text=_("Percent or amount")
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    # Targeting of the catalog (apps.gear): any of them matches; all empty means anything.
    products = models.ManyToManyField("gear.Product", blank=True, related_name="+")
    brands = models.ManyToManyField("gear.Brand", blank=True, related_name="+")
    categories = models.JSONField(_("categories"), default=list, blank=True)
    # Who sees it: empty lists mean everywhere / every language.
    countries = models.JSONField(_("countries"), default=list, blank=True)
    regions = models.JSONField(
        _("regions"), default=list, blank=True, help_text=_('Like "DE-BY"; empty: every region')
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    segment = models.CharField(
        _("segment"), max_length=12, choices=Segment.choices, default=Segment.EVERYONE
    )
    new_user_days = models.PositiveSmallIntegerField(_("new: joined within days"), default=30)
    min_weekly_km = models.PositiveSmallIntegerField(_("km a week at least"), default=0)
    group_id = models.BigIntegerField(_("group"), null=True, blank=True)
    challenge = models.ForeignKey(
        "challenges.Challenge", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A personal promotion: for this one person only.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Rolled out behind a django-waffle flag, and/or measured by an experiment of
    # apps.experiments (by its key): then only the people in the variant named by `variant`
    # see it (empty: every variant but the control), the rest get the control's experience.
    waffle_flag = models.CharField(_("waffle flag"), max_length=100, blank=True)
    experiment = models.SlugField(
        _("experiment"),
        max_length=60,
        blank=True,
        help_text=_(
            "Key of an experiment: only people in the variant below see the promotion. "
            "Clear it to roll the promotion out to everybody."
        ),
    )
    variant = models.CharField(
        _("variant"),
        max_length=40,
        blank=True,
        help_text=_("With an experiment: the variant that sees it (empty: all but the control)."),
    )
    announce = models.BooleanField(
        _("announce"), default=False, help_text=_("Send a marketing notification to its audience.")
    )
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["active", "ends_at"], name="promos_promotion_live")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="promos_window"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="percent", value__gt=100), name="promos_percent_le100"
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class Coupon(TimeStampedModel):
    """A code of a promotion: personal (one person) or shared (total and per-person limits)."""

    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="coupons")
    code = models.CharField(_("code"), max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    total_limit = models.PositiveIntegerField(_("total uses"), null=True, blank=True)
    per_user_limit = models.PositiveIntegerField(_("uses per person"), default=1)
    redeemed_count = models.PositiveIntegerField(_("redeemed"), default=0)
    active = models.BooleanField(_("active"), default=True)
    # Issuing is idempotent: the same key gives the same coupon ("claim:3:12", "reward:...").
    issue_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        indexes = [models.Index(fields=["user", "-created"], name="promos_coupon_wallet")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_limit__isnull=True)
                | models.Q(redeemed_count__lte=models.F("total_limit")),
                name="promos_coupon_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CouponRedemption(models.Model):
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200)
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)
    created = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("coupon redemption")
        verbose_name_plural = _("coupon redemptions")
        constraints = [
            models.UniqueConstraint(
                fields=["coupon", "idempotency_key"], name="promos_coupon_redeem_once"
            )
        ]
        indexes = [models.Index(fields=["coupon", "user"], name="promos_redemption_per_user")]

    def __str__(self) -> str:
        return f"{self.coupon_id}: {self.idempotency_key}"


class Order(models.Model):
    """An order a shop reported; (shop, environment, order_id) makes a report idempotent. A
    shop's sandbox and production orders are apart: neither can see or refund the other's."""

    class Status(models.TextChoices):
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")

    class Environment(models.TextChoices):  # the partner platform's environments
        SANDBOX = "sandbox", _("Sandbox")
        PRODUCTION = "production", _("Production")

    shop = models.CharField(_("shop"), max_length=80)
    environment = models.CharField(
        _("environment"),
        max_length=16,
        choices=Environment.choices,
        default=Environment.PRODUCTION,
    )
    order_id = models.CharField(_("order id"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    coupon = models.ForeignKey(
        Coupon, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    points = models.PositiveIntegerField(_("points earned"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="paid")
    created = models.DateTimeField(_("created"))
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)

    class Meta:
        verbose_name = _("shop order")
        verbose_name_plural = _("shop orders")
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "environment", "order_id"], name="promos_order_once_per_env"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop}:{self.order_id}"


# --- Content --------------------------------------------------------------------------------


class NewsFeed(TimeStampedModel):
    """An RSS or Atom feed imported by `services.news_feed_import` (Celery beat)."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), max_length=500, unique=True)
    language = models.CharField(_("language"), max_length=2, default="en")
    countries = models.CharField(_("countries"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("news feed")
        verbose_name_plural = _("news feeds")

    def __str__(self) -> str:
        return self.name


class Article(Translated, TimeStampedModel):
    """A news item or sports article: written by staff (translated) or imported from a feed
    (in the feed's language). `body` holds sanitized HTML per language."""

    feed = models.ForeignKey(
        NewsFeed, on_delete=models.CASCADE, null=True, blank=True, related_name="articles"
    )
    guid = models.CharField(_("feed id"), max_length=300, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    countries = models.CharField(
        _("countries"),
        max_length=200,
        blank=True,
        help_text=_('Country codes separated by commas, like "DE,AT"; empty: everywhere.'),
    )
    published_at = models.DateTimeField(_("published"), db_index=True)
    visible = models.BooleanField(_("visible"), default=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "guid"],
                condition=models.Q(feed__isnull=False),
                name="promos_article_once_per_feed",
            )
        ]

    def __str__(self) -> str:
        return self.title_text[:60]


class ShopRequestRejection(models.Model):
    """A shop call refused for its signature (bad, stale or replayed): kept for staff. Never
    holds the secret or the signature itself."""

    class Reason(models.TextChoices):
        MISSING = "missing", _("Signature headers missing")
        STALE = "stale", _("Timestamp outside the tolerance")
        BAD = "bad", _("Signature does not match")
        REPLAYED = "replayed", _("Message id already used")

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    path = models.CharField(_("path"), max_length=200)
    message_id = models.CharField(_("webhook-id"), max_length=100, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("refused shop request")
        verbose_name_plural = _("refused shop requests")
        ordering = ("-created", "-pk")

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.reason}"
