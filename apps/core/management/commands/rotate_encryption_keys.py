from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.core.fields import EncryptedDecimalField


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column with the first FIELD_ENCRYPTION_KEYS key. "
        "Run after putting a new key first; then the old key can be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        for model in apps.get_models():
            fields = [
                f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedDecimalField)
            ]
            if not fields:
                continue
            total = 0
            pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), batch_size):
                with transaction.atomic():
                    rows = list(
                        model._default_manager.select_for_update()
                        .filter(pk__in=pks[start : start + batch_size])
                        .only("pk", *fields)
                    )
                    # Loading decrypts with any key; saving encrypts with the first one.
                    model._default_manager.bulk_update(rows, fields)
                total += len(rows)
            self.stdout.write(
                f"{model._meta.label}: {total} rows re-encrypted ({', '.join(fields)})"
            )
