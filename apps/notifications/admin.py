from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.notifications.models import (
    Announcement,
    ChannelState,
    Delivery,
    Notification,
    PushSubscription,
    TelegramLink,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = (
        "channel",
        "round",
        "status",
        "attempts",
        "error",
        "not_before",
        "claimed_at",
        "sent_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("kind", "user", "actor_count", "visible", "created", "read_at")
    list_filter = ("kind", "visible")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    date_hierarchy = "created"
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: what went out on which channel, what failed and why."""

    list_display = ("notification", "user", "channel", "status", "attempts", "error", "sent_at")
    list_filter = ("channel", "status")
    search_fields = ("user__email", "notification__kind", "error")
    list_select_related = ("user", "notification")
    raw_id_fields = ("user", "notification")


@admin.register(ChannelState)
class ChannelStateAdmin(admin.ModelAdmin):
    """Channels turned off after permanent failures; deleting a row turns the channel on."""

    list_display = ("user", "channel", "disabled_reason", "disabled_at")
    list_filter = ("channel",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    readonly_fields = ("user", "channel", "disabled_reason", "disabled_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("user", "user_agent", "created")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    exclude = ("p256dh", "auth")


@admin.register(TelegramLink)
class TelegramLinkAdmin(ReadOnlyAdmin):
    list_display = ("user", "username", "created")
    search_fields = ("user__email", "username")
    list_select_related = ("user",)


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Staff write an announcement, choose a segment, then send it with the action."""

    list_display = ("title", "language", "country", "sent_at", "recipients")
    fields = ("title", "body", "language", "country", "created_by", "sent_at", "recipients")
    readonly_fields = ("created_by", "sent_at", "recipients")
    actions = ["send"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.sent_at:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Send the selected announcements to their segment"))
    def send(self, request, queryset):
        from apps.notifications.tasks import announcement_send_task

        ids = list(queryset.filter(sent_at__isnull=True).values_list("pk", flat=True))
        for pk in ids:
            transaction.on_commit(
                lambda pk=pk: announcement_send_task.delay(announcement_id=pk), robust=True
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d announcement is being sent.",
                "%(count)d announcements are being sent.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )
