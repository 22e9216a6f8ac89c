from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.challenges import services as challenge_services
from apps.challenges.models import Challenge
from apps.core import analytics
from apps.experiments.models import Assignment, Conversion
from apps.gear import services as gear_services
from apps.gear.models import Product
from apps.recommendations import selectors, services
from apps.recommendations.models import Interaction, ModelVersion
from tests.accounts.factories import UserFactory
from tests.gear.factories import feed_product, import_json, set_country

pytestmark = pytest.mark.django_db


def _challenge(slug, **fields):
    today = timezone.localdate()
    values = {
        "title": {"en": slug},
        "metric": "distance",
        "target": 10_000,
        "sport": "run",
        "start_date": today - timedelta(days=3),
        "end_date": today + timedelta(days=20),
    }
    values.update(fields)
    return Challenge.objects.create(slug=slug, **values)


def test_worn_shoes_bring_a_replacement_with_a_reason_a_person_can_read(token_client):
    import_json([feed_product("OLD-1"), feed_product("NEW-1"), feed_product("NEW-2")])
    user = UserFactory()
    set_country(user, "DE")
    old = Product.objects.get(sku="OLD-1")
    gear_services.gear_create(
        owner=user, product_id=old.pk, nickname="road shoes", start_distance_m=736_000
    )

    body = token_client(user).get("/api/v1/recommendations/?kind=products").json()

    assert body["kind"] == "products"
    first = body["results"][0]
    assert first["item"] in {f"product:{p.pk}" for p in Product.objects.exclude(pk=old.pk)}
    assert first["reason"] == "Your road shoes are at 92 %: time for a new pair."
    assert first["url"].startswith("/catalog/")


def test_what_a_person_cannot_or_should_not_see_is_filtered(token_client):
    user = UserFactory()
    set_country(user, "DE")
    joined = _challenge("joined")
    dismissed = _challenge("dismissed")
    _challenge("elsewhere", scope="country", country="FR")
    _challenge("unpublished", published=False)
    _challenge("over", end_date=timezone.localdate() - timedelta(days=1))
    _challenge("group-only", scope="group")
    here = _challenge("here", scope="country", country="DE")
    everyone = _challenge("everyone")
    challenge_services.challenge_join(challenge=joined, user=user)
    client = token_client(user)

    assert (
        client.post(
            "/api/v1/recommendations/feedback/",
            {"kind": "challenges", "item": f"challenge:{dismissed.pk}", "action": "dismiss"},
            format="json",
        ).status_code
        == 201
    )
    body = client.get("/api/v1/recommendations/?kind=challenges").json()

    assert sorted(r["item"] for r in body["results"]) == sorted(
        [f"challenge:{here.pk}", f"challenge:{everyone.pk}"]
    )


def test_feedback_is_idempotent_and_checked(token_client):
    user = UserFactory()
    client = token_client(user)
    body = {"kind": "workouts", "item": "plan:10k", "action": "click"}

    first = client.post("/api/v1/recommendations/feedback/", body, format="json")
    again = client.post("/api/v1/recommendations/feedback/", body, format="json")
    bad_action = client.post(
        "/api/v1/recommendations/feedback/", {**body, "action": "love"}, format="json"
    )
    bad_item = client.post(
        "/api/v1/recommendations/feedback/", {**body, "item": "10k"}, format="json"
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["item"] == again.json()["item"] == "plan:10k"
    assert Interaction.objects.filter(user=user).count() == 1
    assert bad_action.status_code == 400 and "action" in bad_action.json()["fields"]
    assert bad_item.status_code == 400
    assert bad_item.json()["code"] == "FEEDBACK_INVALID"
    assert "plan:10k" in bad_item.json()["message"]


def test_bad_kind_is_a_400_with_a_message():
    from rest_framework.test import APIClient

    user = UserFactory()
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/recommendations/?kind=shoes")
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


def test_the_variant_is_the_same_on_every_request_web_and_api(token_client, client, population):
    from apps.experiments import services as experiment_services

    experiment_services.experiment_ensure(
        key=services.EXPERIMENT, name="A/B", variants=[("hybrid", 50), ("popular", 50)]
    )
    user = UserFactory()
    api = token_client(user)
    client.force_login(user)
    seen = []
    for n in range(3):
        seen.append(api.get("/api/v1/recommendations/?kind=workouts").json()["variant"])
        cache.clear()  # not the cache: the stored assignment keeps it
        page = client.get("/for-you/", HTTP_HX_REQUEST="true")
        seen.append(page.context["variant"])
        assert f'data-variant="{seen[-1]}"' in page.content.decode()
        if n == 0:
            seen.append(api.get("/api/v1/recommendations/?kind=challenges").json()["variant"])

    assert len(set(seen)) == 1 and seen[0] in ("hybrid", "popular")
    assert Assignment.objects.filter(user=user).count() == 1

    # A click converts for the experiment's results.
    api.post(
        "/api/v1/recommendations/feedback/",
        {"kind": "workouts", "item": "plan:10k", "action": "click"},
        format="json",
    )
    assert list(Conversion.objects.filter(user=user).values_list("variant__key", "metric")) == [
        (seen[0], "click")
    ]


def test_impressions_go_to_the_batched_tracker(token_client, population):
    user = UserFactory()
    client = token_client(user)
    analytics.get_backend().discard()

    items = [
        r["item"] for r in client.get("/api/v1/recommendations/?kind=workouts").json()["results"]
    ]

    events = [e for e in analytics.get_backend()._events if e.name == services.IMPRESSION_EVENT]
    assert len(events) == 1
    assert events[0].user_id == user.pk
    assert events[0].properties["items"] == items
    assert events[0].properties["model_version"] in (population["workouts"].version, None)


def test_a_warm_cache_serves_without_ranking_again(django_assert_max_num_queries, population):
    user = UserFactory()
    first = services.recommend(user=user, kind="workouts", limit=20)
    with django_assert_max_num_queries(0):  # cached: the list, the variant, the model version
        again = services.recommend(user=user, kind="workouts", limit=20)
    assert again["items"] == first["items"] and len(again["items"]) == 4


@pytest.mark.parametrize("limit", [3, 20])
def test_the_list_query_count_does_not_grow_with_its_length(
    token_client, django_assert_max_num_queries, population, limit
):
    import_json([feed_product(f"P-{n}") for n in range(25)])
    user = UserFactory()
    set_country(user, "DE")
    client = token_client(user)
    cache.clear()
    with django_assert_max_num_queries(25):
        response = client.get(f"/api/v1/recommendations/?kind=products&limit={limit}")
    assert len(response.json()["results"]) == limit


def test_a_known_athlete_gets_collaborative_reasons_and_a_newcomer_regional_ones(population):
    from apps.recommendations.models import AthleteProfile

    known = AthleteProfile.objects.filter(synthetic=True).first()
    _version, model = services.active_model(kind="workouts")
    candidates = [k for k in model.items if k.startswith("synth:")]
    ranked = services.engine.top_k(
        model,
        known.subject_id,
        candidates,
        5,
        user_feature=services.engine.user_vector(known.sport_shares, known.level),
        segment=known.segment,
    )
    assert {reason for _k, _s, reason in ranked} <= {
        "similar_athletes",
        "matches_profile",
        "popular_nearby",
    }
    assert "similar_athletes" in {reason for _k, _s, reason in ranked}

    cold = services.engine.top_k(model, 10**9, candidates, 5, segment=known.segment)
    assert {reason for _k, _s, reason in cold} <= {"popular_nearby", "matches_profile"}
    seg = model.segment_popularity[known.segment]
    best_in_segment = model.items[int(seg.argmax())]
    assert cold[0][0] == best_in_segment


def test_versions_are_stored_with_metadata_and_can_be_rolled_back(population, staff_client):
    first = population["workouts"]
    second = services.recommender_train(kind="workouts")
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert not first.active and second.active
    assert second.data_size["interactions"] > 500
    assert second.metrics["hybrid"]["ndcg"] > second.metrics["popularity"]["ndcg"]
    assert services.active_model(kind="workouts")[0] == second

    response = staff_client.post(
        "/admin/recommendations/modelversion/",
        {"action": "activate", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302
    assert services.active_model(kind="workouts")[0] == first
    assert ModelVersion.objects.get(kind="workouts", active=True) == first
    page = staff_client.get("/admin/recommendations/modelversion/")
    assert page.status_code == 200 and "ndcg" in page.content.decode()


def test_the_beat_job_syncs_history_from_the_apps_and_trains(population):
    from apps.recommendations.tasks import models_train_task
    from apps.training.plans import services as plan_services

    user = UserFactory()
    plan_services.plan_enroll(owner=user, plan_slug="10k")
    challenge = _challenge("synced")
    challenge_services.challenge_join(challenge=challenge, user=user)

    result = models_train_task.delay().get()

    assert result["workouts"] == 2 and result["challenges"] == 2 and result["products"] == 2
    assert Interaction.objects.filter(
        user=user, kind="challenges", item_key=f"challenge:{challenge.pk}", action="join"
    ).exists()
    assert Interaction.objects.filter(
        user=user, kind="workouts", item_key="plan:10k", action="enrolled"
    ).exists()
    assert selectors.excluded_keys(user_id=user.pk, kind="challenges") == {
        f"challenge:{challenge.pk}"
    }
    # Following a plan: it is not suggested again.
    keys = [r.key for r in services.recommend(user=user, kind="workouts", limit=10)["items"]]
    assert "plan:10k" not in keys and "plan:first-5k" in keys


def test_feedback_replays_with_an_idempotency_key(token_client):
    user = UserFactory()
    client = token_client(user)
    body = {"kind": "products", "item": "product:1", "action": "buy"}

    first = client.post(
        "/api/v1/recommendations/feedback/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    replay = client.post(
        "/api/v1/recommendations/feedback/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert first.status_code == replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert Interaction.objects.filter(user=user).count() == 1


def test_without_a_model_the_list_is_what_is_popular_in_the_persons_country():
    from apps.recommendations.models import AthleteProfile

    de, fr = UserFactory(), UserFactory()
    set_country(de, "DE")
    for n in range(3):
        AthleteProfile.objects.create(person=n + 1, country="DE", synthetic=True)
        Interaction.objects.create(
            person=n + 1, kind="workouts", item_key="plan:half-marathon", action="click",
            occurred_at=timezone.now(),
        )  # fmt: skip
    AthleteProfile.objects.create(person=9, country="FR", synthetic=True)
    for key in ("plan:yoga-30-days", "plan:first-5k"):
        Interaction.objects.create(
            person=9, kind="workouts", item_key=key, action="click", occurred_at=timezone.now()
        )
    assert services.active_model(kind="workouts") == (None, None)

    first = services.recommend(user=de, kind="workouts")["items"][0]

    assert first.key == "plan:half-marathon"
    assert first.reason == "Popular with athletes in your region and sport."
    assert services.recommend(user=fr, kind="workouts")["model_version"] is None


def test_gear_replacement_suggestions_are_re_ranked_by_the_products_model(population):
    from apps.gear import hooks
    from apps.gear import selectors as gear_selectors
    from apps.recommendations import gear_ranking

    assert gear_ranking.rank_replacements in hooks.rankers()
    import_json([feed_product("WORN"), feed_product("TWIN-A"), feed_product("TWIN-B")])
    user = UserFactory()
    set_country(user, "DE")
    twin_a, twin_b = Product.objects.get(sku="TWIN-A"), Product.objects.get(sku="TWIN-B")
    worn = gear_services.gear_create(
        owner=user, product_id=Product.objects.get(sku="WORN").pk, start_distance_m=700_000
    )
    # Equally similar twins: the model decides. People like this one bought TWIN-B.
    for n in range(1, 40):
        Interaction.objects.create(
            person=n, kind="products", item_key=f"product:{twin_b.pk}", action="buy",
            occurred_at=timezone.now(),
        )  # fmt: skip
    services.recommender_train(kind="products")

    ranked = gear_selectors.replacement_suggestions(user=user, gear=worn)

    assert [s.product_id for s in ranked] == [twin_b.pk, twin_a.pk]
