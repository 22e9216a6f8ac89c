"""The admin's results page shows the promotion and challenge experiments like any other: they
go through the same machinery (assignments, tracked exposures, conversions)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.challenges import services as challenge_services
from apps.challenges.models import Challenge
from apps.core import analytics
from apps.promos import services as promo_services
from tests.accounts.factories import UserFactory
from tests.experiments.factories import experiment, steer
from tests.promos.factories import promotion


def _rows(response, metric: str):
    found = [m for m in response.context["metrics"] if m.metric == metric]
    assert len(found) == 1, metric
    return [(r.key, r.exposed, r.exposure_events, r.conversions) for r in found[0].variants]


@pytest.mark.django_db(transaction=True)
def test_promotion_experiment_results_per_variant(staff_client):
    made = experiment("promo-trial", variants=(("control", 50), ("offer", 50)))
    baseline = promotion("base", experiment="promo-trial", variant="control")
    offer = promotion("new", experiment="promo-trial", variant="offer")
    steer(made, "control")
    control = [UserFactory() for _ in range(3)]
    for person in control:
        promo_services.offers_show(user=person)
    steer(made, "offer")
    treated = [UserFactory() for _ in range(2)]
    for person in treated:
        promo_services.offers_show(user=person)
    promo_services.offers_show(user=treated[0])  # a second look: one more exposure event
    promo_services.offer_claim(user=control[0], promotion_id=baseline.pk)
    for person in treated:
        promo_services.offer_claim(user=person, promotion_id=offer.pk)
    promo_services.offer_claim(user=treated[0], promotion_id=offer.pk)  # again: counted once
    analytics.flush()

    response = staff_client.get(f"/admin/experiments/experiment/{made.pk}/results/")

    assert response.status_code == 200
    assert response.context["exposures"] == [("control", 3, 3), ("offer", 2, 3)]
    assert _rows(response, "claim") == [("control", 3, 3, 1), ("offer", 2, 3, 2)]
    assert "Conversions: claim" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_challenge_experiment_results_per_variant(staff_client):
    made = experiment("challenge-trial", variants=(("control", 50), ("listed", 50)))
    today = timezone.localdate()
    new = Challenge.objects.create(
        slug="new-one",
        title={"en": "New"},
        metric="activities",
        target=30,
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=20),
        experiment="challenge-trial",
        variant="listed",
    )
    shown = {}
    steer(made, "control")
    control = [UserFactory() for _ in range(2)]
    for person in control:
        shown[person] = list(challenge_services.challenge_list_for(user=person))
    steer(made, "listed")
    listed = [UserFactory() for _ in range(4)]
    for person in listed:
        shown[person] = list(challenge_services.challenge_list_for(user=person))
    assert [new in shown[person] for person in control + listed] == [False] * 2 + [True] * 4
    for person in listed[:3]:
        challenge_services.challenge_join(challenge=new, user=person)
    analytics.flush()

    response = staff_client.get(f"/admin/experiments/experiment/{made.pk}/results/")

    assert response.status_code == 200
    assert response.context["exposures"] == [("control", 2, 2), ("listed", 4, 4)]
    assert _rows(response, "join") == [("control", 2, 2, 0), ("listed", 4, 4, 3)]


@pytest.mark.django_db
def test_staff_edit_the_experiment_of_a_promotion_and_a_challenge(staff_client):
    experiment("edit-trial")
    offer = promotion("edit-me", experiment="edit-trial", variant="treatment")
    today = timezone.localdate()
    challenge = Challenge.objects.create(
        slug="edit-me", title={"en": "Edit"}, metric="activities", target=3,
        start_date=today, end_date=today, experiment="edit-trial", variant="treatment",
    )  # fmt: skip
    for url in (
        f"/admin/promos/promotion/{offer.pk}/change/",
        f"/admin/challenges/challenge/{challenge.pk}/change/",
    ):
        page = staff_client.get(url)
        assert page.status_code == 200, url
        assert 'name="experiment" value="edit-trial"' in page.content.decode(), url
    listing = staff_client.get("/admin/promos/promotion/").content.decode()
    assert "edit-trial" in listing
