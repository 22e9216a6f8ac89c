"""Staff: earning rules, the (read-only) ledger with adjustments, rewards, promotions with the
missing-translation report, coupons, shop orders, news feeds and articles. Titles and texts are
JSON by language: {"en": …, "ru": …, "de": …}."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from apps.core.exceptions import StrideError
from apps.experiments import selectors as experiment_selectors
from apps.promos import selectors, services, tasks
from apps.promos.models import (
    Article,
    Coupon,
    CouponRedemption,
    EarningRule,
    NewsFeed,
    Order,
    PointsAccount,
    PointsEntry,
    Promotion,
    Reward,
    RewardRedemption,
    ShopRequestRejection,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: staff read them; changes go through services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EarningRule)
class EarningRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "sport", "points", "daily_cap", "active")
    list_filter = ("kind", "active")
    list_editable = ("points", "daily_cap", "active")


class AdjustmentForm(forms.Form):
    user_email = forms.EmailField(label=_("Person (e-mail)"))
    points = forms.IntegerField(label=_("Points (negative to take away)"))
    reason = forms.CharField(label=_("Reason"), max_length=300)


@admin.register(PointsAccount)
class PointsAccountAdmin(ReadOnlyAdmin):
    list_display = ("user", "balance", "modified")
    list_select_related = ("user",)
    search_fields = ("=user__email",)

    def get_urls(self):
        return [
            path(
                "adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="promos_points_adjust",
            ),
            *super().get_urls(),
        ]

    def adjust_view(self, request):
        if not request.user.has_perm("promos.add_pointsentry"):
            raise PermissionDenied
        form = AdjustmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            user = get_user_model().objects.filter(email=form.cleaned_data["user_email"]).first()
            if user is None:
                form.add_error("user_email", _("Nobody has this e-mail address."))
            else:
                try:
                    services.points_adjust(
                        user=user,
                        points=form.cleaned_data["points"],
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                except StrideError as error:
                    form.add_error("points", error.message)
                else:
                    self.message_user(request, _("Points adjusted."), messages.SUCCESS)
                    return redirect("admin:promos_pointsentry_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Adjust points"),
        }
        return render(request, "admin/promos/adjust.html", context)


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    """The ledger and its audit trail: who adjusted what, when and why."""

    list_display = ("created", "user", "points", "source", "note", "actor")
    list_filter = ("source",)
    list_select_related = ("user", "actor")
    search_fields = ("=user__email", "reference", "idempotency_key")
    date_hierarchy = "created"


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display = ("slug", "kind", "cost", "stock", "active")
    list_filter = ("kind", "active")
    raw_id_fields = ("promotion",)


@admin.register(RewardRedemption)
class RewardRedemptionAdmin(ReadOnlyAdmin):
    list_display = ("created", "user", "reward", "points", "coupon")
    list_select_related = ("user", "reward", "coupon")
    search_fields = ("=user__email",)


class PromotionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        error = experiment_selectors.arm_error(
            experiment_key=cleaned.get("experiment") or "", variant=cleaned.get("variant") or ""
        )
        if error:
            self.add_error(*error)
        return cleaned


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    form = PromotionForm
    list_display = (
        "slug",
        "kind",
        "value",
        "segment",
        "experiment",
        "variant",
        "starts_at",
        "ends_at",
        "active",
    )
    list_filter = ("kind", "segment", "active")
    search_fields = ("slug",)
    raw_id_fields = ("user", "challenge")
    filter_horizontal = ("products", "brands")
    actions = ("announce",)
    change_list_template = "admin/promos/promotion_change_list.html"

    def get_urls(self):
        return [
            path(
                "missing-translations/",
                self.admin_site.admin_view(self.missing_translations_view),
                name="promos_missing_translations",
            ),
            *super().get_urls(),
        ]

    def missing_translations_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Missing translations"),
            "rows": selectors.missing_translations(),
        }
        return render(request, "admin/promos/missing_translations.html", context)

    @admin.action(description=_("Announce to their audience (marketing notification)"))
    def announce(self, request, queryset):
        for promotion in queryset.filter(announce=True):
            tasks.promotion_announce_task.delay(promotion_id=promotion.pk)
        self.message_user(request, _("Announcements queued."), messages.SUCCESS)


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = ("code", "promotion", "user", "redeemed_count", "total_limit", "active")
    list_select_related = ("promotion", "user")
    search_fields = ("code", "=user__email")
    raw_id_fields = ("promotion", "user")
    readonly_fields = ("redeemed_count", "issue_key")


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(ReadOnlyAdmin):
    list_display = ("created", "coupon", "user", "idempotency_key", "reversed_at")
    list_select_related = ("coupon", "user")
    search_fields = ("coupon__code", "idempotency_key")


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = (
        "created",
        "shop",
        "environment",
        "order_id",
        "user",
        "total",
        "currency",
        "points",
        "status",
    )
    list_filter = ("shop", "environment", "status")
    list_select_related = ("user",)
    search_fields = ("order_id", "=user__email")


@admin.register(ShopRequestRejection)
class ShopRequestRejectionAdmin(ReadOnlyAdmin):
    list_display = ("created", "partner", "reason", "path", "ip", "message_id")
    list_filter = ("reason",)
    list_select_related = ("partner",)
    search_fields = ("message_id", "ip")


@admin.register(NewsFeed)
class NewsFeedAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "language", "countries", "active", "fetched_at", "error")
    actions = ("import_now",)

    @admin.action(description=_("Import now"))
    def import_now(self, request, queryset):
        for feed in queryset:
            tasks.news_feed_import_task.delay(feed_id=feed.pk)
        self.message_user(request, _("Import queued."), messages.SUCCESS)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Staff-written articles: the text is sanitized HTML (cleaned on save)."""

    list_display = ("__str__", "feed", "countries", "published_at", "visible")
    list_filter = ("visible", "feed")
    readonly_fields = ("feed", "guid")

    def save_model(self, request, obj, form, change):
        obj.body = {lang: services.sanitize(str(text)) for lang, text in (obj.body or {}).items()}
        obj.title = {lang: services.plain(str(text)) for lang, text in (obj.title or {}).items()}
        super().save_model(request, obj, form, change)
