"""What partners holds about a person: the partner apps they own, the partners they authorized
and the webhook events about them; and its erasure (before training's)."""

from __future__ import annotations

from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_refresh_token_model,
)

from apps.core.personal_data import ExportPart, eraser, exporter
from apps.partners.models import Change, Partner, WebhookEvent


@exporter("partners")
def export_partners(user_id: int) -> ExportPart:
    from apps.partners import selectors

    owned = [
        {"id": p.pk, "name": p.name, "status": p.status, "created": p.created.isoformat()}
        for p in Partner.objects.filter(owners__pk=user_id).order_by("pk")
    ]
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    authorized = selectors.authorizations_for_user(user=user) if user else []
    events = [
        {"id": e.webhook_id, "type": e.type, "created_at": e.created_at.isoformat(), "data": e.data}
        for e in WebhookEvent.objects.filter(user_id=user_id).order_by("created_at")
    ]
    return ExportPart(
        data={"partners_owned": owned, "partners_authorized": authorized, "webhook_events": events}
    )


@eraser("partners", order=40)
def erase_partners(user_id: int) -> None:
    """Revoke every partner's access, drop events and feed rows about the person, and leave
    the partner apps they owned (deleted when nobody else owns them)."""
    for model in (get_refresh_token_model(), get_access_token_model(), get_grant_model()):
        model.objects.filter(user_id=user_id).delete()
    WebhookEvent.objects.filter(user_id=user_id).delete()
    Change.objects.filter(user_id=user_id).delete()
    for partner in Partner.objects.filter(owners__pk=user_id):
        partner.owners.remove(user_id)
        if not partner.owners.exists():
            partner.delete()
