"""A promotion measured by an experiment: who sees it (the variant it names; the control gets
the baseline), sticky on web pages and in the API, one exposure per showing through
apps.experiments, a conversion once per person for the claim and for the redemption, and
nobody learning another person's assignment."""

import pytest
from django.core.cache import cache
from django.forms import modelform_factory
from django.test import Client

from apps.core import analytics
from apps.core.personal_data import exporters
from apps.experiments import services as experiment_services
from apps.experiments.models import Assignment, Conversion
from apps.notifications.models import Notification
from apps.promos import selectors, services
from apps.promos.admin import PromotionForm
from apps.promos.models import Promotion
from tests.accounts.factories import UserFactory
from tests.experiments.factories import experiment, steer
from tests.promos.factories import committed, promotion

pytestmark = pytest.mark.django_db

KEY = "promo-bigger-discount"


@pytest.fixture
def trial():
    """An experiment with a baseline promotion for the control and a new one for the other."""
    made = experiment(KEY, variants=(("control", 50), ("bigger", 50)))
    baseline = promotion("ten-off", value=10, experiment=KEY, variant="control")
    bigger = promotion("twenty-off", value=20, experiment=KEY, variant="bigger")
    return made, baseline, bigger


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _exposures() -> list[tuple[int, str]]:
    return [
        (e.user_id, e.properties["variant"])
        for e in analytics.get_backend()._events
        if e.name == "experiment.exposure" and e.properties["experiment"] == KEY
    ]


def _api_slugs(client) -> list[str]:
    response = client.get("/api/v1/promos/offers/")
    assert response.status_code == 200
    return [offer["slug"] for offer in response.json()["results"]]


def test_the_variant_is_sticky_across_web_pages_and_the_api(trial, token_client):
    made, _baseline, _bigger = trial
    user = UserFactory()
    steer(made, "bigger")
    api = token_client(user)

    assert _api_slugs(api) == ["twenty-off"]
    # Staff now send everybody new to the control; the person already in keeps "bigger",
    # in the browser as in the app, and whatever the cache held.
    steer(made, "control")
    cache.clear()
    page = _web(user).get("/promos/").content.decode()
    assert "twenty-off offer" in page and "ten-off offer" not in page
    assert _api_slugs(api) == ["twenty-off"]

    assert list(Assignment.objects.values_list("user_id", "variant__key")) == [(user.pk, "bigger")]
    assert _exposures() == [(user.pk, "bigger")] * 3  # one per showing, all the same variant
    assert Conversion.objects.count() == 0  # seeing is no conversion


def test_the_control_does_not_see_the_new_promotion(trial, token_client):
    made, _baseline, bigger = trial
    steer(made, "control")
    person = UserFactory()
    api = token_client(person)

    assert _api_slugs(api) == ["ten-off"]
    page = _web(person).get("/promos/").content.decode()
    assert "ten-off offer" in page and "twenty-off offer" not in page
    refused = api.post(f"/api/v1/promos/offers/{bigger.pk}/claim/")
    assert (refused.status_code, refused.json()["code"]) == (404, "NOT_FOUND")
    assert not bigger.coupons.exists()
    assert _exposures() == [(person.pk, "control")] * 2  # the control is exposed as well


def test_people_outside_the_experiment_get_the_baseline_and_are_not_put_in(trial, token_client):
    made, _baseline, _bigger = trial
    made.status = "stopped"
    made.save(update_fields=["status"])
    experiment_services.definition_changed(key=KEY)
    person = UserFactory()

    assert _api_slugs(token_client(person)) == ["ten-off"]
    assert not Assignment.objects.exists() and _exposures() == []

    # Rolled out to everybody: staff clear the experiment of the winner.
    Promotion.objects.filter(slug="twenty-off").update(experiment="", variant="")
    assert _api_slugs(token_client(person)) == ["twenty-off", "ten-off"]


def test_claim_and_redemption_convert_once_per_person(trial, token_client):
    made, baseline, bigger = trial
    steer(made, "bigger")
    person = UserFactory()
    api = token_client(person)
    _api_slugs(api)

    first = api.post(f"/api/v1/promos/offers/{bigger.pk}/claim/")
    again = api.post(f"/api/v1/promos/offers/{bigger.pk}/claim/")
    web = _web(person).post(f"/promos/offers/{bigger.pk}/claim/")
    assert (first.status_code, again.status_code, web.status_code) == (201, 201, 302)
    code = first.json()["code"]
    assert again.json()["code"] == code

    order = services.order_report(
        shop="shop", order_id="A-1", user_id=person.pk, total="80.00", currency="EUR",
        coupon_code=code,
    )  # fmt: skip
    replay = services.order_report(
        shop="shop", order_id="A-1", user_id=person.pk, total="80.00", currency="EUR",
        coupon_code=code,
    )  # fmt: skip
    assert (order.created, replay.created) == (True, False)

    assert sorted(Conversion.objects.values_list("user_id", "variant__key", "metric")) == [
        (person.pk, "bigger", "claim"),
        (person.pk, "bigger", "redeem"),
    ]
    # The control's baseline converts the same way, into the control's row.
    steer(made, "control")
    other = UserFactory()
    other_api = token_client(other)
    assert other_api.post(f"/api/v1/promos/offers/{baseline.pk}/claim/").status_code == 201
    assert Conversion.objects.filter(user=other).get().variant.key == "control"


def test_a_promotion_without_an_experiment_converts_nobody(token_client):
    experiment(KEY)
    plain = promotion("plain")
    person = UserFactory()
    api = token_client(person)
    assert _api_slugs(api) == ["plain"]
    assert api.post(f"/api/v1/promos/offers/{plain.pk}/claim/").status_code == 201
    assert not Assignment.objects.exists() and not Conversion.objects.exists()


def test_nobody_learns_another_persons_assignment(trial, token_client):
    made, _baseline, bigger = trial
    steer(made, "bigger")
    treated = UserFactory()
    _api_slugs(token_client(treated))
    steer(made, "control")
    control = UserFactory()
    api = token_client(control)

    response = api.get("/api/v1/promos/offers/")
    body = response.content.decode()
    assert [o["slug"] for o in response.json()["results"]] == ["ten-off"]
    assert "bigger" not in body and "twenty-off" not in body  # nor the other arm's name
    assert api.post(f"/api/v1/promos/offers/{bigger.pk}/claim/").status_code == 404
    # The data export holds only the person's own assignment.
    mine = exporters()["experiments"](control.pk).data["assignments"]
    assert [(a["experiment"], a["variant"]) for a in mine] == [(KEY, "control")]
    # The assignments and the results are for staff only.
    web = _web(control)
    for url in (
        "/admin/experiments/assignment/",
        f"/admin/experiments/experiment/{made.pk}/results/",
    ):
        assert web.get(url).status_code == 302
    assert Assignment.objects.get(user=treated).variant.key == "bigger"  # untouched


def test_the_announcement_goes_to_the_variant_that_sees_it(trial):
    made, _baseline, bigger = trial
    Promotion.objects.filter(pk=bigger.pk).update(announce=True)
    steer(made, "control")
    control = UserFactory()
    experiment_services.variant_for(experiment_key=KEY, user=control)
    steer(made, "bigger")
    treated = UserFactory()

    with committed():
        assert services.promotion_announce(promotion_id=bigger.pk) == 1
    notified = Notification.objects.filter(kind="promotion_new")
    assert list(notified.values_list("user_id", flat=True)) == [treated.pk]
    assert Assignment.objects.get(user=treated).variant.key == "bigger"


def test_offer_list_queries_do_not_grow_with_the_promotions_of_an_experiment(
    trial, token_client, django_assert_max_num_queries
):
    made, _baseline, _bigger = trial
    steer(made, "bigger")
    client = token_client(UserFactory())
    assert len(client.get("/api/v1/promos/offers/").json()["results"]) == 1  # warm caches
    with django_assert_max_num_queries(30) as few:
        client.get("/api/v1/promos/offers/")
    for i in range(12):
        promotion(f"more-{i}", experiment=KEY, variant="bigger")
        promotion(f"base-{i}", experiment=KEY, variant="control")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/promos/offers/")
    assert len(response.json()["results"]) == 13


@pytest.mark.parametrize(
    ("key", "variant", "error"),
    [
        ("no-such-experiment", "", ("experiment", "No experiment has this key.")),
        (KEY, "purple", ("variant", "Not a variant of this experiment (it has: control, bigger).")),
        (KEY, "bigger", None),
        (KEY, "", None),
        ("", "", None),
    ],
)
def test_staff_can_only_name_an_existing_experiment_and_variant(trial, key, variant, error):
    form_class = modelform_factory(Promotion, form=PromotionForm, fields=["experiment", "variant"])
    form = form_class(data={"experiment": key, "variant": variant})
    assert form.is_valid() is (error is None)
    if error:
        assert form.errors == {error[0]: [error[1]]}


def test_a_flag_staff_have_not_created_hides_the_promotion_outside_a_request():
    """Background work (announcements, seeding) reads flags per user: a missing flag is off."""
    promotion("gated", waffle_flag="promos_not_created_yet")
    person = UserFactory()
    assert services.offers_show(user=person) == []
    assert services.flag_check_for(user=person)("promos_not_created_yet") is False


def test_the_demo_experiment_shows_and_converts_once_however_often_it_runs():
    from django.utils.module_loading import autodiscover_modules

    from apps.core import demo

    autodiscover_modules("demo")
    seeder = dict(demo.seeders())["apps.promos.demo.seed_promotion_experiment"]
    people = [UserFactory(email=f"{n}@stride.local") for n in ("anna", "ivan", "maya")]
    first, again = seeder(), seeder()

    assert first == again  # the same people in the same variants, nothing new
    assigned = dict(
        Assignment.objects.filter(experiment__key="promo-shoe-discount").values_list(
            "user__email", "variant__key"
        )
    )
    assert sorted(assigned) == sorted(p.email for p in people)
    exposures = [
        e.user_id
        for e in analytics.get_backend()._events
        if e.name == "experiment.exposure" and e.properties["experiment"] == "promo-shoe-discount"
    ]
    assert sorted(exposures) == sorted(p.pk for p in people)  # once each, on the first run
    # Anna and Ivan take the offer their variant shows them (10 % or 20 %); Maya does not.
    claims = Conversion.objects.filter(experiment__key="promo-shoe-discount", metric="claim")
    assert sorted(claims.values_list("user__email", "variant__key")) == [
        ("anna@stride.local", assigned["anna@stride.local"]),
        ("ivan@stride.local", assigned["ivan@stride.local"]),
    ]
    slugs = {"control": "shoe-discount-10", "bigger": "shoe-discount-20"}
    for person in people[:2]:
        wallet = selectors.coupon_wallet(user=person)
        assert [c.promotion.slug for c in wallet] == [slugs[assigned[person.email]]]


def test_places_that_are_not_the_entry_only_read_the_variant(trial):
    """Gear's replacement suggestions carry offers too: they show a person the arm of the
    variant they are in, and put nobody in (people not in yet see the control's arm)."""
    made, _baseline, _bigger = trial
    steer(made, "bigger")
    person = UserFactory()

    def suggested():
        offers = selectors.offers_for(
            user=person,
            flag_check=services.flag_check_for(user=person),
            variants=services.variants_for(user=person, enter=False),
        )
        return [p.slug for p in offers]

    assert suggested() == ["ten-off"]
    assert not Assignment.objects.exists() and _exposures() == []
    services.offers_show(user=person)  # the offers page: the entry
    assert suggested() == ["twenty-off"]
    made.status = "stopped"
    made.save(update_fields=["status"])
    experiment_services.definition_changed(key=KEY)
    assert suggested() == ["ten-off"]  # stopped: everybody gets the control's experience
