"""Reads of the partners app: partners a person owns or authorized, endpoints, deliveries, the
changes feed and who an OAuth token speaks for."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from oauth2_provider.models import get_access_token_model, get_application_model

from apps.partners.models import (
    Change,
    DeliveryAttempt,
    Environment,
    Partner,
    SandboxAthlete,
    ShopStatus,
    WebhookDelivery,
    WebhookEndpoint,
)


def partner_list_owned(*, user) -> QuerySet[Partner]:
    return Partner.objects.filter(owners=user).select_related(
        "sandbox_application", "production_application"
    )


def partner_get_owned(*, user, partner_id: int) -> Partner | None:
    return partner_list_owned(user=user).filter(pk=partner_id).first()


def partner_for_application(application_id: int) -> tuple[Partner, str] | None:
    """The partner of an OAuth client and the environment of that client."""
    partner = (
        Partner.objects.filter(
            Q(sandbox_application_id=application_id) | Q(production_application_id=application_id)
        )
        .select_related("sandbox_application", "production_application")
        .first()
    )
    if partner is None:
        return None
    env = (
        Environment.SANDBOX
        if partner.sandbox_application_id == application_id
        else Environment.PRODUCTION
    )
    return partner, env


def is_sandbox_user(*, partner: Partner, user_id: int) -> bool:
    return (
        SandboxAthlete.objects.filter(partner=partner, user_id=user_id).exists()
        or partner.owners.filter(pk=user_id).exists()
    )


def authorized_application_ids(*, user_id: int, scope: str = "") -> set[int]:
    """OAuth clients the person granted (with `scope`, if given) and has not revoked."""
    rows = (
        get_access_token_model()
        .objects.filter(user_id=user_id, application__isnull=False)
        .values_list("application_id", "scope")
    )
    return {app_id for app_id, scopes in rows if not scope or scope in scopes.split()}


def authorized_user_ids(*, application_id: int, scope: str = "") -> set[int]:
    rows = (
        get_access_token_model()
        .objects.filter(application_id=application_id, user__isnull=False)
        .values_list("user_id", "scope")
    )
    return {uid for uid, scopes in rows if not scope or scope in scopes.split()}


def authorizations_for_user(*, user) -> list[dict]:
    """The partners a person let act for them: one row per partner client, with its scopes."""
    grants: dict[int, set[str]] = {}
    for app_id, scopes in (
        get_access_token_model()
        .objects.filter(user=user, application__isnull=False)
        .values_list("application_id", "scope")
    ):
        grants.setdefault(app_id, set()).update(scopes.split())
    if not grants:
        return []
    partners = Partner.objects.filter(
        Q(sandbox_application_id__in=grants) | Q(production_application_id__in=grants)
    )
    by_app = {}
    for partner in partners:
        for app_id in (partner.sandbox_application_id, partner.production_application_id):
            if app_id in grants:
                by_app[app_id] = partner
    names = dict(get_application_model().objects.filter(pk__in=grants).values_list("pk", "name"))
    return [
        {
            "id": app_id,
            "partner_id": by_app[app_id].pk if app_id in by_app else None,
            "name": by_app[app_id].name if app_id in by_app else names.get(app_id, ""),
            "scopes": sorted(grants[app_id]),
        }
        for app_id in sorted(grants)
    ]


def endpoints_for_user_event(*, user_id: int, scope: str) -> list[WebhookEndpoint]:
    """Active endpoints of partners the person authorized with `scope`, per environment."""
    app_ids = authorized_application_ids(user_id=user_id, scope=scope)
    if not app_ids:
        return []
    return list(
        WebhookEndpoint.objects.filter(is_active=True).filter(
            Q(environment=Environment.SANDBOX, partner__sandbox_application_id__in=app_ids)
            | Q(
                environment=Environment.PRODUCTION,
                partner__production_application_id__in=app_ids,
            )
        )
    )


def shop_endpoints(*, user_id: int | None) -> list[WebhookEndpoint]:
    """Where shops hear news about a person (a coupon issued, a reward redeemed), by the
    environment the person belongs to: a sandbox athlete's news goes only to the sandbox
    endpoints of its partner's shop; anyone else's to the production endpoints of the shops
    approved for production, and to the sandbox endpoints of the shops the person owns (owners
    are their shop's sandbox testers, as `is_sandbox_user` has it)."""
    shops = WebhookEndpoint.objects.filter(is_active=True).exclude(
        partner__shop_secret=""  # nosec B106 - "no secret set", not a password
    )
    sandbox_of = (
        SandboxAthlete.objects.filter(user_id=user_id).values_list("partner_id", flat=True).first()
        if user_id
        else None
    )
    if sandbox_of is not None:
        return list(
            shops.filter(environment=Environment.SANDBOX, partner_id=sandbox_of).exclude(
                partner__shop_status=ShopStatus.NONE
            )
        )
    production = Q(environment=Environment.PRODUCTION, partner__shop_status=ShopStatus.PRODUCTION)
    own_sandbox = (
        Q(environment=Environment.SANDBOX, partner__owners=user_id)
        & ~Q(partner__shop_status=ShopStatus.NONE)
        if user_id
        else Q(pk__in=[])
    )
    return list(shops.filter(production | own_sandbox).distinct())


def shop_own_endpoints(*, partner_id: int, environment: str) -> list[WebhookEndpoint]:
    """Active endpoints of one shop in one environment (news about its own orders there)."""
    return list(
        WebhookEndpoint.objects.filter(
            is_active=True, partner_id=partner_id, environment=environment
        )
    )


def endpoint_list(*, partner: Partner) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(partner=partner)


def endpoint_get_owned(*, user, endpoint_id: int) -> WebhookEndpoint | None:
    return (
        WebhookEndpoint.objects.filter(pk=endpoint_id, partner__owners=user)
        .select_related("partner")
        .first()
    )


def delivery_list(*, partner: Partner) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.filter(endpoint__partner=partner)
        .select_related("event", "endpoint")
        .order_by("-created", "-pk")
    )


def delivery_get_owned(*, user, delivery_id: int) -> WebhookDelivery | None:
    return (
        WebhookDelivery.objects.filter(pk=delivery_id, endpoint__partner__owners=user)
        .select_related("event", "endpoint", "endpoint__partner")
        .first()
    )


def last_attempts(delivery_ids: list[int]) -> dict[int, DeliveryAttempt]:
    out: dict[int, DeliveryAttempt] = {}
    for attempt in DeliveryAttempt.objects.filter(delivery_id__in=delivery_ids).order_by(
        "delivery_id", "-attempted_at", "-pk"
    ):
        out.setdefault(attempt.delivery_id, attempt)
    return out


def changes_for_users(*, user_ids: set[int] | None) -> QuerySet[Change]:
    """The changes feed: the latest change per object, oldest first (`seq` ascending)."""
    qs = Change.objects.all()
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    return qs.order_by("seq")
