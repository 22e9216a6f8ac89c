import pytest
from django.test import Client

from apps.partners.models import SandboxAthlete
from apps.training import selectors as training_selectors
from apps.training.models import Activity
from tests.accounts.factories import UserFactory
from tests.partners.factories import make_partner
from tests.partners.helpers import client_credentials

pytestmark = pytest.mark.django_db


def test_sandbox_is_generated_once_and_stays_private(token_client):
    partner, creds = make_partner()
    api = token_client(partner.owners.get())

    first = api.post(f"/api/v1/partners/{partner.pk}/sandbox/").json()
    again = api.post(f"/api/v1/partners/{partner.pk}/sandbox/").json()

    assert first == {"athletes": 3, "activities": 12}
    assert again == {"athletes": 3, "activities": 0}
    athletes = SandboxAthlete.objects.filter(partner=partner)
    assert athletes.count() == 3
    # Nobody else sees sandbox athletes' activities.
    stranger = UserFactory()
    for sandbox in athletes:
        assert not training_selectors.visible_activities(
            viewer=stranger, owner_id=sandbox.user_id
        ).exists()

    # The partner's sandbox client-credentials token reads the sandbox through the feed.
    token = client_credentials(creds.client_id, creds.client_secret)
    feed = Client(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}").get(
        "/api/v1/changes/?page_size=100"
    )
    assert len(feed.json()["results"]) == 12
    assert Activity.objects.count() == 12
