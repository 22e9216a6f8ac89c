"""Announcing a promotion: a marketing notification to its audience only, e-mail only with
marketing consent, never against a person's preferences, once per person."""

import pytest

from apps.accounts import services as accounts_services
from apps.accounts.models import ConsentDocument
from apps.notifications import services as notifications
from apps.notifications.models import Delivery, Notification
from apps.promos import services
from tests.accounts.factories import UserFactory
from tests.promos.factories import committed, place, promotion

pytestmark = pytest.mark.django_db


def _marketing(user, granted: bool) -> None:
    document = ConsentDocument.objects.filter(kind="marketing").first()
    if document is None:
        document = ConsentDocument.objects.create(kind="marketing", version=1, title="M", body="M")
        with committed():
            accounts_services.consent_document_publish(document=document)
    accounts_services.consent_record(user=user, decisions={"marketing": granted})


def test_audience_consent_and_preferences_are_obeyed():
    p = promotion("de-sale", countries=["DE"], announce=True)
    agreed, refused, muted, elsewhere = (UserFactory() for _ in range(4))
    for user in (agreed, refused, muted):
        place(user, "DE")
    place(elsewhere, "FR")
    _marketing(agreed, True)
    _marketing(refused, False)
    _marketing(muted, True)
    notifications.preference_set(user=muted, kind="promotion_new", channel="in_app", enabled=False)
    notifications.preference_set(user=muted, kind="promotion_new", channel="email", enabled=False)

    with committed():
        assert services.promotion_announce(promotion_id=p.pk) == 2
    assert services.promotion_announce(promotion_id=p.pk) == 0  # a repeated task sends nothing

    notes = Notification.objects.filter(kind="promotion_new")
    assert sorted(notes.values_list("user_id", flat=True)) == sorted([agreed.pk, refused.pk])
    assert notes.get(user=agreed).context == {"promotion_id": p.pk, "title": "de-sale offer"}
    channels = set(Delivery.objects.values_list("notification__user_id", "channel"))
    assert (agreed.pk, "email") in channels
    assert (refused.pk, "email") not in channels  # no marketing consent: in the app only
    assert (refused.pk, "in_app") in channels


def test_only_promotions_marked_for_announcement():
    p = promotion("quiet")
    place(UserFactory(), "DE")
    assert services.promotion_announce(promotion_id=p.pk) == 0
    assert not Notification.objects.exists()
