"""A new challenge rolled out to one variant of an experiment: listed only to that variant on
the page and in the API (sticky, one assignment), an exposure when the list is shown, the join
as the conversion (once), and list query counts that do not grow with the challenges."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.challenges import services
from apps.challenges.admin import ChallengeForm
from apps.challenges.models import Challenge
from apps.core import analytics
from apps.experiments.models import Assignment, Conversion
from tests.accounts.factories import UserFactory
from tests.experiments.factories import experiment, steer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_june")]

KEY = "challenge-hills"


def _challenge(slug: str, *, end=date(2026, 6, 30), **fields) -> Challenge:
    return Challenge.objects.create(
        slug=slug,
        title={"en": f"{slug} title", "de": f"{slug} Titel", "ru": f"{slug} заголовок"},
        metric="activities",
        target=3,
        start_date=date(2026, 6, 1),
        end_date=end,
        **fields,
    )


@pytest.fixture
def trial(challenge):
    made = experiment(KEY, variants=(("control", 50), ("listed", 50)))
    hills = _challenge("hills", experiment=KEY, variant="listed")
    return made, hills


def _api_slugs(client) -> list[str]:
    response = client.get("/api/v1/challenges/")
    assert response.status_code == 200
    return [c["slug"] for c in response.json()["results"]]


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


def test_listed_only_to_the_variant_the_same_on_the_page_and_in_the_api(trial, token_client):
    made, _hills = trial
    steer(made, "listed")
    listed = UserFactory()
    assert _api_slugs(token_client(listed)) == ["hills", "june-50k"]
    steer(made, "control")  # newcomers now go to the control; the first person stays
    cache.clear()
    assert "hills title" in _web(listed).get("/challenges/").content.decode()

    control = UserFactory()
    assert _api_slugs(token_client(control)) == ["june-50k"]
    page = _web(control).get("/challenges/").content.decode()
    assert "June 50 km" in page and "hills title" not in page

    assert sorted(Assignment.objects.values_list("user_id", "variant__key")) == [
        (listed.pk, "listed"),
        (control.pk, "control"),
    ]
    assert _exposures() == [(listed.pk, "listed")] * 2 + [(control.pk, "control")] * 2
    # Nothing in the payload tells anyone about experiments or variants.
    assert "control" not in token_client(control).get("/api/v1/challenges/").content.decode()


def test_joining_converts_once_and_only_people_in_the_experiment(trial, token_client):
    made, hills = trial
    steer(made, "listed")
    person = UserFactory()
    client = token_client(person)
    _api_slugs(client)

    for _ in range(2):
        assert client.post(f"/api/v1/challenges/{hills.pk}/join/").status_code == 200
    web = _web(person).post(f"/challenges/{hills.pk}/membership/", {"action": "join"})
    assert web.status_code == 302
    assert list(Conversion.objects.values_list("user_id", "variant__key", "metric")) == [
        (person.pk, "listed", "join")
    ]

    # Somebody never shown the list who joins by a shared link is in no variant: not counted.
    stranger = UserFactory()
    assert token_client(stranger).post(f"/api/v1/challenges/{hills.pk}/join/").status_code == 200
    assert not Conversion.objects.filter(user=stranger).exists()
    # Joining a challenge without an experiment converts nobody.
    services.challenge_join(challenge=Challenge.objects.get(slug="june-50k"), user=person)
    assert Conversion.objects.count() == 1


def test_the_control_joining_by_a_shared_link_converts_and_keeps_it_listed(trial, token_client):
    made, hills = trial
    steer(made, "control")
    person = UserFactory()
    client = token_client(person)
    assert _api_slugs(client) == ["june-50k"]
    detail = client.get(f"/api/v1/challenges/{hills.pk}/")  # a friend's link still works
    assert (detail.status_code, detail.json()["slug"]) == (200, "hills")
    assert client.post(f"/api/v1/challenges/{hills.pk}/join/").status_code == 200

    # The control's conversions count who joins without it being listed to them.
    assert list(Conversion.objects.values_list("variant__key", "metric")) == [("control", "join")]
    assert sorted(_api_slugs(client)) == ["hills", "june-50k"]  # what you joined stays listed
    made.status = "stopped"
    made.save(update_fields=["status"])
    from apps.experiments import services as experiment_services

    experiment_services.definition_changed(key=KEY)
    assert sorted(_api_slugs(client)) == ["hills", "june-50k"]


def test_an_ended_experiment_challenge_puts_nobody_in(trial, token_client):
    made, hills = trial
    steer(made, "listed")
    earlier = UserFactory()
    _api_slugs(token_client(earlier))  # put in "listed" while the challenge was open
    analytics.get_backend().discard()
    Challenge.objects.filter(pk=hills.pk).update(
        start_date=date(2026, 5, 1), end_date=date(2026, 5, 31)
    )
    newcomer = UserFactory()
    assert _api_slugs(token_client(newcomer)) == ["june-50k"]  # the control's list
    assert sorted(_api_slugs(token_client(earlier))) == ["hills", "june-50k"]  # still theirs
    assert list(Assignment.objects.values_list("user_id", flat=True)) == [earlier.pk]
    assert _exposures() == []  # an ended challenge is shown, not tried out on anybody


def test_the_list_queries_do_not_grow_with_experiment_challenges(trial, token_client):
    made, _hills = trial
    steer(made, "listed")
    client = token_client(UserFactory())
    _api_slugs(client)  # warm caches (session, the experiment, the assignment)
    with CaptureQueriesContext(connection) as few:
        assert len(_api_slugs(client)) == 2
    for i in range(9):
        _challenge(f"more-{i}", experiment=KEY, variant="listed")
        _challenge(f"ctl-{i}", experiment=KEY, variant="control")
    with CaptureQueriesContext(connection) as many:
        assert len(_api_slugs(client)) == 11
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("key", "variant", "valid"),
    [("missing", "", False), (KEY, "nope", False), (KEY, "listed", True), ("", "", True)],
)
def test_staff_name_an_existing_experiment_and_variant(trial, key, variant, valid):
    from django.forms import modelform_factory

    form = modelform_factory(Challenge, form=ChallengeForm, fields=["experiment", "variant"])(
        data={"experiment": key, "variant": variant}
    )
    assert form.is_valid() is valid


def test_the_demo_experiment_exposes_and_converts_once_however_often_it_runs(monkeypatch):
    from django.utils.module_loading import autodiscover_modules

    from apps.core import demo
    from apps.experiments import selectors as experiment_selectors

    # The demo challenge runs this month: undo the frozen June.
    monkeypatch.setattr(services, "today", lambda zone: timezone.localdate())
    autodiscover_modules("demo")
    seeder = dict(demo.seeders())["apps.challenges.demo.seed_challenge_experiment"]
    people = [UserFactory(email=f"{n}@stride.local") for n in ("anna", "ivan", "maya")]
    first, again = seeder(), seeder()

    assert first == again
    key = "challenge-hill-repeats"
    variants = {
        p.pk: experiment_selectors.assigned_variant(experiment_key=key, user_id=p.pk)
        for p in people
    }
    assert set(variants.values()) <= {"control", "listed"} and None not in variants.values()
    exposures = [
        e.user_id
        for e in analytics.get_backend()._events
        if e.name == "experiment.exposure" and e.properties["experiment"] == key
    ]
    assert sorted(exposures) == sorted(variants)  # once each, on the first run
    hills = Challenge.objects.get(experiment=key)
    joined = sorted(hills.participations.values_list("user_id", flat=True))
    assert joined == sorted(pk for pk, v in variants.items() if v == "listed")
    assert sorted(
        Conversion.objects.filter(experiment__key=key).values_list("user_id", "metric")
    ) == [(pk, "join") for pk in joined]
