"""GDPR for provider connections: the export holds each connection and the notifications it
brought, never a token; erasure revokes the live ones at the provider and deletes the rows.
And the demo seeder connects a demo member to the sandbox, once."""

import json

import pytest
from django.core.management import call_command

from apps.core import personal_data
from apps.devices import services
from apps.devices.models import Connection, WebhookEvent
from apps.devices.providers.sandbox import SandboxProvider

pytestmark = pytest.mark.django_db


def _sandbox(user, django_capture_on_commit_callbacks) -> Connection:
    tokens = SandboxProvider().sandbox_tokens(user_id=user.pk)
    connection = Connection.objects.create(
        user=user,
        provider="sandbox",
        external_id=tokens.external_id,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.sandbox_workouts_send(connection_id=connection.pk, count=1)
    return connection


def test_export_without_tokens(user, other_user, django_capture_on_commit_callbacks):
    mine = _sandbox(user, django_capture_on_commit_callbacks)
    _sandbox(other_user, django_capture_on_commit_callbacks)

    part = personal_data.exporters()["devices"](user.pk)

    dumped = json.dumps(part.data)
    assert [c["account"] for c in part.data["connections"]] == [f"sbx-{user.pk}"]
    assert part.data["connections"][0]["events"][0]["status"] == "done"
    assert mine.access_token not in dumped and mine.refresh_token not in dumped


def test_erasure_removes_connections_and_their_events(
    user, other_user, django_capture_on_commit_callbacks
):
    _sandbox(user, django_capture_on_commit_callbacks)
    _sandbox(other_user, django_capture_on_commit_callbacks)

    dict(personal_data.erasers())["devices_connections"](user.pk)

    assert not Connection.objects.filter(user=user).exists()
    assert not WebhookEvent.objects.filter(external_id=f"sbx-{user.pk}").exists()
    assert Connection.objects.filter(user=other_user).count() == 1
    assert WebhookEvent.objects.filter(external_id=f"sbx-{other_user.pk}").count() == 1


def test_seed_demo_connects_the_sandbox_once(capsys):
    call_command("seed_demo")
    connection = Connection.objects.get(user__email="maya@stride.local", provider="sandbox")
    events = WebhookEvent.objects.filter(provider="sandbox").count()
    assert events == 2

    call_command("seed_demo")

    assert Connection.objects.filter(provider="sandbox").get() == connection
    assert WebhookEvent.objects.filter(provider="sandbox").count() == events


def test_tokens_are_encrypted_and_rotate_with_the_keys(user, settings, capsys):
    from cryptography.fernet import Fernet
    from django.db import connection as db

    Connection.objects.create(
        user=user, provider="sandbox", external_id="a", access_token="tok-A", refresh_token=""
    )
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM devices_connection")
        raw_access, raw_refresh = cursor.fetchone()
    assert raw_access.startswith("gAAAA") and "tok-A" not in raw_access
    assert raw_refresh == ""  # no token: nothing to hide
    old_key, new_key = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    call_command("rotate_encryption_keys")

    assert "devices.Connection: 1 rows re-encrypted (access_token, refresh_token)" in (
        capsys.readouterr().out
    )
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert Connection.objects.get().access_token == "tok-A"
