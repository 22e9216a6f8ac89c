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
