from django.contrib import admin

from apps.training.models import Activity, ActivitySource, BestEffort, Route
from apps.training.plans.models import PlanEnrollment, PlanSession


class BestEffortInline(admin.TabularInline):
    model = BestEffort
    extra = 0
    can_delete = False
    fields = ("distance", "elapsed_s", "achieved_at", "was_record")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ActivitySourceInline(admin.TabularInline):
    """Where the activity came from; sources change only through record_activity and the
    providers' deletions."""

    model = ActivitySource
    extra = 0
    can_delete = False
    fields = (
        "kind",
        "provider",
        "external_id",
        "device_file",
        "received_at",
        "channels",
        "samples",
        "is_primary",
        "contributed",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Support and moderation: find an activity, see its figures, hide or remove it. Figures
    are computed from the samples and are not edited here."""

    list_display = ("__str__", "owner", "sport", "start_time", "distance_m", "visibility", "source")
    list_filter = ("sport", "visibility", "source", "provider")
    search_fields = ("=owner__email", "title", "=external_id")
    list_select_related = ("owner",)
    date_hierarchy = "start_time"
    ordering = ("-start_time",)
    raw_id_fields = ("owner",)
    fields = (
        "owner",
        "sport",
        "title",
        "notes",
        "visibility",
        "start_time",
        "timezone",
        "elapsed_s",
        "moving_s",
        "distance_m",
        "elevation_gain_m",
        "avg_heart_rate",
        "max_heart_rate",
        "training_load",
        "source",
        "provider",
        "external_id",
        "device_name",
    )
    readonly_fields = tuple(f for f in fields if f not in ("title", "notes", "visibility"))
    inlines = [ActivitySourceInline, BestEffortInline]

    def has_add_permission(self, request):
        return False  # activities come through record_activity only


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "sport", "distance_m", "visibility", "created")
    list_filter = ("sport", "visibility")
    search_fields = ("name", "=owner__email")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "source_activity")
    fields = ("owner", "name", "tags", "sport", "visibility", "distance_m", "elevation_gain_m")
    readonly_fields = ("owner", "distance_m", "elevation_gain_m")

    def has_add_permission(self, request):
        return False


class PlanSessionInline(admin.TabularInline):
    model = PlanSession
    extra = 0
    can_delete = False
    fields = ("date", "week", "kind", "status", "activity")
    readonly_fields = fields
    ordering = ("date",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PlanEnrollment)
class PlanEnrollmentAdmin(admin.ModelAdmin):
    """Support: whose plan, which state, which sessions; the calendar token is never shown."""

    list_display = ("owner", "plan_slug", "status", "start_date", "volume_factor", "created")
    list_filter = ("plan_slug", "status")
    search_fields = ("=owner__email",)
    list_select_related = ("owner",)
    fields = (
        "owner",
        "plan_slug",
        "status",
        "start_date",
        "race_date",
        "timezone",
        "volume_factor",
        "ended_at",
    )
    readonly_fields = fields
    inlines = [PlanSessionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
