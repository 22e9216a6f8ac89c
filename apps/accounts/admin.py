from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.accounts import services
from apps.accounts.models import ConsentDocument, ConsentRecord, DataExport, ErasureRequest, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("-date_joined",)
    list_display = ("email", "display_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "display_name")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class ConsentRecordInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    fields = ("document", "granted", "created", "ip_address")
    readonly_fields = fields
    ordering = ("-created",)

    def has_add_permission(self, request, obj=None):
        return False


UserAdmin.inlines = [ConsentRecordInline]


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(admin.ModelAdmin):
    list_display = ("kind", "version", "title", "published_at")
    list_filter = ("kind",)
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        # A published text is never edited: a change is a new version.
        if obj is not None and obj.published_at:
            return ("kind", "version", "title", "body", "translations", "published_at")
        return ("published_at",)

    @admin.action(description=_("Publish (everyone is asked again)"))
    def publish(self, request, queryset):
        for document in queryset.filter(published_at__isnull=True):
            services.consent_document_publish(document=document)
        self.message_user(request, _("Published."))


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """The record of who asked for their data and when. Staff never see the archive itself."""

    list_display = ("subject_id", "status", "created", "finished_at", "downloaded_at")
    list_filter = ("status",)
    search_fields = ("=subject_id",)
    fields = ("subject_id", "status", "created", "finished_at", "expires_at", "downloaded_at")
    readonly_fields = fields
    ordering = ("-created",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """The record of account deletions. To check whether an address was erased, search for
    the address: it is compared by its digest, never stored."""

    list_display = ("subject_id", "status", "created", "scheduled_for", "completed_at")
    list_filter = ("status",)
    fields = ("subject_id", "status", "created", "scheduled_for", "cancelled_at", "completed_at")
    readonly_fields = fields
    search_fields = ("=subject_id",)
    ordering = ("-created",)

    def get_search_results(self, request, queryset, search_term):
        if "@" in search_term:
            return queryset.filter(email_digest=services.email_digest(search_term)), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
