import pytest
from django.core.management import call_command
from oauth2_provider.models import AccessToken

from apps.core.personal_data import erasers, exporters
from apps.partners.models import Change, Partner, SandboxAthlete, WebhookEvent
from tests.accounts.factories import UserFactory
from tests.partners.factories import make_partner
from tests.partners.helpers import authorize
from tests.partners.test_webhooks import _run

pytestmark = pytest.mark.django_db


def test_export_and_erase():
    partner, creds = make_partner(name="Mine")
    owner = partner.owners.get()
    authorize(owner, creds.client_id, creds.client_secret, "activities:read")
    services_endpoint = partner.endpoints.create(url="http://127.0.0.1:9/h", secret="x")
    assert services_endpoint.is_active
    activity = _run(owner)
    shared, _ = make_partner(name="Shared")
    shared.owners.add(owner)

    data = exporters()["partners"](owner.pk).data
    assert [p["name"] for p in data["partners_owned"]] == ["Mine", "Shared"]
    assert [a["name"] for a in data["partners_authorized"]] == ["Mine"]
    assert [e["data"]["activity_id"] for e in data["webhook_events"]] == [activity.pk]

    dict(erasers())["partners"](owner.pk)
    assert not AccessToken.objects.filter(user=owner).exists()
    assert not WebhookEvent.objects.filter(user_id=owner.pk).exists()
    assert not Change.objects.filter(user_id=owner.pk).exists()
    assert list(Partner.objects.values_list("name", flat=True)) == ["Shared"]
    assert owner not in Partner.objects.get().owners.all()


def test_seed_demo_makes_a_demo_partner_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    partner = Partner.objects.get(name="Demo Partner")
    assert partner.owners.get().email == "anna@stride.local"
    assert not SandboxAthlete.objects.exists()  # filled from the partner page, on demand
    assert "Demo Partner already there" in capsys.readouterr().out
    assert UserFactory()  # real users are unaffected
