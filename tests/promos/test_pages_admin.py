"""Pages in every language, the dashboard's news, and the admin: ledger read-only, staff
adjustment with its audit trail, the missing-translation report."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.utils import timezone

from apps.promos import services
from apps.promos.models import Article, PointsEntry
from tests.accounts.factories import UserFactory
from tests.promos.factories import place, promotion, reward

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["en", "ru", "de"])
def test_pages_render_in_every_language(language):
    user = UserFactory(language=language)
    place(user, "DE")
    staff = UserFactory()
    services.points_adjust(user=user, points=500, reason="<b>bonus</b>", actor=staff)
    offer = promotion("everyone")
    socks = reward("socks", 100)
    Article.objects.create(
        title={language: "Headline <i>x</i>"}, body={language: "<p>Body</p>"},
        published_at=timezone.now(),
    )  # fmt: skip
    client = _client(user)
    client.cookies["django_language"] = language
    for url, expected in (
        ("/promos/", offer.title[language]),
        ("/promos/points/", "&lt;b&gt;bonus&lt;/b&gt;"),  # user text escaped
        ("/promos/rewards/", socks.title_text),
        ("/promos/news/", "<p>Body</p>"),
        ("/dashboard/", "Headline &lt;i&gt;x&lt;/i&gt;"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert expected in response.content.decode(), url


def test_claim_and_redeem_through_the_pages(user, other_user):
    services.points_adjust(user=user, points=150, reason="gift", actor=other_user)
    offer = promotion("personal", user=user)
    socks = reward("socks", 100)
    client = _client(user)
    response = client.post(f"/promos/offers/{offer.pk}/claim/", follow=True)
    assert "Your coupon code" in response.content.decode()
    response = client.post(f"/promos/rewards/{socks.pk}/redeem/", {"key": "p1"}, follow=True)
    assert "Redeemed." in response.content.decode()
    client.post(f"/promos/rewards/{socks.pk}/redeem/", {"key": "p1"})  # a double submit
    response = client.post(f"/promos/rewards/{socks.pk}/redeem/", {"key": "p2"}, follow=True)
    assert "You do not have enough points" in response.content.decode()
    assert PointsEntry.objects.filter(user=user, source="redemption").count() == 1
    assert _client(other_user).post(f"/promos/offers/{offer.pk}/claim/").status_code == 302


def test_pages_need_a_sign_in():
    assert Client().get("/promos/points/").status_code == 302


def _staff() -> Client:
    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    client = _client(staff)
    client.staff = staff
    return client


def test_staff_adjustment_lands_in_the_ledger_with_who_and_why(user):
    client = _staff()
    response = client.post(
        "/admin/promos/pointsaccount/adjust/",
        {"user_email": user.email, "points": 30, "reason": "Volunteered at the race"},
    )
    assert response.status_code == 302
    entry = PointsEntry.objects.get(user=user)
    assert (entry.points, entry.note, entry.actor) == (30, "Volunteered at the race", client.staff)
    bad = client.post(
        "/admin/promos/pointsaccount/adjust/",
        {"user_email": user.email, "points": -100, "reason": "oops"},
    )
    assert bad.status_code == 200 and "You do not have enough points" in bad.content.decode()
    # The ledger is read-only in the admin.
    assert client.get(f"/admin/promos/pointsentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/promos/pointsentry/").status_code == 200


def test_missing_translation_report():
    promotion("half", title={"en": "Only English"}, body={})
    client = _staff()
    body = client.get("/admin/promos/promotion/missing-translations/").content.decode()
    assert "half" in body and "ru, de" in body
    assert client.get("/admin/promos/promotion/").status_code == 200
    members = _client(UserFactory())
    assert members.get("/admin/promos/promotion/missing-translations/").status_code == 302
