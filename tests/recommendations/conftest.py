import pytest

from apps.recommendations import demo, services
from tests.experiments.conftest import staff_client  # noqa: F401 - shared fixture
from tests.training.plans.conftest import clock, record  # noqa: F401 - shared fixtures


@pytest.fixture
def population(db):
    """A small synthetic population with hidden tastes, and the models trained on it."""
    demo.seed_population(people=120, seed=3)
    return {
        kind: services.recommender_train(kind=kind)
        for kind in ("workouts", "challenges", "products")
    }
