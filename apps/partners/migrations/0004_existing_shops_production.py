"""Shops made by staff before shop status existed worked in both environments: keep them so."""

from django.db import migrations


def forwards(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    Partner.objects.exclude(shop_secret="").filter(shop_status="").update(  # nosec B106
        shop_status="production"
    )


def backwards(apps, schema_editor):
    pass  # the field goes away with the previous migration's reverse


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_partner_shop_status")]

    operations = [migrations.RunPython(forwards, backwards)]
