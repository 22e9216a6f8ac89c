"""Recommendations: serving latency and training time.

- `serve_warm`: `services.recommend()` for a person whose list is cached (the common case:
  the dashboard and the app ask again within the cache's 10 minutes);
- `serve_cold`: the same with the cache emptied before every call (candidates through the
  apps' selectors, the model's scores, reasons);
- `train_demo`: fitting the hybrid model (TruncatedSVD + content + segment popularity) on the
  demo population (300 synthetic athletes, their "workouts" interactions);
- `train_100k`: fitting it on 100,000 people x 1,000 items, about 2 million synthetic
  interactions in a sparse matrix (people with hidden tastes, 20 items each, drawn with the
  Gumbel top-k trick in chunks so the dense score matrix never exists whole).

    .venv/bin/pytest bench/test_recommendations.py -p no:randomly --benchmark-only -q
"""

import numpy as np
import pytest
from django.core.cache import cache

from apps.recommendations import demo, engine, selectors, services

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark(group="recommendations")]


@pytest.fixture
def population(db):
    demo.seed_population(people=300, seed=42)
    # A real person who follows one plan: their history joins the matrix at training.
    from django.contrib.auth import get_user_model

    from apps.training.plans import services as plan_services

    user = get_user_model().objects.create(email="bench-recs@bench.local")
    plan_services.plan_enroll(owner=user, plan_slug="10k")
    services.history_sync()
    for kind in ("workouts", "challenges", "products"):
        services.recommender_train(kind=kind)
    return user


def test_serve_warm(benchmark, population, bench_medians):
    services.recommend(user=population, kind="workouts", limit=6)
    result = benchmark(services.recommend, user=population, kind="workouts", limit=6)
    assert len(result["items"]) == 3  # the four plans but the one followed
    bench_medians["recs serve warm"] = benchmark.stats.stats.median


def test_serve_cold(benchmark, population, bench_medians):
    def cold():
        cache.clear()
        return services.recommend(user=population, kind="workouts", limit=6)

    result = benchmark(cold)
    assert len(result["items"]) == 3
    bench_medians["recs serve cold"] = benchmark.stats.stats.median


def test_train_demo(benchmark, population, bench_medians):
    data, context = selectors.training_data(kind="workouts")
    model = benchmark.pedantic(
        lambda: engine.HybridModel().fit(data, context), rounds=5, warmup_rounds=1
    )
    benchmark.extra_info["interactions"] = len(data)
    assert len(model.users) == 301
    bench_medians["recs train demo"] = benchmark.stats.stats.median


def synthetic_100k(people=100_000, items=1_000, per_person=20, seed=1):
    rng = np.random.default_rng(seed)
    tastes = rng.normal(0, 1, (people, 6)).astype(np.float32)
    vectors = rng.normal(0, 1, (items, 6)).astype(np.float32)
    appeal = rng.normal(0, 0.6, items).astype(np.float32)
    chosen = np.empty((people, per_person), dtype=np.int64)
    for start in range(0, people, 10_000):
        block = tastes[start : start + 10_000] @ vectors.T + appeal
        block += rng.gumbel(size=block.shape).astype(np.float32)
        chosen[start : start + 10_000] = np.argpartition(-block, per_person, axis=1)[:, :per_person]
    user_ids = np.repeat(np.arange(people, dtype=np.int64), per_person)
    keys = np.array([f"i{n}" for n in range(items)], dtype=object)[chosen.ravel()]
    weights = rng.choice([1.0, 2.0, 3.0], size=user_ids.size).astype(np.float32)
    times = rng.uniform(0, 180 * 86400, size=user_ids.size)
    return engine.Interactions(user_ids, keys, weights, times)


def test_train_100k_users_1k_items(benchmark, bench_medians):
    data = synthetic_100k()
    model = benchmark.pedantic(lambda: engine.HybridModel().fit(data), rounds=3, warmup_rounds=0)
    benchmark.extra_info["interactions"] = len(data)
    assert (len(model.users), len(model.items)) == (100_000, 1_000)
    assert model.matrix.nnz == 2_000_000
    bench_medians["recs train 100k"] = benchmark.stats.stats.median
