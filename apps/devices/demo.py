"""Demo data for provider connections: a demo member linked to the sandbox provider, whose
first workouts came in through signed webhooks, so the connections page and the admin's
webhook events have something to show. Skipped when the link exists (safe to run again)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from apps.core import demo
from apps.devices import services
from apps.devices.models import Connection
from apps.devices.providers.sandbox import SandboxProvider

DEMO_EMAIL = "maya@stride.local"


@demo.register(order=55)
def seed_sandbox_connection() -> list[str]:
    user = get_user_model().objects.filter(email=DEMO_EMAIL).first()
    if user is None or Connection.objects.filter(user=user, provider="sandbox").exists():
        return []
    tokens = SandboxProvider().sandbox_tokens(user_id=user.pk)
    connection = Connection.objects.create(
        user=user,
        provider="sandbox",
        external_id=tokens.external_id,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        token_expires_at=tokens.expires_at,
        scopes=tokens.scopes,
    )
    new = services.sandbox_workouts_send(connection_id=connection.pk, count=2)
    return [f"{DEMO_EMAIL}: sandbox provider connected, {len(new)} webhook events"]
