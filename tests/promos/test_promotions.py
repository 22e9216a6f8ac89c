"""Targeting of promotions (place, language, window, segments, personal, flags), the
missing-translation report, and the exposures recorded for experiments."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from waffle.models import Flag

from apps.core import analytics
from apps.core.models import AnalyticsEvent
from apps.gear import services as gear_services
from apps.promos import selectors, services
from apps.promos.exceptions import PromotionNotFound
from apps.promos.models import Article, Coupon
from tests.accounts.factories import UserFactory
from tests.promos.factories import consent_personalisation, place, promotion, record, reward

pytestmark = pytest.mark.django_db


def _slugs(user, **kwargs) -> list[str]:
    return [p.slug for p in selectors.offers_for(user=user, **kwargs)]


def test_country_region_and_language(user):
    place(user, "DE", "BY", language="de")
    promotion("everywhere")
    promotion("germany", countries=["DE"])
    promotion("bavaria", countries=["DE"], regions=["DE-BY"])
    promotion("berlin", regions=["DE-BE"])
    promotion("french", languages=["fr"])
    promotion("german-speakers", languages=["de"])
    assert sorted(_slugs(user)) == ["bavaria", "everywhere", "german-speakers", "germany"]


def test_date_window_and_inactive(user):
    now = timezone.now()
    promotion("soon", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=5))
    promotion("over", starts_at=now - timedelta(days=5), ends_at=now - timedelta(seconds=1))
    promotion("off", active=False)
    promotion("on")
    assert _slugs(user) == ["on"]


def test_personal_promotion_is_for_one_person(user, other_user):
    promotion("just-you", user=user)
    assert _slugs(user) == ["just-you"]
    assert _slugs(other_user) == []


def test_new_users_segment(user):
    old = UserFactory(date_joined=timezone.now() - timedelta(days=90))
    promotion("welcome", segment="new_users", new_user_days=30)
    assert _slugs(user) == ["welcome"]
    assert _slugs(old) == []


def test_weekly_km_segment_needs_consent_and_the_kilometres(user):
    promotion("high-mileage", segment="weekly_km", min_weekly_km=30)
    record(user, km=20, minutes=110, days_ago=1)
    record(user, km=15, minutes=80, days_ago=2)
    record(user, km=50, minutes=280, days_ago=9)  # last week does not count
    assert _slugs(user) == []  # no consent to personal offers yet
    consent_personalisation(user)
    assert _slugs(user) == ["high-mileage"]
    consent_personalisation(user, granted=False)
    assert _slugs(user) == []


def test_worn_shoes_segment_matches_the_category(user):
    consent_personalisation(user)
    gear_services.gear_create(
        owner=user, custom_name="Old trail", category="trail_shoe", lifespan_km=600,
        start_distance_m=560_000,
    )  # fmt: skip
    promotion("road", segment="worn_shoes", categories=["road_shoe"])
    promotion("trail", segment="worn_shoes", categories=["trail_shoe"])
    promotion("any-shoe", segment="worn_shoes")
    assert sorted(_slugs(user)) == ["any-shoe", "trail"]


def test_group_segment_has_the_groups_members(user, other_user):
    from apps.groups import services as groups_services

    consent_personalisation(user)
    consent_personalisation(other_user)
    owner = type(user).objects.create_user(email="club-owner@example.com", password="x" * 12)
    club = groups_services.group_create(owner=owner, name="Club")
    promotion("club", segment="group", group_id=club.pk)
    assert _slugs(user) == []  # not a member yet
    groups_services.group_join(user=user, group=club)
    assert _slugs(user) == ["club"]
    assert _slugs(other_user) == []


def test_challenge_finishers_segment(user):
    from apps.challenges.models import Challenge, Participation

    consent_personalisation(user)
    today = timezone.now().date()
    challenge = Challenge.objects.create(
        slug="june", metric="distance", target=1000, start_date=today, end_date=today,
        title={"en": "June"},
    )  # fmt: skip
    promotion("finisher", segment="finishers", challenge=challenge)
    part = Participation.objects.create(challenge=challenge, user=user, joined_at=timezone.now())
    assert _slugs(user) == []
    Participation.objects.filter(pk=part.pk).update(completed_at=timezone.now())
    assert _slugs(user) == ["finisher"]


@pytest.mark.django_db(transaction=True)  # the tracker writes after a commit
def test_flag_gated_promotion_and_exposures(user, other_user):
    promotion("gated", waffle_flag="promos_gated", variant="B")
    promotion("open")
    assert _slugs(user) == ["open"]
    flag = Flag.objects.create(name="promos_gated", everyone=None)
    flag.users.add(user)
    offers = services.offers_show(user=user)
    assert sorted(p.slug for p in offers) == ["gated", "open"]
    assert [p.slug for p in services.offers_show(user=other_user)] == ["open"]
    analytics.flush()
    exposed = AnalyticsEvent.objects.filter(name="promotion_exposed", user_id=user.pk)
    assert sorted(
        (e.properties["promotion_id"], e.properties["variant"]) for e in exposed
    ) == sorted((p.pk, p.variant) for p in offers)


def test_claim_gives_one_personal_coupon(user, other_user):
    p = promotion("claimable", user=user)
    first = services.offer_claim(user=user, promotion_id=p.pk)
    assert services.offer_claim(user=user, promotion_id=p.pk) == first
    assert (first.user, first.total_limit, Coupon.objects.count()) == (user, 1, 1)
    with pytest.raises(PromotionNotFound):
        services.offer_claim(user=other_user, promotion_id=p.pk)


def test_translations_fall_back_to_english_and_are_reported():
    complete = promotion("complete")
    partial = promotion("partial", title={"en": "Only English"}, body={"en": "Text"})
    reward("mug", 10, title={"en": "Mug", "de": "Tasse"})
    with translation.override("ru"):
        assert complete.title_text == "complete предложение"
        assert partial.title_text == "Only English"
    report = {(m.kind, m.name): m.missing for m in selectors.missing_translations()}
    assert report == {("promotion", "partial"): ["ru", "de"], ("reward", "mug"): ["ru"]}


def test_news_by_language_and_country(user):
    place(user, "DE", language="de")
    now = timezone.now()
    Article.objects.create(title={"de": "Lauf-News"}, published_at=now)
    Article.objects.create(title={"de": "Nur Österreich"}, countries="AT", published_at=now)
    Article.objects.create(title={"de": "DACH"}, countries="AT,DE,CH", published_at=now)
    Article.objects.create(title={"ru": "Новости"}, published_at=now)
    Article.objects.create(title={"de": "Später"}, published_at=now + timedelta(days=1))
    titles = [a.title_text for a in selectors.article_list_for(user=user, language="de")]
    assert sorted(titles) == ["DACH", "Lauf-News"]


def test_gear_replacement_suggestions_carry_the_matching_offer(user):
    import json

    from apps.gear import selectors as gear_selectors
    from apps.gear.models import Product

    product = {
        "category": "road_shoe", "names": {"en": "Runner"}, "lifespan_km": 800,
        "offers": [{"region": "DE", "price": "120.00", "currency": "EUR", "available": True}],
    }  # fmt: skip
    gear_services.catalog_import(
        content=json.dumps({"products": [
            {**product, "sku": "OLD", "brand": "Asics"},
            {**product, "sku": "NEW", "brand": "Hoka"},
        ]}).encode(),
        source="json",
        full=False,
    )  # fmt: skip
    place(user, "DE")
    shoes = gear_services.gear_create(owner=user, product_id=Product.objects.get(sku="OLD").pk)
    offer = promotion("hoka-week", value=15)
    offer.brands.add(Product.objects.get(sku="NEW").brand)
    promotion("bikes", categories=["bike"])
    found = gear_selectors.replacement_suggestions(user=user, gear=shoes)
    assert [(s.name, s.promotion) for s in found] == [
        (
            "Runner",
            {"id": offer.pk, "title": "hoka-week offer", "kind": "percent",
             "value": "15.00", "currency": ""},
        )
    ]  # fmt: skip
