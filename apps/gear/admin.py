"""Staff: the catalog (brands, products with their offers), import reports and partner keys."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.gear import services
from apps.gear.models import Brand, FeedKey, Gear, ImportReport, Offer, Product


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "created")
    search_fields = ("name",)


class OfferInline(admin.TabularInline):
    model = Offer
    extra = 0
    fields = ("region", "price", "currency", "available", "shop_url")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "brand", "category", "active", "lifespan_km", "lifespan_hours")
    list_filter = ("active", "category")
    search_fields = ("=sku", "brand__name", "names__en")
    list_select_related = ("brand",)
    raw_id_fields = ("brand",)
    readonly_fields = ("content_hash", "created", "modified")
    inlines = [OfferInline]


@admin.register(ImportReport)
class ImportReportAdmin(admin.ModelAdmin):
    """What each feed import did: counts, and every rejected row with its reason."""

    list_display = (
        "created",
        "source",
        "full",
        "status",
        "created_count",
        "updated_count",
        "unchanged_count",
        "deactivated_count",
        "rejected_count",
    )
    list_filter = ("status", "source")
    date_hierarchy = "created"
    readonly_fields = (
        "source",
        "full",
        "feed",
        "status",
        "created_count",
        "updated_count",
        "unchanged_count",
        "deactivated_count",
        "rejected",
        "error",
        "finished",
        "created",
    )
    fields = readonly_fields

    @admin.display(description=_("rejected"))
    def rejected_count(self, report) -> int:
        return len(report.rejected)

    def has_add_permission(self, request):
        return False


@admin.register(FeedKey)
class FeedKeyAdmin(admin.ModelAdmin):
    """Partner keys for the signed feed endpoint; a new key's secret is shown once."""

    list_display = ("name", "key_id", "active", "created")
    readonly_fields = ("key_id",)
    fields = ("name", "key_id", "active")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, secret = services.feed_key_create(name=obj.name)
        obj.pk, obj.key_id = key.pk, key.key_id
        self.message_user(
            request,
            _("Key %(key)s created. Its secret, shown only now: %(secret)s")
            % {"key": key.key_id, "secret": secret},
            messages.WARNING,
        )


@admin.register(Gear)
class GearAdmin(admin.ModelAdmin):
    """People's gear, read-only, for support."""

    list_display = ("__str__", "owner", "category", "distance_m", "retired_at")
    search_fields = ("=owner__email",)
    list_select_related = ("owner", "product__brand")
    raw_id_fields = ("owner", "product")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False
