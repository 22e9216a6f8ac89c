import pytest
from django.test import RequestFactory
from waffle.models import Flag

from apps.core import analytics
from apps.core.models import AnalyticsEvent
from apps.core.personal_data import erasers, exporters
from apps.experiments import selectors, services
from apps.experiments.models import Assignment, Conversion, Experiment, Variant
from apps.experiments.web import COOKIE, ExperimentCookieMiddleware, variant_for_request
from tests.accounts.factories import UserFactory


def make_experiment(key="exp", variants=(("a", 50), ("b", 50)), **fields):
    experiment = Experiment.objects.create(key=key, name=key, status="running", **fields)
    for position, (variant, weight) in enumerate(variants):
        Variant.objects.create(experiment=experiment, key=variant, weight=weight, position=position)
    return experiment


@pytest.mark.django_db
def test_assignment_is_sticky_even_when_the_weights_change():
    experiment = make_experiment()
    user = UserFactory()
    first = services.variant_for(experiment_key="exp", user=user)
    # Staff move all traffic to the other variant: people already in keep theirs.
    other = "b" if first == "a" else "a"
    Variant.objects.filter(experiment=experiment).update(weight=0)
    Variant.objects.filter(experiment=experiment, key=other).update(weight=100)
    services.definition_changed(key="exp")
    from django.core.cache import cache

    cache.clear()  # and no cached answer helps: the stored assignment decides

    assert [services.variant_for(experiment_key="exp", user=user) for _ in range(3)] == [first] * 3
    assert Assignment.objects.filter(experiment=experiment, user=user).count() == 1
    newcomer = UserFactory()
    assert services.variant_for(experiment_key="exp", user=newcomer) == other


@pytest.mark.django_db
def test_the_hash_splits_by_the_weights_deterministically():
    spec_experiment = make_experiment(variants=(("a", 80), ("b", 20)))
    spec = selectors.experiment_spec(key=spec_experiment.key)
    picks = [selectors.variant_by_hash(spec, f"u{n}").key for n in range(2000)]
    again = [selectors.variant_by_hash(spec, f"u{n}").key for n in range(2000)]

    assert picks == again
    assert 0.76 < picks.count("a") / 2000 < 0.84


@pytest.mark.django_db
def test_not_running_traffic_share_and_waffle_flag_keep_people_out():
    make_experiment(key="off").__class__.objects.filter(key="off").update(status="stopped")
    user = UserFactory()
    assert services.variant_for(experiment_key="off", user=user) is None
    assert services.variant_for(experiment_key="missing", user=user) is None

    make_experiment(key="none", traffic_percent=0)
    assert services.variant_for(experiment_key="none", user=user) is None

    make_experiment(key="staff-first", flag="exp-staff")
    Flag.objects.create(name="exp-staff", staff=True)
    staff = UserFactory(is_staff=True)
    assert services.variant_for(experiment_key="staff-first", user=user) is None
    assert services.variant_for(experiment_key="staff-first", user=staff) in ("a", "b")
    assert not Assignment.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_exposures_go_through_the_batched_tracker_not_a_row_per_request():
    make_experiment()
    user = UserFactory()
    for _ in range(5):
        variant = services.variant_for(experiment_key="exp", user=user)

    backend = analytics.get_backend()
    assert AnalyticsEvent.objects.count() == 0  # buffered, written in batches
    assert backend.pending() == 5
    assert {(e.name, e.user_id, tuple(e.properties.items())) for e in backend._events} == {
        ("experiment.exposure", user.pk, (("experiment", "exp"), ("variant", variant)))
    }
    assert Assignment.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_people_are_kept_apart_by_a_signed_cookie():
    make_experiment()
    seen = []

    def view(request):
        from django.http import HttpResponse

        seen.append(variant_for_request(request, "exp"))
        return HttpResponse("ok")

    middleware = ExperimentCookieMiddleware(view)
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = middleware(request)
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"]

    again = RequestFactory().get("/")
    again.user = AnonymousUser()
    again.COOKIES[COOKIE] = cookie.value
    second = middleware(again)

    assert seen[0] == seen[1] and seen[0] in ("a", "b")
    assert COOKIE not in second.cookies  # the existing id is kept
    assert Assignment.objects.filter(user=None).count() == 1

    forged = RequestFactory().get("/")
    forged.user = AnonymousUser()
    forged.COOKIES[COOKIE] = "someone-else:forged"
    middleware(forged)
    assert Assignment.objects.filter(user=None).count() == 2  # a bad signature is a new id


@pytest.mark.django_db
def test_conversions_count_once_and_only_for_exposed_people():
    make_experiment()
    exposed, never = UserFactory(), UserFactory()
    variant = services.variant_for(experiment_key="exp", user=exposed)

    assert services.convert(exposed, "exp", "click") is True
    assert services.convert(exposed, "exp", "click") is False
    assert services.convert(never, "exp", "click") is False
    assert list(Conversion.objects.values_list("user_id", "variant__key", "metric")) == [
        (exposed.pk, variant, "click")
    ]


def test_statistics_match_the_textbook():
    z, p = selectors.two_proportion_z(100, 1000, 150, 1000)
    assert z == pytest.approx(3.3806, abs=1e-3)
    assert p == pytest.approx(0.000723, abs=2e-5)
    low, high = selectors.wilson_interval(100, 1000)
    assert (round(low, 4), round(high, 4)) == (0.0829, 0.1202)
    chi2, chi_p = selectors.chi_square([(100, 1000), (150, 1000)])
    assert chi2 == pytest.approx(z * z, rel=1e-6)  # a 2x2 chi-square is z squared
    assert chi_p == pytest.approx(p, rel=1e-6)


@pytest.mark.django_db(transaction=True)
def test_the_admin_results_page_shows_exposures_and_conversions_per_variant(staff_client):
    experiment = make_experiment()
    people = [UserFactory() for _ in range(12)]
    by_variant = {"a": [], "b": []}
    for person in people:
        by_variant[services.variant_for(experiment_key="exp", user=person)].append(person)
    for person in by_variant["a"][:2] + by_variant["b"][:1]:
        services.convert(person, "exp", "click")
    analytics.flush()
    client = staff_client

    response = client.get(f"/admin/experiments/experiment/{experiment.pk}/results/")

    assert response.status_code == 200
    results = response.context["metrics"]
    assert [(r.key, r.exposed, r.exposure_events, r.conversions) for r in results[0].variants] == [
        ("a", len(by_variant["a"]), len(by_variant["a"]), 2),
        ("b", len(by_variant["b"]), len(by_variant["b"]), 1),
    ]
    assert response.context["exposures"] == [
        ("a", len(by_variant["a"]), len(by_variant["a"])),
        ("b", len(by_variant["b"]), len(by_variant["b"])),
    ]
    body = response.content.decode()
    assert "Conversions: click" in body and "95 % confidence interval" in body
    assert client.get("/admin/experiments/experiment/").status_code == 200


@pytest.mark.django_db
def test_results_page_is_for_staff_only(client):
    experiment = make_experiment()
    client.force_login(UserFactory())
    response = client.get(f"/admin/experiments/experiment/{experiment.pk}/results/")
    assert response.status_code == 302  # to the admin login


@pytest.mark.django_db
def test_personal_data_export_and_erase():
    make_experiment()
    user, other = UserFactory(), UserFactory()
    variant = services.variant_for(experiment_key="exp", user=user)
    services.variant_for(experiment_key="exp", user=other)
    services.convert(user, "exp", "join")

    data = exporters()["experiments"](user.pk).data
    assert [(a["experiment"], a["variant"]) for a in data["assignments"]] == [("exp", variant)]
    assert [c["metric"] for c in data["conversions"]] == ["join"]

    dict(erasers())["experiments"](user.pk)
    assert not Assignment.objects.filter(user=user).exists()
    assert not Conversion.objects.filter(user=user).exists()
    assert Assignment.objects.filter(user=other).count() == 1
