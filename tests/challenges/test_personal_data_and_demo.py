import pytest
from django.core.management import call_command

from apps.challenges import services
from apps.challenges.models import (
    ActivityContribution,
    BadgeAward,
    Challenge,
    LeaderboardEntry,
    Participation,
)
from apps.challenges.personal_data import erase_challenges, export_challenges
from apps.core import demo
from tests.accounts.factories import UserFactory
from tests.challenges.conftest import record

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("frozen_june")
def test_export_and_erase(challenge):
    user = UserFactory()
    services.challenge_join(challenge=challenge, user=user)
    record(user, km=6, minutes=40)
    data = export_challenges(user.pk).data
    assert data["participations"][0]["challenge"] == "june-50k"
    assert data["participations"][0]["progress"] == 6000.0
    assert [b["badge"] for b in data["badges"]] == ["first-5k"]
    erase_challenges(user.pk)
    erase_challenges(user.pk)  # idempotent
    for model in (Participation, BadgeAward, LeaderboardEntry, ActivityContribution):
        assert not model.objects.filter(user=user).exists()


def test_rebuild_all_recreates_the_summaries():
    user = UserFactory()
    record(user, km=6, minutes=40)
    before = list(LeaderboardEntry.objects.values_list("period", "distance_m").order_by("period"))
    LeaderboardEntry.objects.all().delete()
    ActivityContribution.objects.all().delete()
    call_command("challenges_rebuild", "--all", verbosity=0)
    after = list(LeaderboardEntry.objects.values_list("period", "distance_m").order_by("period"))
    assert after == before == [("month", 6000.0), ("week", 6000.0)]


def test_demo_challenges_are_repeatable():
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    seeder = dict(demo.seeders())["apps.challenges.demo.seed_challenges"]
    seeder()
    seeder()
    assert Challenge.objects.filter(slug__startswith="demo-").count() == 3
