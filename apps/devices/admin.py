from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.devices import services
from apps.devices.exceptions import UploadNotReprocessable
from apps.devices.models import Connection, Upload, WebhookEvent


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    """Import jobs for support: find one by owner or file, see why it failed, run it again."""

    list_display = ("original_name", "owner", "kind", "status", "reason_code", "created")
    list_filter = ("status", "kind", "reason_code")
    search_fields = ("=owner__email", "original_name", "=sha256")
    list_select_related = ("owner",)
    date_hierarchy = "created"
    ordering = ("-created",)
    raw_id_fields = ("owner", "parent", "activity", "duplicate_of")
    readonly_fields = (
        "owner",
        "parent",
        "kind",
        "file",
        "original_name",
        "size",
        "sha256",
        "status",
        "reason_code",
        "reason_detail",
        "activity",
        "duplicate_of",
        "sport_hint",
        "title_hint",
        "attempts",
        "started",
        "finished",
        "created",
        "modified",
    )
    actions = ["reprocess"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Process the selected files again"))
    def reprocess(self, request, queryset):
        count = 0
        for upload in queryset:
            try:
                services.upload_reprocess(upload=upload)
                count += 1
            except UploadNotReprocessable:
                continue
        self.message_user(
            request, _("%(count)d uploads queued again.") % {"count": count}, messages.SUCCESS
        )


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    """Provider links for support: status, last sync and error; tokens are never shown."""

    list_display = ("user", "provider", "external_id", "status", "last_sync_at", "last_error_code")
    list_filter = ("provider", "status", "last_error_code")
    search_fields = ("=user__email", "=external_id")
    list_select_related = ("user",)
    ordering = ("-created",)
    raw_id_fields = ("user",)
    exclude = ("access_token", "refresh_token")
    readonly_fields = (
        "user",
        "provider",
        "external_id",
        "token_expires_at",
        "scopes",
        "status",
        "last_sync_at",
        "last_error_code",
        "last_error_at",
        "created",
        "modified",
    )
    actions = ["disconnect"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Disconnect (revoke at the provider)"))
    def disconnect(self, request, queryset):
        for connection in queryset:
            services.connection_disconnect(connection=connection)
        self.message_user(request, _("Disconnected."), messages.SUCCESS)


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    """Every provider notification once: the raw body, its status and attempts; events that
    failed for good can be replayed after the cause is fixed."""

    list_display = ("created", "provider", "kind", "object_id", "status", "attempts", "error")
    list_filter = ("status", "provider", "kind")
    search_fields = ("=key", "=object_id", "=external_id")
    date_hierarchy = "created"
    ordering = ("-created",)
    raw_id_fields = ("connection", "activity")
    readonly_fields = (
        "provider",
        "key",
        "kind",
        "external_id",
        "object_id",
        "body",
        "headers",
        "connection",
        "status",
        "attempts",
        "next_attempt_at",
        "error",
        "activity",
        "processed_at",
        "created",
        "modified",
    )
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Replay the selected events"))
    def replay(self, request, queryset):
        count = 0
        for event in queryset:
            services.webhook_event_replay(event=event)
            count += 1
        self.message_user(
            request, _("%(count)d events queued again.") % {"count": count}, messages.SUCCESS
        )
