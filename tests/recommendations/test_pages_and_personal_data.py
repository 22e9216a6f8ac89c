import pytest

from apps.core.models import AnalyticsEvent
from apps.core.personal_data import erasers, exporters
from apps.recommendations import services
from apps.recommendations.models import AthleteProfile, Interaction
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_has_a_for_you_section_loaded_by_htmx(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get("/dashboard/").content.decode()
    assert 'hx-get="/for-you/"' in page and "For you" in page

    partial = client.get("/for-you/", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body
    assert "/plans/10k/" in body and "Not for me" in body

    full = client.get("/for-you/")
    assert "<html" in full.content.decode()


def test_not_for_me_hides_it(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        "/for-you/feedback/", {"kind": "workouts", "item": "plan:10k", "action": "dismiss"}
    )

    assert response.status_code == 302
    assert "/plans/10k/" not in client.get("/for-you/", HTTP_HX_REQUEST="true").content.decode()
    bad = client.post("/for-you/feedback/", {"kind": "nope", "item": "x", "action": "dismiss"})
    assert bad.status_code == 302
    assert Interaction.objects.filter(user=user).count() == 1


def test_the_for_you_page_needs_a_login(client):
    assert client.get("/for-you/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_export_and_erase_feedback_profile_and_impressions():
    from apps.core import analytics

    user, other = UserFactory(), UserFactory()
    services.feedback_record(user=user, kind="workouts", item="plan:10k", action="click")
    services.feedback_record(user=other, kind="workouts", item="plan:10k", action="click")
    services.recommend(user=user, kind="workouts")
    services.recommend(user=other, kind="workouts")
    analytics.flush()

    data = exporters()["recommendations"](user.pk).data
    assert [(i["item"], i["action"]) for i in data["interactions"]] == [("plan:10k", "click")]
    assert len(data["impressions"]) == 1 and data["impressions"][0]["kind"] == "workouts"
    assert data["profile"]["level"] == 0.0

    dict(erasers())["recommendations"](user.pk)
    assert not Interaction.objects.filter(user=user).exists()
    assert not AthleteProfile.objects.filter(user=user).exists()
    assert not AnalyticsEvent.objects.filter(
        user_id=user.pk, name=services.IMPRESSION_EVENT
    ).exists()
    assert Interaction.objects.filter(user=other).count() == 1
    assert (
        AnalyticsEvent.objects.filter(user_id=other.pk, name=services.IMPRESSION_EVENT).count() == 1
    )
