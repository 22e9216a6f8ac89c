"""Web push against a local push service, Telegram linking and the webhook against a local
fake Bot API, digests."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.notifications import services
from apps.notifications.models import (
    Delivery,
    DeliverySettings,
    PushSubscription,
    TelegramLink,
    TelegramLinkToken,
)
from tests.notifications.conftest import BOT_TOKEN, browser_keys, kudos

pytestmark = pytest.mark.django_db


def _subscribe(user, push_service, path="/sub/1"):
    subscription, _ = services.push_subscription_save(
        user=user, endpoint=push_service.url + path, **browser_keys()
    )
    return subscription


def test_web_push_is_encrypted_and_signed_for_the_push_service(
    recipient, actor, push_service, django_capture_on_commit_callbacks
):
    _subscribe(recipient, push_service)
    services.preference_set(user=recipient, kind="kudos", channel="email", enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    (request,) = push_service.requests
    assert request["path"] == "/sub/1"
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["authorization"].startswith("vapid t=")
    assert b"Morning run" not in request["body"]  # the payload is encrypted end to end
    delivery = Delivery.objects.get(notification=notification, channel="push")
    assert delivery.status == "sent"


@pytest.mark.parametrize("status", [404, 410])
def test_an_expired_push_subscription_is_removed(
    recipient, actor, push_service, django_capture_on_commit_callbacks, status
):
    gone = _subscribe(recipient, push_service, "/sub/gone")
    alive = _subscribe(recipient, push_service, "/sub/alive")
    push_service.replies.extend([(status, b""), (201, b"")])  # in id order: gone, then alive

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    assert list(PushSubscription.objects.values_list("pk", flat=True)) == [alive.pk]
    assert not PushSubscription.objects.filter(pk=gone.pk).exists()
    assert Delivery.objects.get(notification=notification, channel="push").status == "sent"


def test_when_every_subscription_expired_the_delivery_is_skipped(
    recipient, actor, push_service, django_capture_on_commit_callbacks
):
    _subscribe(recipient, push_service)
    push_service.replies.append((410, b""))

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    delivery = Delivery.objects.get(notification=notification, channel="push")
    assert (delivery.status, delivery.error) == ("skipped", "every push subscription had expired")
    assert not PushSubscription.objects.exists()


# --- Telegram ------------------------------------------------------------------------------
def _webhook(client, text, *, chat_id=555, secret="webhook-secret"):  # noqa: S107
    return client.post(
        "/webhooks/telegram/",
        json.dumps(
            {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "text": text,
                    "chat": {"id": chat_id, "type": "private"},
                    "from": {"id": chat_id, "username": "lena_runs"},
                },
            }
        ),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )


def test_linking_telegram_through_the_deep_link(
    token_client, client, recipient, bot_api, django_capture_on_commit_callbacks, caplog
):
    response = token_client(recipient).post("/api/v1/notifications/telegram/link/")

    assert response.status_code == 201
    url = response.json()["url"]
    assert url.startswith("https://t.me/StrideTestBot?start=")
    token = url.split("start=", 1)[1]
    assert len(token) == 43
    assert TelegramLinkToken.objects.get().token_hash != token  # only the hash is stored

    with django_capture_on_commit_callbacks(execute=True):
        assert _webhook(client, f"/start {token}").status_code == 200

    link = TelegramLink.objects.get(user=recipient)
    assert (link.chat_id, link.username) == (555, "lena_runs")
    assert bot_api.sent == [
        {
            "chat_id": 555,
            "text": "Dein Stride-Konto ist verknüpft. Benachrichtigungen kommen ab jetzt hier an.",
        }
    ]
    assert BOT_TOKEN not in caplog.text and token not in caplog.text

    # The token works once.
    _webhook(client, f"/start {token}", chat_id=666)
    assert TelegramLink.objects.get(user=recipient).chat_id == 555


def test_the_webhook_refuses_a_wrong_secret(client, recipient, bot_api):
    _url, _expires = services.telegram_link_start(user=recipient)
    token = _url.split("start=", 1)[1]

    assert _webhook(client, f"/start {token}", secret="guess").status_code == 403
    assert _webhook(client, f"/start {token}", secret="").status_code == 403
    assert not TelegramLink.objects.exists()


def test_an_expired_link_token_links_nothing(client, recipient, bot_api):
    url, _expires = services.telegram_link_start(user=recipient)
    TelegramLinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert _webhook(client, f"/start {url.split('start=', 1)[1]}").status_code == 200
    assert not TelegramLink.objects.exists()


def test_telegram_link_without_a_bot_is_a_409(token_client, recipient):
    response = token_client(recipient).post("/api/v1/notifications/telegram/link/")
    assert response.status_code == 409
    assert response.json()["code"] == "TELEGRAM_NOT_CONFIGURED"


# --- digests -------------------------------------------------------------------------------
def test_a_daily_digest_replaces_single_emails(
    recipient, actor, django_capture_on_commit_callbacks
):
    services.delivery_settings_update(user=recipient, digest=DeliverySettings.Digest.DAILY)

    with django_capture_on_commit_callbacks(execute=True):
        kudos(recipient, actor, activity_id=1, title="Long run")
        kudos(recipient, actor, activity_id=2, title="Tempo")
    assert mail.outbox == []
    assert services.digest_user_ids(period="daily") == [recipient.pk]
    assert services.digest_user_ids(period="weekly") == []

    assert services.digest_send(user_id=recipient.pk) == 2
    assert services.digest_send(user_id=recipient.pk) == 0  # nothing twice

    (email,) = mail.outbox
    assert email.subject == "Deine Stride-Zusammenfassung: 2 Benachrichtigungen"
    assert "- Bob <b>Builder</b> hat „Long run“ Kudos gegeben." in email.body
    assert "- Bob <b>Builder</b> hat „Tempo“ Kudos gegeben." in email.body
    assert set(Delivery.objects.filter(channel="email").values_list("status", flat=True)) == {
        "digested"
    }


def test_transactional_mail_skips_the_digest(recipient, django_capture_on_commit_callbacks):
    services.delivery_settings_update(user=recipient, digest=DeliverySettings.Digest.WEEKLY)

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient, "data_export_ready", {})

    assert len(mail.outbox) == 1


# --- e-mail failures and providers -----------------------------------------------------------
def test_a_refused_address_turns_email_off_with_the_reason(
    recipient, actor, settings, token_client, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.RefusingBackend"

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    delivery = Delivery.objects.get(notification=notification, channel="email")
    assert (delivery.status, delivery.error) == ("failed", "the mail server refused the address")
    body = token_client(recipient).get("/api/v1/notifications/preferences/").json()
    assert body["disabled_channels"] == [
        {"channel": "email", "disabled_reason": "the mail server refused the address"}
    ]


def test_through_django_anymail_a_provider_error_is_retried_and_sent_once(
    recipient, actor, settings, django_capture_on_commit_callbacks
):
    from tests.notifications.mail_backends import FlakyProviderBackend

    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.FlakyProviderBackend"
    FlakyProviderBackend.failures_left = 1

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    delivery = Delivery.objects.get(notification=notification, channel="email")
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    (message,) = mail.outbox
    assert message.anymail_test_params["subject"] == "Neue Kudos für „Morning run“"
    assert "List-Unsubscribe" in message.anymail_test_params["extra_headers"]
    assert "html_body" in message.anymail_test_params


def test_telegram_rate_limits_are_waited_out(
    recipient, actor, bot_api, django_capture_on_commit_callbacks
):
    from tests.notifications.conftest import link_telegram

    link_telegram(recipient, chat_id=12)
    services.preference_set(user=recipient, kind="kudos", channel="email", enabled=False)
    bot_api.fail_next(429, "Too Many Requests: retry after 3", parameters={"retry_after": 3})

    with django_capture_on_commit_callbacks(execute=True):
        notification = kudos(recipient, actor)

    delivery = Delivery.objects.get(notification=notification, channel="telegram")
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert not services.selectors.channel_states(user=recipient)  # not a permanent failure
