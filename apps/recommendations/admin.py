from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.recommendations import services
from apps.recommendations.models import AthleteProfile, Interaction, Item, ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """The staff page of the models: versions with their metrics; activate one to roll back."""

    list_display = (
        "kind",
        "version",
        "algorithm",
        "active",
        "trained_at",
        "data_size",
        "metrics",
        "training_seconds",
    )
    list_filter = ("kind", "active")
    readonly_fields = [f.name for f in ModelVersion._meta.fields]
    actions = ["activate"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Serve this version (roll back / forward)"))
    def activate(self, request, queryset):
        chosen = {}
        for version in queryset.order_by("kind", "-version"):
            chosen.setdefault(version.kind, version)
        for version in chosen.values():
            services.version_activate(version=version)
        self.message_user(
            request,
            ngettext("%d version is active now.", "%d versions are active now.", len(chosen))
            % len(chosen),
            messages.SUCCESS,
        )


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("user", "person", "kind", "item_key", "action", "occurred_at")
    list_filter = ("kind", "action")
    search_fields = ("item_key",)
    raw_id_fields = ("user",)
    list_select_related = ("user",)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("kind", "key", "title", "sport", "level", "synthetic")
    list_filter = ("kind", "synthetic", "sport")
    search_fields = ("key", "title")


@admin.register(AthleteProfile)
class AthleteProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "person", "country", "level", "synthetic", "updated")
    list_filter = ("synthetic", "country")
    raw_id_fields = ("user",)
    list_select_related = ("user",)
