"""Admin: partners (create with sandbox credentials, approve for production; shops: make one,
a new secret, approve for production), endpoints, webhook events and deliveries with their
attempt log (replay)."""

from django.contrib import admin, messages
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError
from apps.partners import services
from apps.partners.models import (
    DeliveryAttempt,
    Partner,
    SandboxAthlete,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)


def _show_credentials(request, partner, credentials):
    return TemplateResponse(
        request,
        "partners/admin_credentials.html",
        {"partner": partner, "credentials": credentials, "title": partner.name},
    )


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "status",
        "shop_status",
        "created",
        "approved_at",
        "rate_limit_per_minute",
    )
    list_filter = ("status", "shop_status")
    search_fields = ("name",)
    filter_horizontal = ("owners",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = (
        "sandbox_application",
        "production_application",
        "approved_at",
        "status",
        "shop_status",
    )
    exclude = ("shop_secret",)  # shown once, by the action below
    actions = ("approve", "shop_secret_rotate", "shop_approve")

    def response_add(self, request, obj, post_url_continue=None):
        """A partner made here gets sandbox credentials at once, shown on the next page only."""
        owner = obj.owners.order_by("pk").first() or request.user
        if not obj.owners.exists():
            obj.owners.add(request.user)
        credentials = services.partner_sandbox_credentials_issue(
            partner=obj, redirect_uris="https://example.invalid/callback", owner=owner
        )
        return _show_credentials(request, obj, credentials)

    @admin.action(description=_("Approve for production (issue production credentials)"))
    def approve(self, request, queryset):
        issued = []
        for partner in queryset:
            try:
                issued.append((partner, services.partner_approve(partner=partner)))
            except StrideError as error:
                self.message_user(request, f"{partner}: {error.message}", messages.ERROR)
        if len(issued) == 1:
            return _show_credentials(request, *issued[0])
        if issued:
            self.message_user(
                request, _("Approve partners one at a time to see their secrets."), messages.ERROR
            )
        return None

    @admin.action(description=_("Approve the shop for production"))
    def shop_approve(self, request, queryset):
        for partner in queryset:
            try:
                services.partner_shop_approve(partner=partner)
                self.message_user(
                    request, _("%(partner)s: the shop works in production.") % {"partner": partner}
                )
            except StrideError as error:
                self.message_user(request, f"{partner}: {error.message}", messages.ERROR)

    @admin.action(description=_("Make a shop (sandbox) / issue a new shop signing secret"))
    def shop_secret_rotate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Choose one partner at a time to see its secret."), messages.ERROR
            )
            return None
        partner = queryset.get()
        secret = services.partner_shop_secret_rotate(partner=partner)
        return TemplateResponse(
            request,
            "partners/admin_shop_secret.html",
            {"partner": partner, "secret": secret, "title": partner.name},
        )


@admin.register(SandboxAthlete)
class SandboxAthleteAdmin(admin.ModelAdmin):
    list_display = ("partner", "user")
    raw_id_fields = ("partner", "user")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "partner", "environment", "is_active", "disabled_at")
    list_filter = ("environment", "is_active")
    exclude = ("secret", "previous_secret")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    raw_id_fields = ("partner",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("type", "id", "schema_version", "user_id", "created_at")
    list_filter = ("type",)
    readonly_fields = ("type", "schema_version", "data", "user_id", "created_at")


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("attempted_at", "response_status", "latency_ms", "error", "response_body")
    readonly_fields = fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "next_attempt_at", "created")
    list_filter = ("status",)
    raw_id_fields = ("event", "endpoint")
    inlines = [AttemptInline]
    actions = ("replay",)

    @admin.action(description=_("Replay (send the event again)"))
    def replay(self, request, queryset):
        for delivery in queryset.select_related("event", "endpoint"):
            services.delivery_replay(delivery=delivery)
        self.message_user(request, _("The events will be sent again."))
