"""Plans join the GDPR export and erasure."""

import pytest

from apps.core.personal_data import erasers, exporters
from apps.training.plans import services
from apps.training.plans.models import PlanEnrollment, PlanSession
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_owners_plans_only():
    owner, other = UserFactory(), UserFactory()
    enrollment = services.plan_enroll(owner=owner, plan_slug="yoga-30-days").enrollment
    services.plan_enroll(owner=other, plan_slug="10k")

    part = exporters()["training_plans"](owner.pk)

    (exported,) = part.data
    assert (exported["plan"], exported["start_date"], len(exported["sessions"])) == (
        "yoga-30-days",
        enrollment.start_date.isoformat(),
        30,
    )
    assert exported["sessions"][0]["focus"] == "breath"
    assert exported["adaptations"] == []


def test_erasure_removes_the_owners_plans_and_can_run_twice():
    owner, other = UserFactory(), UserFactory()
    services.plan_enroll(owner=owner, plan_slug="10k")
    services.plan_enroll(owner=other, plan_slug="10k")
    erase = dict(erasers())["training_plans"]

    erase(owner.pk)
    erase(owner.pk)

    assert not PlanEnrollment.objects.filter(owner=owner).exists()
    assert PlanSession.objects.filter(enrollment__owner=other).count() == 32


def test_an_active_race_plan_is_enrolled_again_on_import_and_history_is_not():
    from datetime import timedelta

    from apps.core.personal_data import importers
    from apps.training.plans.selectors import local_today

    old, new = UserFactory(), UserFactory()
    race = local_today("UTC") + timedelta(weeks=10)
    services.plan_enroll(owner=old, plan_slug="10k", race_date=race)
    services.plan_enroll(owner=old, plan_slug="yoga-30-days")
    data = exporters()["training_plans"](old.pk).data

    summary = importers()["training_plans"](new.pk, data, None)
    again = importers()["training_plans"](new.pk, data, None)

    assert summary == {"enrolled": 1, "history_only": 1}
    assert again == {"enrolled": 1, "history_only": 1}  # the same enrollment, not a second
    enrollment = PlanEnrollment.objects.get(owner=new)
    assert (enrollment.plan_slug, enrollment.race_date) == ("10k", race)
