import pytest
from django.core.management import call_command

from apps.recommendations import demo, services
from apps.recommendations.models import AthleteProfile, Interaction, Item

pytestmark = pytest.mark.django_db


def test_the_recommender_beats_the_popularity_baseline_on_the_synthetic_population():
    demo.seed_population(people=150, seed=11)

    for kind in ("workouts", "challenges", "products"):
        result = services.recommender_evaluate(kind=kind, k=10)
        hybrid, popular = result["hybrid"], result["popularity"]
        assert hybrid["users"] == popular["users"] > 100
        assert hybrid["ndcg"] > popular["ndcg"], (kind, result)
        assert hybrid["recall"] > popular["recall"], (kind, result)


def test_the_command_prints_each_recommender_next_to_the_baseline(capsys):
    demo.seed_population(people=120, seed=5)

    call_command("evaluate_recommenders", k=5)

    out = capsys.readouterr().out
    assert "precision@5" in out and "recall@5" in out and "NDCG@5" in out
    for kind in ("workouts", "challenges", "products"):
        assert f"{kind:<12} hybrid " in out
        assert f"{kind:<12} popularity " in out
        assert f"{kind:<12} hybrid is ahead of the baseline" in out


def test_the_population_is_synthetic_apart_from_real_people_and_seeded_once():
    from django.contrib.auth import get_user_model

    users_before = get_user_model().objects.count()
    made = demo.seed_population(people=40, seed=1)
    rows = Interaction.objects.count()
    again = demo.seed_population(people=40, seed=1)  # idempotent: nothing doubles

    assert made == again == 40
    assert get_user_model().objects.count() == users_before  # no accounts at all
    assert AthleteProfile.objects.filter(synthetic=True, user=None).count() == 40
    assert Interaction.objects.count() == rows
    assert rows == Interaction.objects.filter(user=None, person__isnull=False).count() > 40 * 24
    assert Item.objects.filter(synthetic=True).count() == 180


def test_the_seeder_trains_every_model_and_is_idempotent(settings):
    from apps.recommendations.models import ModelVersion

    lines = demo.seed_recommendations()
    assert any("synthetic athletes" in line for line in lines)
    active = dict(ModelVersion.objects.filter(active=True).values_list("kind", "version"))
    assert active == {"workouts": 1, "challenges": 1, "products": 1, "load": 1}

    assert demo.seed_recommendations() == []
    assert ModelVersion.objects.count() == 4
