"""Points challenges gave in its local ledger before promos owned loyalty points become entries
of the promos ledger, under the key the challenge awarder uses from now on (so nothing is
given twice). The challenges rows stay where they are (that app's table, read only here)."""

from django.db import migrations
from django.db.models import Sum


def take_over(apps, schema_editor):
    Local = apps.get_model("challenges", "PointsLedger")
    Entry = apps.get_model("promos", "PointsEntry")
    Account = apps.get_model("promos", "PointsAccount")
    touched = set()
    for row in Local.objects.order_by("pk").iterator():
        key = f"challenges:{row.user_id}:{row.reason}"
        if row.points == 0 or Entry.objects.filter(idempotency_key=key).exists():
            continue
        Entry.objects.create(
            user_id=row.user_id,
            points=row.points,
            source="challenge",
            idempotency_key=key,
            reference=row.reason,
            earned_on=row.created.date(),
            note="from the challenges ledger",
            created=row.created,
        )
        touched.add(row.user_id)
    for user_id in touched:
        total = Entry.objects.filter(user_id=user_id).aggregate(s=Sum("points"))["s"] or 0
        Account.objects.update_or_create(user_id=user_id, defaults={"balance": max(total, 0)})


def give_back(apps, schema_editor):
    Entry = apps.get_model("promos", "PointsEntry")
    Account = apps.get_model("promos", "PointsAccount")
    Entry.objects.filter(note="from the challenges ledger").delete()
    for account in Account.objects.all():
        total = Entry.objects.filter(user_id=account.user_id).aggregate(s=Sum("points"))["s"]
        account.balance = max(total or 0, 0)
        account.save(update_fields=["balance"])


class Migration(migrations.Migration):
    dependencies = [
        ("promos", "0001_loyalty_promotions_coupons_news"),
        ("challenges", "0001_challenges_badges_leaderboards"),
    ]

    operations = [migrations.RunPython(take_over, give_back)]
