from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.devices import services
from apps.devices.exceptions import UploadNotReprocessable
from apps.devices.models import Upload


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
