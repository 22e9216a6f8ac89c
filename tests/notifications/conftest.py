import base64
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from apps.notifications import services
from tests.accounts.factories import UserFactory
from tests.notifications.fakes import FakeBotApi, FakePushService

BOT_TOKEN = "123456:TEST-bot-token-never-logged"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def vapid_keys() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    private = b64(key.private_numbers().private_value.to_bytes(32, "big"))
    public = b64(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    return public, private


def browser_keys() -> dict:
    """The keys a browser's PushManager.subscribe() returns: p256dh and auth."""
    key = ec.generate_private_key(ec.SECP256R1())
    p256dh = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"p256dh": b64(p256dh), "auth": b64(os.urandom(16))}


@pytest.fixture
def bot_api(settings):
    server = FakeBotApi()
    settings.TELEGRAM_API_BASE = server.url
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    settings.TELEGRAM_BOT_USERNAME = "StrideTestBot"
    settings.TELEGRAM_WEBHOOK_SECRET = "webhook-secret"
    yield server
    server.close()


@pytest.fixture
def push_service(settings):
    server = FakePushService()
    public, private = vapid_keys()
    settings.WEBPUSH_VAPID_PUBLIC_KEY = public
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private
    settings.WEBPUSH_VAPID_SUBJECT = "mailto:ops@stride.test"
    yield server
    server.close()


def link_telegram(user, chat_id: int):
    from apps.notifications.models import TelegramLink

    return TelegramLink.objects.create(user=user, chat_id=chat_id)


@pytest.fixture
def recipient(db):
    return UserFactory(language="de", display_name="Lena")


@pytest.fixture
def actor(db):
    return UserFactory(display_name="Bob <b>Builder</b>")


def kudos(user, actor, *, activity_id=7, title="Morning run"):
    return services.notify(
        user,
        "kudos",
        {"actor_name": str(actor), "activity_title": title, "url": f"/activities/{activity_id}/"},
        collapse_key=f"activity:{activity_id}",
    )
