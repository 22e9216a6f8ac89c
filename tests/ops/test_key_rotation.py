"""Key rotation for encrypted fields, end to end: a new key goes first, `rotate_encryption_keys`
re-encrypts every encrypted column of every model, the old key is removed, and every value is
still readable. A column that holds tokens the command does not know about fails here."""

from decimal import Decimal

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import models

from apps.accounts import services as accounts_services
from apps.core import crypto
from apps.core.management.commands.rotate_encryption_keys import encrypted_columns
from apps.gear import services as gear_services
from apps.gear.models import FeedKey
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _all(model) -> list[str]:
    typed, raw = encrypted_columns(model)
    return typed + raw


FERNET_PREFIX = "gAAAAA"  # every Fernet token starts with version 0x80 + a timestamp


def _raw_text_columns():
    """Every stored text value of every model, as (label, field, pk, raw value)."""
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if not names or model._meta.proxy or not model._meta.managed:
            continue
        for row in model._base_manager.values("pk", *[f"{n}" for n in names]).iterator():
            for name in names:
                yield model, name, row["pk"], row[name]


def _raw(model, name, pk):
    """The stored token, bypassing the field's own decryption."""
    from django.db import connection

    table = model._meta.db_table
    column = model._meta.get_field(name).column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)} "  # noqa: S608 - names from the model
            f"WHERE {connection.ops.quote_name(model._meta.pk.column)} = %s",
            [pk],
        )
        return cursor.fetchone()[0]


def _seed():
    user = UserFactory()
    accounts_services.profile_update(user=user, height_cm=Decimal("181.5"), weight_kg="72.3")
    key, secret = gear_services.feed_key_create(name="Rotation partner")
    return user, key, secret


def test_every_column_holding_tokens_is_rotated():
    _seed()
    covered = {(m._meta.label, n) for m in apps.get_models() for n in _all(m)}
    found = set()
    for model, name, _pk, value in _raw_text_columns():
        if isinstance(value, str) and value.startswith(FERNET_PREFIX):
            found.add((model._meta.label, name))
    assert found, "no encrypted values were seeded"
    assert found <= covered, f"rotate_encryption_keys misses {sorted(found - covered)}"


def test_rotation_end_to_end(settings, capsys):
    user, key, secret = _seed()
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()

    # 1. The new key goes first; rows written with the old one still open.
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert user.profile.__class__.objects.get(user=user).height_cm == Decimal("181.5")

    # 2. Rotate.
    call_command("rotate_encryption_keys")
    out = capsys.readouterr().out
    assert "accounts.Profile: 1 rows re-encrypted (height_cm, weight_kg)" in out
    assert "gear.FeedKey: 1 rows re-encrypted (secret_encrypted)" in out

    # Every token of every encrypted column now opens with the new key alone.
    only_new, only_old = Fernet(new_key.encode()), Fernet(old_key.encode())
    checked = 0
    for model in apps.get_models():
        for name in _all(model):
            for pk in model._base_manager.values_list("pk", flat=True):
                token = _raw(model, name, pk)
                if not token:
                    continue
                only_new.decrypt(token.encode())
                with pytest.raises(InvalidToken):
                    only_old.decrypt(token.encode())
                checked += 1
    assert checked >= 3

    # 3. The old key is removed: everything still reads.
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    profile = user.profile.__class__.objects.get(user=user)
    assert (profile.height_cm, profile.weight_kg) == (Decimal("181.5"), Decimal("72.3"))
    assert crypto.decrypt(FeedKey.objects.get(pk=key.pk).secret_encrypted) == secret


def test_without_the_rotation_removing_the_old_key_loses_nothing_silently(settings):
    user, _key, _secret = _seed()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="could not be opened"):
        user.profile.__class__.objects.get(user=user).height_cm  # noqa: B018
