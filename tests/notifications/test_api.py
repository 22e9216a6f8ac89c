"""The notifications API: list (cursor pages, fixed query count), unread count, mark read,
preferences, push subscriptions and Telegram linking."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.notifications import services
from apps.notifications.models import (
    ChannelState,
    DeliverySettings,
    Notification,
    Preference,
    PushSubscription,
)
from tests.accounts.factories import UserFactory
from tests.notifications.conftest import kudos

pytestmark = pytest.mark.django_db


def test_the_list_is_newest_first_in_the_readers_language(token_client, recipient, actor):
    first = kudos(recipient, actor, activity_id=1, title="Long run")
    second = kudos(recipient, actor, activity_id=2, title="Intervals")
    kudos(recipient, UserFactory(display_name="Ann"), activity_id=2, title="Intervals")

    response = token_client(recipient).get("/api/v1/notifications/")

    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body["results"]] == [second.pk, first.pk]
    assert body["results"][0] == {
        "id": second.pk,
        "kind": "kudos",
        "text": "Ann und 1 weitere Person haben „Intervals“ Kudos gegeben.",
        "actor_count": 2,
        "url": "/activities/2/",
        "created": body["results"][0]["created"],
        "read": False,
    }
    assert body["next"] is None


def test_the_list_costs_the_same_queries_for_any_page_size(
    token_client, recipient, actor, django_assert_num_queries
):
    for i in range(25):
        kudos(recipient, actor, activity_id=i)
    client = token_client(recipient)
    client.get("/api/v1/notifications/unread-count/")  # warm the per-user consent cache
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/notifications/?page_size=2").json()["results"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/v1/notifications/?page_size=25").json()["results"]) == 25

    assert len(small) == len(large)
    with django_assert_num_queries(len(large)):
        client.get("/api/v1/notifications/?page_size=20")


def test_cursor_pages_walk_the_whole_list(token_client, recipient, actor):
    made = [kudos(recipient, actor, activity_id=i).pk for i in range(5)]
    client = token_client(recipient)

    seen, url = [], "/api/v1/notifications/?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]

    assert seen == list(reversed(made))


def test_unread_count_and_marking_read(token_client, recipient, actor):
    a = kudos(recipient, actor, activity_id=1)
    kudos(recipient, actor, activity_id=2)
    client = token_client(recipient)

    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread_count": 2}
    assert client.post(f"/api/v1/notifications/{a.pk}/read/").json() == {
        "marked": 1,
        "unread_count": 1,
    }
    assert client.post(f"/api/v1/notifications/{a.pk}/read/").status_code == 200  # idempotent
    assert client.post("/api/v1/notifications/read-all/").json() == {
        "marked": 1,
        "unread_count": 0,
    }
    assert Notification.objects.filter(user=recipient, read_at__isnull=True).count() == 0


def test_hidden_notifications_are_neither_listed_nor_counted(token_client, recipient, actor):
    services.preference_set(user=recipient, kind="kudos", channel="in_app", enabled=False)
    kudos(recipient, actor)
    client = token_client(recipient)

    assert client.get("/api/v1/notifications/").json()["results"] == []
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread_count": 0}


def test_preferences_show_defaults_and_save_changes(token_client, recipient):
    client = token_client(recipient)
    services.channel_disable(user=recipient, channel="telegram", reason="Telegram: blocked")

    body = client.get("/api/v1/notifications/preferences/").json()
    row = {(r["kind"], r["channel"]): r["enabled"] for r in body["preferences"]}
    assert row[("kudos", "email")] is True
    assert row[("announcement", "push")] is False
    assert body["digest"] == "off"
    assert body["time_zone"] == "UTC"
    assert body["disabled_channels"] == [
        {"channel": "telegram", "disabled_reason": "Telegram: blocked"}
    ]

    response = client.patch(
        "/api/v1/notifications/preferences/",
        {
            "preferences": [{"kind": "kudos", "channel": "email", "enabled": False}],
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "digest": "daily",
            "enable_channels": ["telegram"],
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["quiet_start"] == "22:00:00"
    assert response.json()["disabled_channels"] == []
    assert Preference.objects.get(user=recipient, kind="kudos", channel="email").enabled is False
    row = DeliverySettings.objects.get(user=recipient)
    assert (str(row.quiet_start), str(row.quiet_end), row.digest) == (
        "22:00:00",
        "07:00:00",
        "daily",
    )
    assert not ChannelState.objects.filter(user=recipient).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"preferences": [{"kind": "kudos", "channel": "fax", "enabled": True}]}, "preferences"),
        ({"quiet_start": "22:00"}, None),
        ({"digest": "hourly"}, "digest"),
    ],
)
def test_preferences_refuse_bad_input(token_client, recipient, body, field):
    response = token_client(recipient).patch(
        "/api/v1/notifications/preferences/", body, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    if field:
        assert field in response.json()["fields"]
    assert not Preference.objects.exists() and not DeliverySettings.objects.exists()


def test_an_unknown_kind_is_a_400(token_client, recipient):
    response = token_client(recipient).patch(
        "/api/v1/notifications/preferences/",
        {"preferences": [{"kind": "nope", "channel": "email", "enabled": True}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "NOTIFICATION_KIND_UNKNOWN"


def test_push_subscriptions_are_created_once_per_endpoint(token_client, recipient, settings):
    settings.WEBPUSH_VAPID_PUBLIC_KEY = "BPublic"
    client = token_client(recipient)
    body = {"endpoint": "https://push.example/abc", "keys": {"p256dh": "BKey", "auth": "sec"}}

    first = client.post("/api/v1/notifications/push-subscriptions/", body, format="json")
    again = client.post(
        "/api/v1/notifications/push-subscriptions/",
        {**body, "keys": {"p256dh": "BNew", "auth": "sec2"}},
        format="json",
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert PushSubscription.objects.get().p256dh == "BNew"
    listing = client.get("/api/v1/notifications/push-subscriptions/").json()
    assert listing["vapid_public_key"] == "BPublic"
    assert [s["endpoint"] for s in listing["results"]] == ["https://push.example/abc"]


def test_a_push_endpoint_must_be_https(token_client, recipient):
    response = token_client(recipient).post(
        "/api/v1/notifications/push-subscriptions/",
        {"endpoint": "http://127.0.0.1/x", "keys": {"p256dh": "B", "auth": "a"}},
        format="json",
    )
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()
