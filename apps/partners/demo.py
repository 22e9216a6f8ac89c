"""Demo partner app for anna@stride.local (its sandbox is filled from its page, so the demo
keeps its four people). Idempotent: made once."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from apps.core import demo
from apps.partners import services
from apps.partners.models import Partner

OWNER = "anna@stride.local"
NAME = "Demo Partner"


@demo.register(order=70)
def seed_partners() -> list[str]:
    owner = get_user_model().objects.filter(email=OWNER).first()
    if owner is None:
        return ["partners: no demo owner"]
    partner = Partner.objects.filter(name=NAME, owners=owner).first()
    if partner is not None:
        return [
            f"partners: {NAME} already there (sandbox client id "
            f"{partner.sandbox_application.client_id}; make a new app on /partners/ for a secret)"
        ]
    partner, credentials = services.partner_create(
        owner=owner, name=NAME, redirect_uris="http://127.0.0.1:8000/oauth/callback"
    )
    return [
        f"partners: {NAME} for {OWNER}, sandbox client id {credentials.client_id} "
        f"(the secret is not printed; make a new app on /partners/ to get one)"
    ]
