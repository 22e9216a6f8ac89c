"""Reads: points, rewards, the offers a person may see, the coupon wallet, news, and the
missing-translation report for staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone, translation

from apps.accounts import selectors as accounts_selectors
from apps.challenges import selectors as challenge_selectors
from apps.core.db_router import replica_safe
from apps.experiments import selectors as experiment_selectors
from apps.gear import selectors as gear_selectors
from apps.groups import selectors as groups_selectors
from apps.promos.models import (
    LANGUAGES,
    Article,
    Coupon,
    CouponRedemption,
    EarningRule,
    PointsAccount,
    PointsEntry,
    Promotion,
    Reward,
    RewardRedemption,
)
from apps.training import selectors as training_selectors

SHOE_CATEGORIES = ("road_shoe", "trail_shoe")
RUN_SPORTS = ("run", "trail_run")
WORN_PERCENT = 90
# Segments built on a person's training data need their consent to personal recommendations.
DATA_SEGMENTS = (
    Promotion.Segment.WEEKLY_KM,
    Promotion.Segment.WORN_SHOES,
    Promotion.Segment.GROUP,
    Promotion.Segment.CHALLENGE_FINISHERS,
)

# --- Points ---------------------------------------------------------------------------------


def points_balance(*, user) -> int:
    return (
        PointsAccount.objects.filter(user_id=user.pk).values_list("balance", flat=True).first() or 0
    )


def points_ledger_sum(*, user_id: int) -> int:
    """The balance the ledger says (the truth the cached balance must equal)."""
    return PointsEntry.objects.filter(user_id=user_id).aggregate(s=Sum("points"))["s"] or 0


def points_history(*, user) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(user_id=user.pk).order_by("-created", "-id")


def earning_rules(*, kind: str, sport: str = "") -> list[EarningRule]:
    rules = EarningRule.objects.filter(active=True, kind=kind)
    return [r for r in rules.order_by("pk") if not r.sport or r.sport == sport]


def reward_list() -> QuerySet[Reward]:
    return Reward.objects.filter(active=True).select_related("promotion").order_by("cost", "pk")


def reward_get(*, reward_id: int) -> Reward | None:
    return reward_list().filter(pk=reward_id).first()


def redemption_list(*, user) -> QuerySet[RewardRedemption]:
    return (
        RewardRedemption.objects.filter(user_id=user.pk)
        .select_related("reward", "coupon")
        .order_by("-created", "-pk")
    )


# --- Offers ---------------------------------------------------------------------------------


@dataclass
class Audience:
    """What targeting needs to know about a person, read once for all live promotions."""

    user_id: int
    country: str
    region: str
    language: str
    joined_days: int
    consented: bool
    weekly_km: float = 0.0
    worn_categories: set[str] = field(default_factory=set)
    finished_challenges: set[int] = field(default_factory=set)


def audience_for(*, user, language: str | None = None) -> Audience:
    profile = accounts_selectors.profile_for(user=user)
    country = str(profile.country or "").upper()
    audience = Audience(
        user_id=user.pk,
        country=country,
        region=f"{country}-{profile.region.strip().upper()}" if profile.region else "",
        language=(language or user.language or translation.get_language() or "en")[:2],
        joined_days=(timezone.now() - user.date_joined).days,
        consented=accounts_selectors.consent_given(user=user, kind="personalisation"),
    )
    if not audience.consented:
        return audience
    week_ago = timezone.now() - timedelta(days=7)
    distance = (
        training_selectors.activity_list(owner=user)
        .filter(sport__in=RUN_SPORTS, start_time__gte=week_ago)
        .aggregate(m=Sum("distance_m"))["m"]
    )
    audience.weekly_km = (distance or 0) / 1000
    audience.worn_categories = {
        g.category
        for g in gear_selectors.gear_list(owner=user).filter(
            category__in=SHOE_CATEGORIES, retired_at__isnull=True
        )
        if (g.wear_percent or 0) >= WORN_PERCENT
    }
    audience.finished_challenges = set(challenge_selectors.completed_challenge_ids(user=user))
    return audience


def promotions_live() -> QuerySet[Promotion]:
    now = timezone.now()
    return (
        Promotion.objects.filter(active=True, starts_at__lte=now, ends_at__gt=now)
        .prefetch_related("products", "brands")
        .order_by("-starts_at", "pk")
    )


def _place_and_language(promotion: Promotion, a: Audience) -> bool:
    if promotion.countries and a.country not in {c.upper() for c in promotion.countries}:
        return False
    if promotion.regions and a.region not in {r.upper() for r in promotion.regions}:
        return False
    return not (promotion.languages and a.language not in promotion.languages)


def in_segment(promotion: Promotion, a: Audience) -> bool:
    segment = promotion.segment
    if segment in DATA_SEGMENTS and not a.consented:
        return False
    if segment == Promotion.Segment.NEW_USERS:
        return a.joined_days <= promotion.new_user_days
    if segment == Promotion.Segment.WEEKLY_KM:
        return a.weekly_km >= promotion.min_weekly_km
    if segment == Promotion.Segment.WORN_SHOES:
        wanted = set(promotion.categories) & set(SHOE_CATEGORIES) or set(SHOE_CATEGORIES)
        return bool(a.worn_categories & wanted)
    if segment == Promotion.Segment.GROUP:
        return promotion.group_id is not None and groups_selectors.is_member(
            a.user_id, promotion.group_id
        )
    if segment == Promotion.Segment.CHALLENGE_FINISHERS:
        return promotion.challenge_id in a.finished_challenges
    return True


def matches(promotion: Promotion, a: Audience) -> bool:
    """Targeting without the waffle flag (the caller decides about the flag)."""
    if promotion.user_id is not None and promotion.user_id != a.user_id:
        return False
    return _place_and_language(promotion, a) and in_segment(promotion, a)


def offers_for(
    *, user, language: str | None = None, flag_check=None, variants=None
) -> list[Promotion]:
    """Live promotions aimed at this person, newest first. `flag_check(name) -> bool` decides
    flag-gated ones (services pass waffle's answer); without it gated promotions are hidden.
    `variants(experiment_keys) -> {key: variant or None}` puts the person in the experiments
    the targeted promotions are measured by (services pass apps.experiments' answer); a
    promotion of an experiment is kept when the person's variant sees its arm. Without it,
    promotions of experiments are hidden."""
    audience = audience_for(user=user, language=language)
    found = []
    for promotion in promotions_live().filter(Q(user__isnull=True) | Q(user_id=user.pk)):
        if promotion.waffle_flag and not (flag_check and flag_check(promotion.waffle_flag)):
            continue
        if matches(promotion, audience):
            found.append(promotion)
    keys = {p.experiment for p in found if p.experiment}
    if not keys:
        return found
    resolved = variants(keys) if variants is not None else {}
    shown = {
        key: experiment_selectors.shown_arms(experiment_key=key, variant=resolved[key])
        for key in keys
        if key in resolved
    }
    return [p for p in found if not p.experiment or p.variant in shown.get(p.experiment, ())]


def targets(promotion: Promotion, product) -> bool:
    """Does the promotion's catalog targeting (any of products, brands, categories) name the
    product? A promotion without catalog targeting names none."""
    return (
        any(p.pk == product.pk for p in promotion.products.all())
        or any(b.pk == product.brand_id for b in promotion.brands.all())
        or product.category in promotion.categories
    )


def catalog_products(*, ids: list[int]) -> list:
    return list(gear_selectors.product_list().filter(pk__in=ids))


def promotion_get(*, promotion_id: int) -> Promotion | None:
    return promotions_live().filter(pk=promotion_id).first()


def coupon_wallet(*, user) -> QuerySet[Coupon]:
    """The person's own coupons, with their promotion and how often they used each."""
    return (
        Coupon.objects.filter(user_id=user.pk)
        .select_related("promotion")
        .prefetch_related(
            "promotion__products",
            "promotion__brands",
            Prefetch(
                "redemptions",
                queryset=CouponRedemption.objects.filter(reversed_at__isnull=True),
                to_attr="used",
            ),
        )
        .order_by("-created", "-pk")
    )


def coupon_by_code(*, code: str) -> Coupon | None:
    return (
        Coupon.objects.select_related("promotion")
        .prefetch_related("promotion__products", "promotion__brands")
        .filter(code=code.strip().upper())
        .first()
    )


# --- News -----------------------------------------------------------------------------------


@replica_safe
def article_list(*, language: str, country: str = "") -> QuerySet[Article]:
    """Visible articles that exist in `language` and are meant for `country` (or everywhere).
    Replica-safe: news pages, the news API and the dashboard's box only read it."""
    qs = Article.objects.filter(visible=True, published_at__lte=timezone.now()).filter(
        title__has_key=language
    )
    if country:
        qs = qs.filter(Q(countries="") | Q(countries__icontains=country.upper()[:2]))
    else:
        qs = qs.filter(countries="")
    return qs.order_by("-published_at", "-pk")


def article_list_for(*, user, language: str | None = None) -> QuerySet[Article]:
    profile = accounts_selectors.profile_for(user=user)
    lang = (language or user.language or translation.get_language() or "en")[:2]
    return article_list(language=lang, country=str(profile.country or ""))


def article_get(*, article_id: int) -> Article | None:
    return Article.objects.filter(pk=article_id, visible=True).first()


# --- Staff ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingTranslation:
    kind: str
    pk: int
    name: str
    missing: list[str]


def missing_translations() -> list[MissingTranslation]:
    """Promotions, rewards and staff-written articles lacking a language (title or text)."""
    report = []
    sources = (
        ("promotion", Promotion.objects.filter(active=True).order_by("pk")),
        ("reward", Reward.objects.filter(active=True).order_by("pk")),
        ("article", Article.objects.filter(feed__isnull=True, visible=True).order_by("pk")),
    )
    for kind, qs in sources:
        for obj in qs:
            missing = [
                lang
                for lang in LANGUAGES
                if not (obj.title or {}).get(lang) or (obj.body and not obj.body.get(lang))
            ]
            if missing:
                report.append(MissingTranslation(kind, obj.pk, str(obj), missing))
    return report
