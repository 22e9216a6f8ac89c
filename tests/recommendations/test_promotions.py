"""Live promotions join the products recommendations of the people promos' targeting allows."""

import pytest
from django.utils.formats import date_format
from waffle.models import Flag

from apps.recommendations import promotions, selectors, services
from tests.accounts.factories import UserFactory
from tests.promos.factories import consent_personalisation, place, promotion, record

pytestmark = pytest.mark.django_db


def _products(user) -> dict[str, str]:
    return {r.key: r.reason for r in services.recommend(user=user, kind="products")["items"]}


def test_the_promotions_source_is_registered_at_start():
    assert promotions.promotion_candidates in selectors._sources["products"]


def test_an_eligible_person_gets_the_promotion_and_an_ineligible_one_does_not():
    offer = promotion("spring-de", countries=["DE"], languages=["en", "de"])
    german = UserFactory(language="de")
    place(german, "DE")
    french = UserFactory(language="fr")
    place(french, "FR")
    russian_in_germany = UserFactory(language="ru")
    place(russian_in_germany, "DE")

    recommended = _products(german)

    assert list(recommended) == [f"promotion:{offer.pk}"]
    until = date_format(offer.ends_at.date())
    assert (
        recommended[f"promotion:{offer.pk}"]
        == f"An offer for athletes where you live, until {until}."
    )
    assert _products(french) == {}
    assert _products(russian_in_germany) == {}  # a German/English-only offer


def test_a_promotion_built_on_training_data_needs_consent_to_personalisation():
    offer = promotion("big-week", segment="weekly_km", min_weekly_km=20)
    runner = UserFactory(language="en")
    place(runner, "DE")
    record(runner, km=25)
    key = f"promotion:{offer.pk}"

    assert key not in _products(runner)  # 25 km this week, but no consent: promos hides it

    consent_personalisation(runner)
    services.personal_data_erase(user_id=runner.pk)  # new generation: the cached list is gone
    assert _products(runner) == {key: "For runners who cover 20 km a week or more, like you."}

    slow = UserFactory(language="en")
    place(slow, "DE")
    consent_personalisation(slow)
    record(slow, km=5)
    assert key not in _products(slow)  # consented, but under the segment's 20 km


def test_an_ended_flagged_or_dismissed_promotion_is_not_recommended():
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    ended = promotion("ended", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1))
    flagged = promotion("flagged", waffle_flag="promo-beta")  # flag off for everyone
    Flag.objects.create(name="promo-beta", everyone=False)
    unknown = promotion("unknown-flag", waffle_flag="never-created")  # no such flag: hidden
    live = promotion("live")
    user = UserFactory(language="en")
    place(user, "DE")
    key = f"promotion:{live.pk}"

    recommended = _products(user)
    assert list(recommended) == [key]
    assert f"promotion:{ended.pk}" not in recommended
    assert f"promotion:{flagged.pk}" not in recommended
    assert f"promotion:{unknown.pk}" not in recommended

    services.feedback_record(user=user, kind="products", item=key, action="dismiss")
    assert _products(user) == {}
