"""notify(): one entry point, each channel in the recipient's language, only where allowed,
collapsing, quiet hours, marketing consent, and sending at most once under retries."""

import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts import services as account_services
from apps.notifications import services
from apps.notifications.exceptions import UnknownKind
from apps.notifications.models import ChannelState, Delivery, Notification, Preference
from apps.notifications.tasks import delivery_send_task
from tests.accounts.consents import agree_to_all, publish_documents
from tests.notifications.conftest import BOT_TOKEN, kudos, link_telegram

pytestmark = pytest.mark.django_db


def _statuses(notification):
    return dict(Delivery.objects.filter(notification=notification).values_list("channel", "status"))


def test_kudos_reaches_every_allowed_channel_in_the_recipients_language(
    recipient, actor, bot_api, django_capture_on_commit_callbacks
):
    link_telegram(recipient, chat_id=4242)

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    assert notification.visible is True
    assert _statuses(notification) == {"in_app": "sent", "email": "sent", "telegram": "sent"}
    (email,) = mail.outbox
    assert email.to == [recipient.email]
    assert email.subject == "Neue Kudos für „Morning run“"
    assert "Bob <b>Builder</b> hat „Morning run“ Kudos gegeben." in email.body
    html = email.alternatives[0][0]
    assert "Bob &lt;b&gt;Builder&lt;/b&gt;" in html and "<b>Builder" not in html
    assert "List-Unsubscribe" in email.extra_headers
    assert bot_api.sent == [
        {"chat_id": 4242, "text": "Bob <b>Builder</b> hat „Morning run“ Kudos gegeben."}
    ]


def test_only_the_channels_the_person_allows(
    recipient, actor, bot_api, django_capture_on_commit_callbacks
):
    link_telegram(recipient, chat_id=4242)
    services.preference_set(user=recipient, kind="kudos", channel="email", enabled=False)
    services.preference_set(user=recipient, kind="kudos", channel="telegram", enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    assert _statuses(notification) == {"in_app": "sent"}
    assert mail.outbox == []
    assert bot_api.sent == []


def test_in_app_off_keeps_it_out_of_the_list_but_other_channels_go(
    recipient, actor, django_capture_on_commit_callbacks
):
    services.preference_set(user=recipient, kind="kudos", channel="in_app", enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    assert notification.visible is False
    assert _statuses(notification) == {"email": "sent"}
    assert len(mail.outbox) == 1


def test_everything_off_stores_nothing(recipient, actor):
    for channel in ("in_app", "email", "push", "telegram"):
        services.preference_set(user=recipient, kind="kudos", channel=channel, enabled=False)

    assert kudos(recipient, actor) is None
    assert Notification.objects.count() == 0


def test_an_unknown_kind_is_refused(recipient):
    with pytest.raises(UnknownKind):
        services.notify(recipient, "no_such_kind", {})


def test_nothing_leaves_when_the_callers_transaction_rolls_back(
    recipient, actor, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                kudos(recipient, actor)
                raise RuntimeError("the caller failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_burst_collapses_into_one_notification_and_one_email(
    recipient, django_capture_on_commit_callbacks
):
    from tests.accounts.factories import UserFactory

    fans = [UserFactory(display_name=f"Fan {i}") for i in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        for fan in fans:
            kudos(recipient, fan)

    (notification,) = Notification.objects.filter(user=recipient)
    assert notification.actor_count == 12
    from apps.notifications.rendering import in_app_text

    assert in_app_text(notification, recipient, language="en") == (
        "Fan 11 and 11 other people gave kudos to “Morning run”."
    )
    assert in_app_text(notification, recipient, language="ru") == (
        "Кудос от Fan 11 и ещё 11 человек за «Morning run»."
    )
    # The e-mail waited (collapse delay) and went out once, with the final count.
    assert [m.subject for m in mail.outbox] == ["12 Kudos für „Morning run“"]
    assert Delivery.objects.filter(notification=notification, channel="email").count() == 1


def test_after_reading_a_new_burst_is_a_new_notification(recipient, actor):
    first = kudos(recipient, actor)
    services.notification_mark_read(user=recipient, notification_id=first.pk)

    second = kudos(recipient, actor)

    assert second.pk != first.pk
    assert second.actor_count == 1


def test_kudos_on_another_activity_does_not_collapse(recipient, actor):
    a = kudos(recipient, actor, activity_id=1)
    b = kudos(recipient, actor, activity_id=2)
    assert a.pk != b.pk


# --- sending at most once ---------------------------------------------------------------------
def test_a_transient_failure_is_retried_and_sent_exactly_once(
    recipient, actor, bot_api, django_capture_on_commit_callbacks
):
    link_telegram(recipient, chat_id=99)
    services.preference_set(user=recipient, kind="kudos", channel="email", enabled=False)
    bot_api.fail_next(502, "Bad Gateway")

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    delivery = Delivery.objects.get(notification=notification, channel="telegram")
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(bot_api.sent) == 2  # the failed call and the retry
    assert [r.get("chat_id") for r in bot_api.sent] == [99, 99]

    # The broker redelivers the task (acks_late) and someone retries it by hand: nothing more.
    delivery_send_task.apply(kwargs={"delivery_id": delivery.pk})
    delivery_send_task.apply(kwargs={"delivery_id": delivery.pk})

    assert len(bot_api.sent) == 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_a_redelivered_email_task_sends_nothing_twice(
    recipient, actor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)
    delivery = Delivery.objects.get(notification=notification, channel="email")

    for _ in range(3):
        delivery_send_task.apply(kwargs={"delivery_id": delivery.pk})

    assert len(mail.outbox) == 1


def test_a_task_that_finds_its_row_claimed_does_not_send(recipient, actor):
    notification = kudos(recipient, actor)  # callbacks not run: the tasks never started
    delivery = Delivery.objects.get(notification=notification, channel="email")
    Delivery.objects.filter(pk=delivery.pk).update(status="sending")  # another worker has it

    assert services.delivery_send(delivery_id=delivery.pk) == "sending"
    assert mail.outbox == []


def test_a_blocked_bot_turns_telegram_off_with_the_reason(
    recipient, actor, bot_api, django_capture_on_commit_callbacks, caplog
):
    link_telegram(recipient, chat_id=5)
    bot_api.fail_next(403, "Forbidden: bot was blocked by the user")

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    delivery = Delivery.objects.get(notification=notification, channel="telegram")
    assert (delivery.status, delivery.error) == (
        "failed",
        "Telegram: Forbidden: bot was blocked by the user",
    )
    state = ChannelState.objects.get(user=recipient)
    assert (state.channel, state.disabled_reason) == ("telegram", delivery.error)
    assert BOT_TOKEN not in caplog.text

    with django_capture_on_commit_callbacks(execute=True):
        later = kudos(recipient, actor, activity_id=8)
    assert "telegram" not in _statuses(later)


def test_an_unreachable_bot_api_never_reveals_the_token(
    recipient, actor, settings, django_capture_on_commit_callbacks, caplog
):
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    settings.TELEGRAM_API_BASE = "http://127.0.0.1:9"  # nothing listens
    link_telegram(recipient, chat_id=5)
    services.preference_set(user=recipient, kind="kudos", channel="email", enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    delivery = Delivery.objects.get(notification=notification, channel="telegram")
    assert delivery.status == "failed"  # retried until the last attempt
    assert delivery.error == "Telegram unreachable (ConnectionError)"
    assert delivery.attempts == 7
    assert BOT_TOKEN not in caplog.text


# --- quiet hours ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "local", "until"),
    [
        (time(22), time(7), datetime(2026, 3, 10, 23, 30), datetime(2026, 3, 11, 7)),
        (time(22), time(7), datetime(2026, 3, 11, 6, 59), datetime(2026, 3, 11, 7)),
        (time(22), time(7), datetime(2026, 3, 11, 7, 0), None),
        (time(22), time(7), datetime(2026, 3, 11, 12, 0), None),
        (time(13), time(15), datetime(2026, 3, 11, 14, 0), datetime(2026, 3, 11, 15)),
        (time(13), time(15), datetime(2026, 3, 11, 15, 0), None),
        (time(9), time(9), datetime(2026, 3, 11, 9, 0), None),
    ],
)
def test_quiet_until_in_the_persons_time_zone(start, end, local, until):
    zone = ZoneInfo("Europe/Berlin")
    now = local.replace(tzinfo=zone).astimezone(UTC)

    result = services.quiet_until(start=start, end=end, zone=zone, now=now)

    assert result == (until.replace(tzinfo=zone).astimezone(UTC) if until else None)


def test_quiet_hours_defer_external_channels_and_release_them_later(
    recipient, actor, bot_api, django_capture_on_commit_callbacks
):
    account_services.profile_update(user=recipient, timezone="Asia/Tokyo")
    link_telegram(recipient, chat_id=77)
    local_now = timezone.now().astimezone(ZoneInfo("Asia/Tokyo"))
    start = (local_now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local_now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    services.delivery_settings_update(user=recipient, quiet_start=start, quiet_end=end)

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    assert _statuses(notification) == {
        "in_app": "sent",
        "email": "deferred",
        "telegram": "deferred",
    }
    assert mail.outbox == [] and bot_api.sent == []
    email = Delivery.objects.get(notification=notification, channel="email")
    expected_end = local_now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if expected_end < local_now:
        expected_end += timedelta(days=1)
    assert email.not_before == expected_end.astimezone(UTC)

    # Beat runs before the end: nothing; after it: both go, once.
    assert services.deliveries_release_due(now=email.not_before - timedelta(minutes=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        released = services.deliveries_release_due(now=email.not_before + timedelta(seconds=1))
    assert released == 2
    assert _statuses(notification) == {"in_app": "sent", "email": "sent", "telegram": "sent"}
    assert len(mail.outbox) == 1 and len(bot_api.sent) == 1


def test_transactional_messages_ignore_quiet_hours(recipient, django_capture_on_commit_callbacks):
    services.delivery_settings_update(user=recipient, quiet_start=time(0), quiet_end=time(23, 59))

    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(recipient, "data_export_ready", {"url": "/accounts/export/"})

    assert _statuses(notification) == {"in_app": "sent", "email": "sent"}
    (email,) = mail.outbox
    assert email.subject == "Deine Stride-Daten sind bereit"
    assert "List-Unsubscribe" not in email.extra_headers


# --- marketing ------------------------------------------------------------------------------
def test_marketing_needs_consent_off_the_app(recipient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(
            recipient, "announcement", {"title": "Spring challenge", "body": "Join us!"}
        )

    assert _statuses(notification) == {"in_app": "sent"}
    assert mail.outbox == []


def test_marketing_with_consent_has_one_click_unsubscribe(
    recipient, client, django_capture_on_commit_callbacks
):
    publish_documents()
    agree_to_all(recipient, marketing=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient, "announcement", {"title": "Spring challenge", "body": "Join!"})

    (email,) = mail.outbox
    assert email.subject == "Spring challenge"
    header = email.extra_headers["List-Unsubscribe"]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    assert url.startswith("http://127.0.0.1:8000/notifications/unsubscribe/")
    path = url.removeprefix("http://127.0.0.1:8000")

    page = client.get(path)
    assert page.status_code == 200
    assert not Preference.objects.filter(user=recipient).exists()  # GET changes nothing

    response = client.post(path, {"List-Unsubscribe": "One-Click"})  # no session, no CSRF

    assert response.status_code == 200
    assert Preference.objects.filter(
        user=recipient, kind="announcement", channel="email", enabled=False
    ).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient, "announcement", {"title": "Again", "body": "?"})
    assert mail.outbox == []


def test_a_forged_unsubscribe_link_changes_nothing(recipient, client):
    from apps.notifications.senders import unsubscribe_token

    token = unsubscribe_token(user_id=recipient.pk, kind="announcement")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = client.post(f"/notifications/unsubscribe/{forged}/")

    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_the_context_must_be_json(recipient):
    with pytest.raises(TypeError):
        services.notify(recipient, "kudos", {"when": object()})


def test_payload_round_trips_through_json(recipient, actor):
    notification = kudos(recipient, actor)
    assert json.loads(json.dumps(notification.context))["actor_name"] == "Bob <b>Builder</b>"


def test_a_delivery_stuck_in_sending_ends_failed_and_is_never_resent(recipient, actor):
    notification = kudos(recipient, actor)
    delivery = Delivery.objects.get(notification=notification, channel="email")
    claimed = timezone.now() - timedelta(minutes=20)
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=claimed)

    services.deliveries_release_due()
    delivery_send_task.apply(kwargs={"delivery_id": delivery.pk})

    delivery.refresh_from_db()
    assert (delivery.status, delivery.error) == (
        "failed",
        "interrupted while sending; not retried to avoid a duplicate",
    )
    assert mail.outbox == []
