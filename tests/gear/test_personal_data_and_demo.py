import pytest
from django.core.management import call_command

from apps.core.personal_data import erasers, exporters
from apps.gear import services
from apps.gear.models import Gear, ImportReport, Product
from apps.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.gear.factories import run

pytestmark = pytest.mark.django_db


def test_export_and_erase():
    owner = UserFactory()
    gear = services.gear_create(
        owner=owner, custom_name="Bike", category="bike", default_for=["ride"]
    )
    activity = run(owner, 20, sport="ride")
    services.gear_create(owner=UserFactory(), custom_name="Not theirs", category="bike")

    data = exporters()["gear"](owner.pk).data

    assert [(g["id"], g["name"], g["default_for"], g["activities"]) for g in data["gear"]] == [
        (gear.pk, "Bike", ["ride"], [activity.pk])
    ]
    dict(erasers())["gear"](owner.pk)
    assert list(Gear.objects.values_list("custom_name", flat=True)) == ["Not theirs"]


def test_seed_demo_grows_a_catalog_and_worn_shoes(capsys):
    call_command("seed_demo")
    products = Product.objects.count()
    gear = dict(Gear.objects.values_list("owner__email", "notified_level"))

    call_command("seed_demo")

    assert products == 8 and Product.objects.count() == 8
    assert not ImportReport.objects.exists()  # the demo imports in-process
    assert Gear.objects.count() == 2
    anna = Gear.objects.get(owner__email="anna@stride.local")
    assert anna.activity_count > 50
    assert anna.wear_percent >= 90
    assert gear["anna@stride.local"] == anna.notified_level >= 90
    note = Notification.objects.get(user__email="anna@stride.local", kind="gear_worn")
    assert note.context["suggestion"]["currency"] == "EUR"
