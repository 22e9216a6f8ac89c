"""Writes of the partners app: partners and their OAuth clients, webhook endpoints, the
transactional outbox and its delivery, the changes feed, inbound activities, the sandbox."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_refresh_token_model,
)

from apps.core import crypto
from apps.core.events import DomainEvent
from apps.devices import services as devices_services
from apps.notifications.services import notify
from apps.partners import registry, selectors, signing
from apps.partners.exceptions import EndpointInvalid, PartnerInvalid, PartnerStateInvalid
from apps.partners.models import (
    Change,
    DeliveryAttempt,
    Environment,
    Partner,
    ShopStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from apps.training import selectors as training_selectors
from apps.training import services as training_services
from apps.training.types import NormalizedActivity

logger = logging.getLogger(__name__)

# Seconds to wait after each failed attempt: about three days in all (5 s … 24 h), then the
# delivery gives up and the endpoint is disabled.
BACKOFF_S = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
MAX_ATTEMPTS = len(BACKOFF_S) + 1
TIMEOUT_S = (5, 10)  # connect, read
BODY_EXCERPT = 2000
ROTATION_OVERLAP = timedelta(hours=24)


@dataclass(frozen=True)
class Credentials:
    """Shown once, at creation: the secret is stored hashed."""

    environment: str
    client_id: str
    client_secret: str


# --- Partners and their OAuth clients -----------------------------------------------------


def _application(*, partner: Partner, environment: str, redirect_uris: str, owner):
    secret = generate_client_secret()
    application = get_application_model()(
        name=f"{partner.name} ({environment})"[:255],
        user=owner,
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=redirect_uris,
        client_secret=secret,
        hash_client_secret=True,
        algorithm="",
    )
    application.full_clean(exclude=["client_secret"])
    application.save()
    return application, Credentials(environment, application.client_id, secret)


def _check_redirect_uris(redirect_uris: str) -> str:
    uris = redirect_uris.split()
    if not uris or any(urlsplit(u).scheme not in ("http", "https") for u in uris):
        raise PartnerInvalid(
            fields={"redirect_uris": [_("Enter one or more http(s) URLs, separated by spaces.")]}
        )
    return " ".join(uris)


def partner_create(
    *, owner, name: str, redirect_uris: str, website: str = ""
) -> tuple[Partner, Credentials]:
    """Create a partner with sandbox credentials at once (its secret is returned only here)."""
    name = name.strip()
    if not name:
        raise PartnerInvalid(fields={"name": [_("Enter a name.")]})
    uris = _check_redirect_uris(redirect_uris)
    with transaction.atomic():
        partner = Partner.objects.create(name=name[:100], website=website)
        partner.owners.add(owner)
        credentials = partner_sandbox_credentials_issue(
            partner=partner, redirect_uris=uris, owner=owner
        )
    return partner, credentials


def partner_sandbox_credentials_issue(
    *, partner: Partner, redirect_uris: str, owner
) -> Credentials:
    """Sandbox credentials for a partner that has none (staff create partners in the admin)."""
    if partner.sandbox_application_id:
        raise PartnerStateInvalid(_("This partner already has sandbox credentials."))
    application, credentials = _application(
        partner=partner,
        environment=Environment.SANDBOX,
        redirect_uris=_check_redirect_uris(redirect_uris),
        owner=owner,
    )
    partner.sandbox_application = application
    partner.save(update_fields=["sandbox_application", "modified"])
    return credentials


def partner_shop_enable(*, partner: Partner) -> str:
    """An owner makes their partner a shop: usable in the sandbox at once; the signing secret
    is returned only here. Production takes `partner_shop_request_production` and staff."""
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if partner.is_shop:
            raise PartnerStateInvalid(
                _("The shop is already enabled. Issue a new shop secret if you lost it.")
            )
        return _shop_secret_set(partner)


def _shop_secret_set(partner: Partner) -> str:
    secret = signing.generate_secret()
    partner.shop_secret = secret
    if partner.shop_status == ShopStatus.NONE:
        partner.shop_status = ShopStatus.SANDBOX
    partner.save(update_fields=["shop_secret", "shop_status", "modified"])
    return secret


def partner_shop_secret_rotate(*, partner: Partner, enable: bool = True) -> str:
    """A new shop signing secret (the old one stops working), returned only here; a partner
    that was not a shop becomes one in the sandbox (unless `enable` is off: an error)."""
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if not enable and not partner.is_shop:
            raise PartnerStateInvalid(_("Enable the shop in the sandbox first."))
        return _shop_secret_set(partner)


def partner_shop_request_production(*, partner: Partner) -> Partner:
    """The owner asks staff to let the shop work in production; a partner without production
    access asks for it in the same request (staff review both together)."""
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if not partner.is_shop:
            raise PartnerStateInvalid(_("Enable the shop in the sandbox first."))
        if partner.shop_status != ShopStatus.SANDBOX:
            raise PartnerStateInvalid(
                _("The shop's production access was already requested or approved.")
            )
        partner.shop_status = ShopStatus.REQUESTED
        fields = ["shop_status", "modified"]
        if partner.status == Partner.Status.SANDBOX:
            partner.status = Partner.Status.REQUESTED
            fields.append("status")
        partner.save(update_fields=fields)
    return partner


def partner_shop_approve(*, partner: Partner) -> Partner:
    """Staff let a shop work in production (the partner needs production access already)."""
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if not partner.is_shop:
            raise PartnerStateInvalid(_("This partner is not a shop."))
        if not partner.production_application_id:
            raise PartnerStateInvalid(_("Approve the partner for production first."))
        partner.shop_status = ShopStatus.PRODUCTION
        partner.save(update_fields=["shop_status", "modified"])
    return partner


def partner_sandbox_secret_reset(*, partner: Partner) -> Credentials:
    """A new secret for the partner's sandbox client (the old one stops working)."""
    application = partner.sandbox_application
    if application is None:
        raise PartnerStateInvalid(_("This partner has no sandbox credentials."))
    secret = generate_client_secret()
    application.client_secret = secret  # hashed on save
    application.save(update_fields=["client_secret"])
    return Credentials(Environment.SANDBOX, application.client_id, secret)


def partner_request_production(*, partner: Partner) -> Partner:
    """The partner asks staff for production credentials."""
    if partner.status != Partner.Status.SANDBOX:
        raise PartnerStateInvalid(_("Production access was already requested or approved."))
    partner.status = Partner.Status.REQUESTED
    partner.save(update_fields=["status", "modified"])
    return partner


def partner_approve(*, partner: Partner) -> Credentials:
    """Staff approve: the partner gets production credentials (the secret is returned once)."""
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if partner.production_application_id:
            raise PartnerStateInvalid(_("This partner already has production credentials."))
        owner = partner.owners.order_by("pk").first()
        uris = partner.sandbox_application.redirect_uris if partner.sandbox_application else ""
        application, credentials = _application(
            partner=partner,
            environment=Environment.PRODUCTION,
            redirect_uris=uris or "https://example.invalid/callback",
            owner=owner,
        )
        partner.production_application = application
        partner.status = Partner.Status.PRODUCTION
        partner.approved_at = timezone.now()
        if partner.shop_status == ShopStatus.REQUESTED and partner.is_shop:
            partner.shop_status = ShopStatus.PRODUCTION  # the shop was part of the request
        partner.save(
            update_fields=[
                "production_application",
                "status",
                "approved_at",
                "shop_status",
                "modified",
            ]
        )
    return credentials


def authorization_revoke(*, user, application_id: int) -> int:
    """The person takes back what they granted a partner client: every token goes."""
    with transaction.atomic():
        refresh = get_refresh_token_model().objects.filter(user=user, application_id=application_id)
        access = get_access_token_model().objects.filter(user=user, application_id=application_id)
        count = access.count()
        refresh.delete()
        access.delete()
    return count


# --- Webhook endpoints ---------------------------------------------------------------------


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise EndpointInvalid(
            fields={"url": [_("Enter an http(s) URL of at most 500 characters.")]}
        )
    return url


def _check_types(event_types: list[str]) -> list[str]:
    known = {t.name for t in registry.event_types()}
    unknown = sorted(set(event_types) - known)
    if unknown:
        raise EndpointInvalid(
            fields={"event_types": [_("Unknown event types: %(t)s.") % {"t": ", ".join(unknown)}]}
        )
    return sorted(set(event_types))


def endpoint_create(
    *, partner: Partner, url: str, environment: str = Environment.SANDBOX, event_types=()
) -> tuple[WebhookEndpoint, str]:
    """Register a receiver; its signing secret is returned only here."""
    if environment not in Environment.values:
        raise EndpointInvalid(fields={"environment": [_("Choose sandbox or production.")]})
    if environment == Environment.PRODUCTION and not partner.production_application_id:
        raise PartnerStateInvalid(_("Production endpoints need production access first."))
    secret = signing.generate_secret()
    endpoint = WebhookEndpoint.objects.create(
        partner=partner,
        url=_check_url(url),
        environment=environment,
        event_types=_check_types(list(event_types)),
        secret=crypto.encrypt(secret),
    )
    return endpoint, secret


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """A new secret; the old one keeps signing too for 24 hours, so receivers can switch."""
    secret = signing.generate_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires = timezone.now() + ROTATION_OVERLAP
    endpoint.secret = crypto.encrypt(secret)
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires"])
    return secret


def endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    endpoint.is_active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "modified"])
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def _secrets(endpoint: WebhookEndpoint) -> list[str]:
    out = [crypto.decrypt(endpoint.secret)]
    if endpoint.previous_secret and (
        endpoint.previous_secret_expires and endpoint.previous_secret_expires > timezone.now()
    ):
        out.append(crypto.decrypt(endpoint.previous_secret))
    return out


# --- The outbox ----------------------------------------------------------------------------


def _kick(delivery_ids: list[int]) -> None:
    from apps.partners.tasks import delivery_attempt_task

    def send() -> None:
        for delivery_id in delivery_ids:
            delivery_attempt_task.delay(delivery_id=delivery_id)

    transaction.on_commit(send, robust=True)


def webhook_event_emit(
    event_type: str, *, data: dict, user_id: int | None = None, endpoints=None, kick: bool = True
) -> WebhookEvent | None:
    """Write one event and a delivery per interested endpoint, in the caller's transaction.

    `endpoints`: only these (test events); otherwise the active endpoints of partners the
    person `user_id` authorized with the type's scope. Nothing is written if none wants it."""
    spec = registry.get_event_type(event_type)
    if endpoints is None:
        if user_id is None:
            return None
        endpoints = selectors.endpoints_for_user_event(user_id=user_id, scope=spec.scope)
    endpoints = [e for e in endpoints if e.wants(event_type)]
    if not endpoints:
        return None
    now = timezone.now()
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            type=event_type, schema_version=spec.schema_version, data=data, user_id=user_id
        )
        deliveries = WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(event=event, endpoint=e, next_attempt_at=now) for e in endpoints]
        )
        if kick:  # the first attempt right after the commit
            _kick([d.pk for d in deliveries])
    return event


def change_record(*, user_id: int, object_type: str, object_id: int, tombstone: bool) -> None:
    """Move the object to the end of the changes feed (a new `seq`)."""
    with transaction.atomic():
        Change.objects.filter(object_type=object_type, object_id=object_id).delete()
        Change.objects.create(
            user_id=user_id,
            object_type=object_type,
            object_id=object_id,
            action=Change.Action.DELETE if tombstone else Change.Action.UPSERT,
        )


def outbox_from_domain_event(event: DomainEvent) -> None:
    """Runs inside the publisher's transaction: the feed row and the webhook rows."""
    for spec in registry.for_domain_event(event.name):
        user_id = spec.user_id(event.payload)
        if spec.object_type and spec.object_id is not None and user_id is not None:
            change_record(
                user_id=user_id,
                object_type=spec.object_type,
                object_id=spec.object_id(event.payload),
                tombstone=spec.tombstone,
            )
        data = spec.build_data(event.payload)
        if data is not None:
            endpoints = spec.endpoints(event.payload) if spec.endpoints else None
            if spec.endpoints and not endpoints:
                continue
            webhook_event_emit(spec.name, data=data, user_id=user_id, endpoints=endpoints)


# --- Delivery ------------------------------------------------------------------------------


def _post(endpoint: WebhookEndpoint, event: WebhookEvent) -> DeliveryAttempt:
    body = json.dumps(event.envelope(), separators=(",", ":")).encode()
    headers = {
        "content-type": "application/json",
        "user-agent": "Stride-Webhooks/1",
        **signing.headers(_secrets(endpoint), event.webhook_id, int(time.time()), body),
    }
    attempt = DeliveryAttempt(request_headers=headers, request_body=body.decode())
    started = time.monotonic()
    try:
        response = requests.post(
            endpoint.url, data=body, headers=headers, timeout=TIMEOUT_S, allow_redirects=False
        )
        attempt.response_status = response.status_code
        attempt.response_body = response.text[:BODY_EXCERPT]
    except requests.RequestException as exc:
        attempt.error = type(exc).__name__[:300]
    attempt.latency_ms = round((time.monotonic() - started) * 1000)
    return attempt


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send one pending delivery now; log it; schedule the next try or give up."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .select_related("event", "endpoint", "endpoint__partner")
            .first()
        )
        if delivery is None:
            return None
        if not delivery.endpoint.is_active:
            delivery.next_attempt_at = None  # waits until the endpoint is enabled again
            delivery.save(update_fields=["next_attempt_at", "modified"])
            return delivery
        attempt = _post(delivery.endpoint, delivery.event)
        attempt.delivery = delivery
        attempt.save()
        delivery.attempts += 1
        ok = attempt.response_status is not None and 200 <= attempt.response_status < 300
        if ok:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.next_attempt_at = None
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
            _disable(delivery.endpoint)
        else:
            delivery.next_attempt_at = timezone.now() + timedelta(
                seconds=BACKOFF_S[delivery.attempts - 1]
            )
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "modified"])
    return delivery


def _disable(endpoint: WebhookEndpoint) -> None:
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = "deliveries failed for about three days"
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "modified"])
    partner = endpoint.partner
    for owner in partner.owners.all():
        notify(
            owner,
            "partner_endpoint_disabled",
            {"partner_name": partner.name, "endpoint_url": endpoint.url},
            collapse_key=f"partner-endpoint:{endpoint.pk}",
        )


def deliveries_due_ids(limit: int = 500) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def delivery_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event again (same id, so receivers dedupe): a new delivery, due now."""
    with transaction.atomic():
        replay = WebhookDelivery.objects.create(
            event=delivery.event, endpoint=delivery.endpoint, next_attempt_at=timezone.now()
        )
        _kick([replay.pk])
    return replay


def test_event_send(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Fire a real signed `webhook.test` at one endpoint now and return the logged delivery."""
    event = webhook_event_emit(
        "webhook.test",
        data={"message": "Hello from Stride", "partner_id": endpoint.partner_id},
        endpoints=[endpoint],
        kick=False,  # sent right here, so the caller sees the outcome
    )
    delivery = event.deliveries.get()
    delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


# --- Inbound -------------------------------------------------------------------------------


def provider_name(partner: Partner | None) -> str:
    return f"partner-{partner.pk}" if partner is not None else "api"


@dataclass
class Upserted:
    activity: object
    created: bool


def activity_upsert(*, partner: Partner | None, owner, external_id: str, fields: dict) -> Upserted:
    """Create the partner's activity, or update it if the partner sent this external id before."""
    provider = provider_name(partner)
    existing = training_selectors.activity_by_source(
        owner=owner, provider=provider, external_id=external_id
    )
    if existing is not None:
        changes = {
            k: fields[k]
            for k in training_services.EDITABLE_FIELDS
            if k in fields and fields[k] != getattr(existing, k)
        }
        if changes:
            existing = training_services.update_activity(activity=existing, **changes)
        return Upserted(existing, created=False)
    recorded = training_services.record_activity(
        owner=owner,
        activity=NormalizedActivity(
            source="provider", provider=provider, external_id=external_id, **fields
        ),
    )
    return Upserted(recorded.activity, created=recorded.created)


def activity_file_upload(*, owner, file):
    """A partner's file goes into the devices upload pipeline (parse, normalize, dedupe)."""
    return devices_services.upload_file(owner=owner, file=file)
