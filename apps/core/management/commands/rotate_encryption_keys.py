from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from apps.core import crypto
from apps.core.fields import EncryptedField


def encrypted_columns(model) -> tuple[list[str], list[str]]:
    """(fields that encrypt themselves, raw text columns holding a token) of one model.

    A raw column is a text field named `*_encrypted` that an app fills with crypto.encrypt()
    (gear's PartnerFeedKey.secret_encrypted), or one listed in crypto.EXTRA_COLUMNS."""
    typed, raw = [], []
    for f in model._meta.concrete_fields:
        if isinstance(f, EncryptedField):
            typed.append(f.name)
        elif isinstance(f, models.CharField | models.TextField) and (
            f.name.endswith(crypto.RAW_COLUMN_SUFFIX)
            or (model._meta.label, f.name) in crypto.EXTRA_COLUMNS
        ):
            raw.append(f.name)
    return typed, raw


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column with the first FIELD_ENCRYPTION_KEYS key. "
        "Run after putting a new key first; then the old key can be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        for model in apps.get_models():
            typed, raw = encrypted_columns(model)
            if not typed and not raw:
                continue
            fields = typed + raw
            total = 0
            manager = model._base_manager
            pks = list(manager.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), batch_size):
                with transaction.atomic():
                    rows = list(
                        manager.select_for_update()
                        .filter(pk__in=pks[start : start + batch_size])
                        .only("pk", *fields)
                    )
                    for row in rows:
                        for name in raw:
                            token = getattr(row, name)
                            if token:
                                setattr(row, name, crypto.rotate(token))
                    # Loading decrypts typed fields with any key; saving encrypts with the first.
                    manager.bulk_update(rows, fields)
                total += len(rows)
            self.stdout.write(
                f"{model._meta.label}: {total} rows re-encrypted ({', '.join(fields)})"
            )
