"""Partner apps (OAuth 2 clients), their webhook endpoints, the outbox of webhook events with
every delivery attempt, the changes feed and the sandbox athletes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedTextField
from apps.core.models import TimeStampedModel


class Environment(models.TextChoices):
    SANDBOX = "sandbox", _("Sandbox")
    PRODUCTION = "production", _("Production")


class ShopStatus(models.TextChoices):
    NONE = "", _("Not a shop")
    SANDBOX = "sandbox", _("Shop in the sandbox")
    REQUESTED = "requested", _("Shop in production requested")
    PRODUCTION = "production", _("Shop approved for production")


class Partner(TimeStampedModel):
    """A company or developer integrating with Stride: one OAuth client per environment."""

    class Status(models.TextChoices):
        SANDBOX = "sandbox", _("Sandbox only")
        REQUESTED = "requested", _("Production requested")
        PRODUCTION = "production", _("Production approved")

    name = models.CharField(_("name"), max_length=100)
    website = models.URLField(_("website"), blank=True)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="partners_owned", verbose_name=_("owners")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SANDBOX
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sandbox_application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sandbox_partner",
        verbose_name=_("sandbox OAuth client"),
    )
    production_application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="production_partner",
        verbose_name=_("production OAuth client"),
    )
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    # A shop (apps.promos): signs its requests with this. An owner enables the shop for the
    # sandbox at once; production takes a request and staff approval, like production access.
    shop_secret = EncryptedTextField(_("shop signing secret (encrypted)"), blank=True, default="")
    shop_status = models.CharField(
        _("shop"), max_length=16, choices=ShopStatus.choices, default=ShopStatus.NONE, blank=True
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ("-created", "-pk")

    def __str__(self) -> str:
        return self.name

    @property
    def is_shop(self) -> bool:
        return bool(self.shop_secret) and self.shop_status != ShopStatus.NONE

    def shop_allowed(self, environment: str | None) -> bool:
        """May this partner act as a shop with its client of `environment`?"""
        if not self.is_shop:
            return False
        if environment == Environment.SANDBOX:
            return True
        return environment == Environment.PRODUCTION and self.shop_status == ShopStatus.PRODUCTION

    @property
    def shop_id(self) -> str:
        """The stable name of the partner as a shop (orders are keyed by it)."""
        return f"partner:{self.pk}"


class SandboxAthlete(models.Model):
    """A generated user of a partner's sandbox: private, never shown to real users."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="sandbox_athletes")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sandbox_of"
    )

    class Meta:
        verbose_name = _("sandbox athlete")
        verbose_name_plural = _("sandbox athletes")

    def __str__(self) -> str:
        return f"{self.partner} / {self.user_id}"


class WebhookEndpoint(TimeStampedModel):
    """Where a partner wants events: a URL, the event types (empty: all) and its secrets."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="endpoints")
    environment = models.CharField(
        _("environment"), max_length=16, choices=Environment.choices, default=Environment.SANDBOX
    )
    url = models.URLField(_("URL"), max_length=500)
    event_types = models.JSONField(_("event types"), default=list, blank=True)
    secret = models.TextField(_("signing secret (encrypted)"))
    previous_secret = models.TextField(_("previous secret (encrypted)"), blank=True)
    previous_secret_expires = models.DateTimeField(
        _("previous secret valid until"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [models.Index(fields=["partner", "environment", "is_active"])]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class WebhookEvent(models.Model):
    """One versioned event in the outbox, written in the transaction of the change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=100)
    schema_version = models.PositiveSmallIntegerField(_("schema version"))
    data = models.JSONField(_("data"))
    user_id = models.BigIntegerField(_("about user"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.type} {self.webhook_id}"

    @property
    def webhook_id(self) -> str:
        return f"evt_{self.id.hex}"

    def envelope(self) -> dict:
        return {
            "type": self.type,
            "id": self.webhook_id,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
            "schema_version": self.schema_version,
            "data": self.data,
        }


class WebhookDelivery(TimeStampedModel):
    """One event owed to one endpoint, retried with backoff until it succeeds or gives up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("delivered")
        FAILED = "failed", _("gave up")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="partners_delivery_due"),
            models.Index(fields=["endpoint", "-created"], name="partners_delivery_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class DeliveryAttempt(models.Model):
    """What was sent and what came back (status, body excerpt, latency). No secrets."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField(_("attempted at"), auto_now_add=True)
    request_headers = models.JSONField(_("request headers"), default=dict)
    request_body = models.TextField(_("request body"))
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.TextField(_("response body (excerpt)"), blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ("-attempted_at", "-pk")

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.attempted_at:%Y-%m-%d %H:%M:%S}"


class Change(models.Model):
    """The latest change of one object for the changes feed; `seq` grows with every change."""

    class Action(models.TextChoices):
        UPSERT = "upsert", _("created or updated")
        DELETE = "delete", _("deleted")

    seq = models.BigAutoField(primary_key=True)
    user_id = models.BigIntegerField(_("owner"), db_index=True)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.BigIntegerField(_("object id"))
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id"], name="partners_change_one_per_object"
            )
        ]
        indexes = [models.Index(fields=["user_id", "seq"], name="partners_change_user_seq")]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} {self.action}"
