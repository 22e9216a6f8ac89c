"""Demo loyalty rules, points for the demo runners' recent workouts, promotions (a German one
for worn road shoes in Germany, a Russian one, a welcome offer, a flag-gated one, and a
promotion experiment: 10 % off shoes for the control, 20 % for the other half), coupons,
rewards and articles in English, Russian and German. The demo runners open their offers once
(the experiment's exposures) and two of them claim theirs (its conversions), so the admin's
results page has real rows. Idempotent (natural keys)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.accounts import selectors as accounts_selectors
from apps.accounts import services as accounts_services
from apps.core import analytics, demo
from apps.experiments import selectors as experiment_selectors
from apps.experiments import services as experiment_services
from apps.partners import services as partner_services
from apps.partners.models import Partner
from apps.promos import selectors, services
from apps.promos.models import Article, EarningRule, Promotion, Reward
from apps.training import selectors as training_selectors

RULES = [
    # name, kind, points, daily cap, extra
    ("Kilometres", "per_km", 2, 100, {}),
    ("Workouts", "per_workout", 10, 30, {"min_distance_m": 0}),
    ("Seven days in a row", "streak", 70, None, {"streak_days": 7}),
    ("Challenge finished", "challenge", 100, None, {}),
    ("Shop orders (a point per euro)", "order", 1, 500, {}),
]

PROMOTIONS = {
    "de-worn-road-shoes": {
        "kind": "percent",
        "value": 20,
        "title": {
            "de": "20 % auf neue Laufschuhe",
            "en": "20 % off new road shoes",
            "ru": "Скидка 20 % на новые беговые кроссовки",
        },
        "body": {
            "de": "Deine Schuhe haben über 90 % ihrer Laufleistung hinter sich. Zeit für ein "
            "neues Paar.",
            "en": "Your shoes are over 90 % worn. Time for a new pair.",
            "ru": "Ваши кроссовки изношены больше чем на 90 %. Пора за новой парой.",
        },
        "countries": ["DE"],
        "languages": ["de"],
        "segment": "worn_shoes",
        "categories": ["road_shoe"],
    },
    "ru-spring-run": {
        "kind": "fixed",
        "value": 1000,
        "currency": "RUB",
        "title": {
            "ru": "1000 ₽ на весеннюю экипировку",
            "en": "1000 RUB off spring running kit",
            "de": "1000 RUB Rabatt auf Frühlings-Laufausrüstung",
        },
        "body": {
            "ru": "Для бегунов в России.",
            "en": "For runners in Russia.",
            "de": "Für Läuferinnen und Läufer in Russland.",
        },
        "countries": ["RU"],
        "languages": ["ru"],
    },
    "welcome": {
        "kind": "fixed",
        "value": 10,
        "currency": "EUR",
        "title": {
            "en": "10 EUR off your first order",
            "ru": "10 EUR на первый заказ",
            "de": "10 EUR auf deine erste Bestellung",
        },
        "body": {
            "en": "Welcome to Stride.",
            "ru": "Добро пожаловать в Stride.",
            "de": "Willkommen bei Stride.",
        },
    },
    "trail-gift": {
        "kind": "gift",
        "title": {
            "en": "A free trail bottle with trail shoes",
            "ru": "Бутылка для трейла в подарок к кроссовкам",
            "de": "Eine Trinkflasche gratis zu Trailschuhen",
        },
        "body": {
            "en": "Buy trail shoes and get a bottle.",
            "ru": "Купите кроссовки для трейла и получите бутылку.",
            "de": "Kaufe Trailschuhe und erhalte eine Flasche.",
        },
        "categories": ["trail_shoe"],
        "waffle_flag": "promos_trail_gift",
        "variant": "gift",
    },
}

EXPERIMENT = "promo-shoe-discount"  # variants: "control" (10 % off) and "bigger" (20 % off)
EXPERIMENT_PROMOTIONS = {
    "shoe-discount-10": {
        "kind": "percent",
        "value": 10,
        "title": {
            "en": "10 % off running shoes",
            "ru": "Скидка 10 % на беговые кроссовки",
            "de": "10 % auf Laufschuhe",
        },
        "body": {
            "en": "This month in the Stride shop.",
            "ru": "В этом месяце в магазине Stride.",
            "de": "Diesen Monat im Stride-Shop.",
        },
        "categories": ["road_shoe", "trail_shoe"],
        "experiment": EXPERIMENT,
        "variant": "control",
    },
    "shoe-discount-20": {
        "kind": "percent",
        "value": 20,
        "title": {
            "en": "20 % off running shoes",
            "ru": "Скидка 20 % на беговые кроссовки",
            "de": "20 % auf Laufschuhe",
        },
        "body": {
            "en": "This month in the Stride shop.",
            "ru": "В этом месяце в магазине Stride.",
            "de": "Diesen Monat im Stride-Shop.",
        },
        "categories": ["road_shoe", "trail_shoe"],
        "experiment": EXPERIMENT,
        "variant": "bigger",
    },
}
# Who of the demo runners takes the shoe offer they are shown.
EXPERIMENT_CLAIMERS = ("anna@stride.local", "ivan@stride.local")

ARTICLES = [
    (
        {
            "en": "How to tell your running shoes are worn out",
            "ru": "Как понять, что кроссовки изношены",
            "de": "Woran du erkennst, dass deine Laufschuhe durch sind",
        },
        {
            "en": "<p>Most road shoes last 600 to 800 km. Stride counts them for you.</p>",
            "ru": "<p>Большинство беговых кроссовок служат 600–800 км. Stride считает за вас.</p>",
            "de": "<p>Die meisten Laufschuhe halten 600 bis 800 km. Stride zählt für dich mit.</p>",
        },
        "",
    ),
    (
        {
            "de": "Berlin-Marathon: Startplätze für Stride-Mitglieder",
            "en": "Berlin Marathon: places for Stride members",
            "ru": "Берлинский марафон: слоты для участников Stride",
        },
        {
            "de": "<p>Nur in Deutschland.</p>",
            "en": "<p>Germany only.</p>",
            "ru": "<p>Только в Германии.</p>",
        },
        "DE",
    ),
    (
        {
            "ru": "Белые ночи: забег в Санкт-Петербурге",
            "en": "White Nights run in St Petersburg",
            "de": "Weiße Nächte: Lauf in Sankt Petersburg",
        },
        {
            "ru": "<p>Только в России.</p>",
            "en": "<p>Russia only.</p>",
            "de": "<p>Nur in Russland.</p>",
        },
        "RU",
    ),
]


@demo.register(order=80)
def seed_promos() -> list[str]:
    now = timezone.now()
    for name, kind, points, cap, extra in RULES:
        EarningRule.objects.get_or_create(
            name=name, defaults={"kind": kind, "points": points, "daily_cap": cap, **extra}
        )
    promotions = {}
    for slug, fields in PROMOTIONS.items():
        promotions[slug], _ = Promotion.objects.get_or_create(
            slug=slug,
            defaults={
                "starts_at": now - timedelta(days=1),
                "ends_at": now + timedelta(days=90),
                **fields,
            },
        )
    services.coupon_create_shared(
        promotion=promotions["welcome"], code="WELCOME10", total_limit=1000, per_user_limit=1
    )
    Reward.objects.get_or_create(
        slug="five-euro-coupon",
        defaults={
            "kind": "coupon",
            "cost": 300,
            "promotion": promotions["welcome"],
            "title": {
                "en": "A 10 EUR coupon",
                "ru": "Купон на 10 EUR",
                "de": "Ein 10-EUR-Gutschein",
            },
        },
    )
    Reward.objects.get_or_create(
        slug="stride-socks",
        defaults={
            "kind": "goods",
            "cost": 800,
            "stock": 50,
            "title": {
                "en": "Stride running socks",
                "ru": "Беговые носки Stride",
                "de": "Stride-Laufsocken",
            },
        },
    )
    for number, (title, body, countries) in enumerate(ARTICLES, start=1):
        Article.objects.get_or_create(
            feed=None,
            guid=f"demo-{number}",
            defaults={
                "title": title,
                "body": body,
                "countries": countries,
                "published_at": now - timedelta(hours=2),
            },
        )
    lines = [f"promos: {len(PROMOTIONS)} promotions, WELCOME10 coupon, 2 rewards, articles"]
    users = get_user_model().objects.filter(
        email__in=["anna@stride.local", "ivan@stride.local", "maya@stride.local"]
    )
    admin = get_user_model().objects.filter(email="admin@stride.local").first()
    for user in users:
        # The demo runners agree to personal offers (segments read their training and gear).
        if "personalisation" in accounts_selectors.consent_documents_current() and not (
            accounts_selectors.consent_given(user=user, kind="personalisation")
        ):
            accounts_services.consent_record(user=user, decisions={"personalisation": True})
        recent = training_selectors.activity_list(owner=user).filter(
            start_time__gte=now - timedelta(days=30)
        )
        for activity_id in recent.values_list("pk", flat=True)[:60]:
            services.points_earn_for_activity(activity_id=activity_id, owner_id=user.pk)
        if admin is not None:
            services.points_adjust(
                user=user,
                points=250,
                reason="Welcome to Stride loyalty",
                actor=admin,
                key="demo-welcome",
            )
        lines.append(f"{user.email}: {selectors.points_balance(user=user)} points")
    lines.append(_seed_shop())
    return lines


@demo.register(order=81)
def seed_promotion_experiment() -> list[str]:
    """Runs after `seed_promos` (the demo runners' consents and points are there)."""
    now = timezone.now()
    experiment_services.experiment_ensure(
        key=EXPERIMENT,
        name="Promotion: 20 % off shoes against 10 % off",
        variants=[("control", 50), ("bigger", 50)],
    )
    for slug, fields in EXPERIMENT_PROMOTIONS.items():
        Promotion.objects.get_or_create(
            slug=slug,
            defaults={
                "starts_at": now - timedelta(days=1),
                "ends_at": now + timedelta(days=90),
                **fields,
            },
        )
    lines = []
    users = get_user_model().objects.filter(
        email__in=["anna@stride.local", "ivan@stride.local", "maya@stride.local"]
    )
    for user in users.order_by("email"):
        variant = experiment_selectors.assigned_variant(experiment_key=EXPERIMENT, user_id=user.pk)
        if variant is None:  # first run: they open their offers (the exposure)
            services.offers_show(user=user)
            variant = experiment_selectors.assigned_variant(
                experiment_key=EXPERIMENT, user_id=user.pk
            )
        claimed = ""
        if user.email in EXPERIMENT_CLAIMERS:
            shown = selectors.offers_for(
                user=user,
                flag_check=services.flag_check_for(user=user),
                variants=services.variants_for(user=user, expose=False),  # assigned already
            )
            for promotion in shown:
                if promotion.experiment == EXPERIMENT:  # the arm they see: they take it
                    services.offer_claim(user=user, promotion_id=promotion.pk)
                    claimed = promotion.slug
        lines.append(f"{EXPERIMENT}: {user.email} in {variant}, claimed: {claimed or '-'}")
    analytics.flush()  # the exposures, written when the demo transaction commits
    return lines


SHOP_NAME = "Demo Shop"
SHOP_OWNER = "anna@stride.local"


def _seed_shop() -> str:
    """A sandbox shop partner owned by Anna (no new people: Anna is its sandbox athlete)."""
    owner = get_user_model().objects.filter(email=SHOP_OWNER).first()
    if owner is None:
        return "shop: no demo owner"
    partner = Partner.objects.filter(name=SHOP_NAME, owners=owner).first()
    if partner is None:
        partner, _credentials = partner_services.partner_create(
            owner=owner, name=SHOP_NAME, redirect_uris="http://127.0.0.1:8000/oauth/callback"
        )
    if not partner.is_shop:
        partner_services.partner_shop_secret_rotate(partner=partner)
    return (
        f"shop: {SHOP_NAME} (partner {partner.pk}, sandbox client id "
        f"{partner.sandbox_application.client_id}); for its client secret and shop signing "
        f"secret run `manage.py shop_credentials {partner.pk}` (docs/partners.md, Shops)"
    )
