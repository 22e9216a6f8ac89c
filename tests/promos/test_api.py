"""The promos API: offers, wallet, points, rewards and redemption, news; exact payloads,
errors in the common shape, idempotent redemption, query counts that do not grow."""

import pytest
from django.utils import timezone

from apps.promos import services
from apps.promos.models import Article, PointsEntry
from tests.promos.factories import place, promotion, reward

pytestmark = pytest.mark.django_db


def test_points_balance_and_history(token_client, user, other_user):
    services.points_adjust(user=user, points=40, reason="welcome", actor=other_user)
    services.points_adjust(user=user, points=-15, reason="typo", actor=other_user)
    client = token_client(user)
    assert client.get("/api/v1/promos/points/").json() == {"balance": 25}
    body = client.get("/api/v1/promos/points/history/").json()
    assert [(r["points"], r["source"], r["note"]) for r in body["results"]] == [
        (-15, "adjustment", "typo"),
        (40, "adjustment", "welcome"),
    ]
    assert set(body["results"][0]) == {
        "id", "points", "source", "source_label", "note", "day", "created",
    }  # fmt: skip


def test_offers_and_claim(token_client, user):
    place(user, "DE", language="de")
    offer = promotion("de-only", countries=["DE"], value=20)
    promotion("ru-only", countries=["RU"])
    client = token_client(user)
    body = client.get("/api/v1/promos/offers/", HTTP_ACCEPT_LANGUAGE="de").json()
    assert [(o["slug"], o["title"], o["value"]) for o in body["results"]] == [
        ("de-only", "de-only Angebot", "20.00")
    ]
    claimed = client.post(f"/api/v1/promos/offers/{offer.pk}/claim/")
    assert claimed.status_code == 201
    again = client.post(f"/api/v1/promos/offers/{offer.pk}/claim/")
    assert again.json()["code"] == claimed.json()["code"]
    wallet = client.get("/api/v1/promos/coupons/").json()["results"]
    assert [(c["code"], c["uses_left"], c["promotion"]["slug"]) for c in wallet] == [
        (claimed.json()["code"], 1, "de-only")
    ]
    missing = client.post("/api/v1/promos/offers/999999/claim/")
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")


def test_redeem_is_idempotent_and_refuses_overdraft(token_client, user, other_user):
    services.points_adjust(user=user, points=100, reason="gift", actor=other_user)
    socks = reward("socks", 60)
    client = token_client(user)
    url = f"/api/v1/promos/rewards/{socks.pk}/redeem/"
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="r-1")
    replay = client.post(url, HTTP_IDEMPOTENCY_KEY="r-1")
    assert (first.status_code, replay.status_code) == (201, 201)
    assert first.json() == replay.json()
    assert first.json()["points"] == 60 and first.json()["reward"]["slug"] == "socks"
    second = client.post(url, HTTP_IDEMPOTENCY_KEY="r-2")
    assert (second.status_code, second.json()["code"]) == (409, "POINTS_NOT_ENOUGH")
    assert client.get("/api/v1/promos/points/").json() == {"balance": 40}
    assert PointsEntry.objects.filter(user=user, source="redemption").count() == 1
    gone = client.post("/api/v1/promos/rewards/999999/redeem/", HTTP_IDEMPOTENCY_KEY="r-3")
    assert (gone.status_code, gone.json()["code"]) == (404, "NOT_FOUND")
    mine = client.get("/api/v1/promos/redemptions/").json()["results"]
    assert [(r["reward"]["slug"], r["points"], r["coupon_code"]) for r in mine] == [
        ("socks", 60, None)
    ]


def test_news_in_the_readers_language(token_client, user):
    place(user, "DE")
    now = timezone.now()
    Article.objects.create(title={"de": "Hallo", "en": "Hello"}, body={"de": "<p>x</p>"},
                           published_at=now)  # fmt: skip
    Article.objects.create(title={"ru": "Привет"}, published_at=now)
    client = token_client(user)
    de = client.get("/api/v1/promos/news/", HTTP_ACCEPT_LANGUAGE="de").json()["results"]
    assert [(a["title"], a["body_html"]) for a in de] == [("Hallo", "<p>x</p>")]
    ru = client.get("/api/v1/promos/news/", HTTP_ACCEPT_LANGUAGE="ru").json()["results"]
    assert [a["title"] for a in ru] == ["Привет"]


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("coupons/", "coupons"),
        ("points/history/", "entries"),
        ("rewards/", "rewards"),
        ("offers/", "offers"),
        ("news/", "articles"),
        ("redemptions/", "redemptions"),
    ],
)
def test_list_query_counts_do_not_grow(
    token_client, user, other_user, django_assert_max_num_queries, path, make
):
    client = token_client(user)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            if make == "coupons":
                services.coupon_issue(user=user, promotion=promotion(f"p{i}"), key=f"k{i}")
            elif make == "entries":
                services.points_adjust(user=user, points=i + 1, reason="r", actor=other_user)
            elif make == "rewards":
                reward(f"r{i}", 0)
            elif make == "offers":
                promotion(f"o{i}")
            elif make == "articles":
                Article.objects.create(title={"en": f"a{i}"}, published_at=timezone.now())
            else:
                services.reward_redeem(user=user, reward_id=reward(f"x{i}", 0).pk, key=f"k{i}")

    add(2, 0)
    client.get(f"/api/v1/promos/{path}")  # warm caches (session, waffle)
    with django_assert_max_num_queries(30) as few:
        client.get(f"/api/v1/promos/{path}")
    add(15, 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/api/v1/promos/{path}")
    assert len(response.json()["results"]) == 17
