from apps.partners import services
from tests.accounts.factories import UserFactory
from tests.partners.helpers import REDIRECT_URI


def make_partner(owner=None, name="Acme Runs"):
    """A partner with sandbox credentials; returns (partner, credentials)."""
    owner = owner or UserFactory()
    return services.partner_create(owner=owner, name=name, redirect_uris=REDIRECT_URI)
