"""The notification pages, the menu badge and the unsubscribe pages."""

import re

import pytest

from apps.notifications import services
from apps.notifications.models import DeliverySettings, Preference
from apps.notifications.senders import unsubscribe_token
from tests.notifications.conftest import kudos

pytestmark = pytest.mark.django_db


def test_the_page_lists_notifications_escaped_with_the_unread_badge(client, recipient, actor):
    kudos(recipient, actor)
    client.force_login(recipient)

    response = client.get("/notifications/", headers={"accept-language": "de"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bob &lt;b&gt;Builder&lt;/b&gt; hat „Morning run“ Kudos gegeben." in html
    assert '<span id="notifications-badge" class="badge" aria-live="polite">1</span>' in html
    assert "js/notifications.js" in html
    assert "<script>" not in html  # no inline scripts under the CSP


def test_marking_all_read_from_the_page(client, recipient, actor):
    kudos(recipient, actor)
    client.force_login(recipient)

    response = client.post("/notifications/read-all/")

    assert response.status_code == 302
    html = client.get("/notifications/").content.decode()
    assert 'class="badge hidden"' in html


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_preferences_page_saves_the_matrix_and_the_digest(client, recipient):
    client.force_login(recipient)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200
    assert 'name="kudos:email" checked' in page.content.decode()

    # Keep every box the page shows ticked (each app's kinds, as they come) except two.
    ticked = set(re.findall(r'name="([a-z_]+:[a-z_]+)" checked', page.content.decode()))
    assert {"kudos:in_app", "kudos:email", "announcement:email"} <= ticked
    checked = {
        **{name: "on" for name in ticked - {"kudos:email", "kudos:telegram"}},
        "digest": "weekly",
        "quiet_start": "22:30",
        "quiet_end": "06:45",
    }
    response = client.post("/notifications/preferences/", checked)

    assert response.status_code == 302
    assert sorted(
        Preference.objects.filter(user=recipient).values_list("kind", "channel", "enabled")
    ) == [("kudos", "email", False), ("kudos", "telegram", False)]
    row = DeliverySettings.objects.get(user=recipient)
    assert (row.digest, str(row.quiet_start), str(row.quiet_end)) == (
        "weekly",
        "22:30:00",
        "06:45:00",
    )
    assert 'value="22:30"' in client.get("/notifications/preferences/").content.decode()


def test_the_unsubscribe_confirmation_page(client, recipient):
    token = unsubscribe_token(user_id=recipient.pk, kind="announcement")

    page = client.get(f"/notifications/unsubscribe/{token}/", headers={"accept-language": "ru"})

    assert page.status_code == 200
    assert "Больше не присылать письма о «Новости и предложения Stride»?" in page.content.decode()
    assert not Preference.objects.exists()


def test_the_service_worker_is_served_as_javascript(client):
    response = client.get("/notifications/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert b"showNotification" in b"".join(response.streaming_content)


def test_reading_does_not_leak_across_users(client, recipient, actor, other_user):
    notification = kudos(recipient, actor)
    assert services.notification_mark_read(user=other_user, notification_id=notification.pk) is (
        False
    )
    notification.refresh_from_db()
    assert notification.read_at is None


def test_demo_notifications_are_seeded_once():
    from django.core.management import call_command

    from apps.notifications.models import Notification

    call_command("seed_demo")
    call_command("seed_demo")

    # (seed_demo's gear part adds a gear_worn notification, see tests/gear, and its community
    # part real follows and kudos, see tests/groups: only this demo's own burst counts here)
    rows = list(
        Notification.objects.exclude(kind="gear_worn")
        .filter(collapse_key="demo:sunday-long-run")
        .values_list("user__email", "kind", "actor_count")
    )
    assert len(rows) == 3  # the three demo members, not the admin
    assert {(kind, count) for _email, kind, count in rows} == {("kudos", 3)}


def test_the_data_export_part_holds_what_notifications_keeps(recipient, actor):
    from apps.core.personal_data import exporters
    from tests.notifications.conftest import link_telegram

    kudos(recipient, actor)
    services.preference_set(user=recipient, kind="kudos", channel="email", enabled=False)
    link = link_telegram(recipient, chat_id=1)
    link.username = "lena_runs"
    link.save()

    data = exporters()["notifications"](recipient.pk).data

    assert [(n["kind"], n["context"]["actor_name"]) for n in data["notifications"]] == [
        ("kudos", "Bob <b>Builder</b>")
    ]
    assert data["preferences"] == [{"kind": "kudos", "channel": "email", "enabled": False}]
    assert data["telegram"]["username"] == "lena_runs"
    assert data["push_subscriptions"] == [] and data["delivery_settings"] is None
