"""Chat and live runs in the GDPR export and erasure, the demo seeder, and the admin."""

import pytest

from apps.core.personal_data import erasers, exporters
from apps.groups import chat, chat_demo
from apps.groups import services as group_services
from apps.groups.models import ChatMessage, Conversation, LiveSession
from apps.training.models import Activity
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_export_and_erasure(alice, bob):
    group = group_services.group_create(owner=alice, name="Data Club")
    group_services.group_join(user=bob, group=group)
    conversation = chat.conversation_for_group(user=alice, group=group)
    chat.message_send(sender=bob, conversation=conversation, client_id="1", body="my words")
    for a, b in ((alice, bob), (bob, alice)):
        group_services.follow_create(follower=a, followee_id=b.pk)
    direct = chat.conversation_direct_open(user=bob, other_id=alice.pk)

    part = exporters()["chat_and_live"](bob.pk)
    assert [m["body"] for m in part.data["chat_messages"]] == ["my words"]

    erasers()  # the registry knows it
    from apps.groups.chat_personal_data import erase_chat_and_live

    erase_chat_and_live(bob.pk)
    message = ChatMessage.objects.get()
    assert message.sender_id is None and message.body == "my words"
    assert chat.message_payload(message)["sender"] == {"id": None, "name": "Former member"}
    assert not Conversation.objects.filter(pk=direct.pk).exists()


def test_seed_demo_adds_chat_history_and_a_past_live_run_once():
    people = [
        UserFactory(email=email, display_name=email.split("@")[0].title())
        for email in chat_demo.PEOPLE
    ]
    group = group_services.group_create(owner=people[0], name="Isar Morning Runners")
    for person in people[1:]:
        group_services.group_join(user=person, group=group)

    first = chat_demo.seed_chat_and_live()
    assert "5 chat messages new" in first[0] and "3 runners" in first[0]
    again = chat_demo.seed_chat_and_live()
    assert "0 chat messages new, no new live run" in again[0]
    session = LiveSession.objects.get()
    assert session.status == "ended" and len(session.summary["runners"]) == 3
    assert Activity.objects.filter(owner__in=people).count() == 3
    assert session.summary["runners"][0]["name"] == "Anna"


def test_admin_pages(alice):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    staff = UserFactory(is_staff=True, is_superuser=True, language="en")
    TOTP.activate(staff, generate_totp_secret())
    admin_client = Client()
    admin_client.force_login(staff)
    group = group_services.group_create(owner=alice, name="Admin Club")
    conversation = chat.conversation_for_group(user=alice, group=group)
    chat.message_send(sender=alice, conversation=conversation, client_id="1", body="hello")
    for name in ("conversation", "chatmessage", "chatmute", "livesession", "livesharelink"):
        assert admin_client.get(f"/admin/groups/{name}/").status_code == 200
