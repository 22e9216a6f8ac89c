from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.challenges import services
from apps.challenges.models import Badge, BadgeAward, Challenge, FlaggedActivity, Participation
from apps.experiments import selectors as experiment_selectors


class ChallengeForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        error = experiment_selectors.arm_error(
            experiment_key=cleaned.get("experiment") or "", variant=cleaned.get("variant") or ""
        )
        if error:
            self.add_error(*error)
        return cleaned


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    """Create challenges; title and description are JSON by language: {"en": …, "ru": …}."""

    form = ChallengeForm
    list_display = (
        "slug",
        "metric",
        "target",
        "sport",
        "start_date",
        "end_date",
        "scope",
        "experiment",
        "variant",
    )
    list_filter = ("metric", "scope", "sport", "published")
    search_fields = ("slug",)
    ordering = ("-start_date",)
    raw_id_fields = ("badge",)
    actions = ("rebuild",)

    @admin.action(description=_("Recompute progress from activities"))
    def rebuild(self, request, queryset):
        total = sum(services.challenge_rebuild(challenge=c) for c in queryset)
        self.message_user(
            request, _("%(n)s participations recomputed.") % {"n": total}, messages.SUCCESS
        )


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = ("slug", "criterion", "threshold", "image")
    search_fields = ("slug",)


@admin.register(BadgeAward)
class BadgeAwardAdmin(admin.ModelAdmin):
    list_display = ("badge", "user", "awarded_at")
    list_select_related = ("badge", "user")
    raw_id_fields = ("user", "badge")
    search_fields = ("=user__email", "badge__slug")


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ("challenge", "user", "progress", "completed_at")
    list_select_related = ("challenge", "user")
    raw_id_fields = ("user", "challenge")
    readonly_fields = ("progress", "activities", "completed_at", "joined_at")


@admin.register(FlaggedActivity)
class FlaggedActivityAdmin(admin.ModelAdmin):
    list_display = ("activity", "owner", "reason", "speed_mps", "flagged_at")
    raw_id_fields = ("activity", "owner")
    readonly_fields = ("reason", "speed_mps", "flagged_at")
