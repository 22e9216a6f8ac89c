"""Staff: the social graph, groups, kudos and comments, and the moderation queue (reports,
actions, appeals). Moderating goes through `services` so the person affected is told."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.groups import services
from apps.groups.models import (
    Appeal,
    Block,
    Comment,
    EventRSVP,
    Follow,
    Group,
    GroupEvent,
    GroupInvite,
    Kudos,
    Membership,
    ModerationAction,
    Mute,
    Report,
)


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "followee", "status", "created")
    list_filter = ("status",)
    raw_id_fields = ("follower", "followee")
    list_select_related = ("follower", "followee")


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("blocker", "blocked", "created")
    raw_id_fields = ("blocker", "blocked")
    list_select_related = ("blocker", "blocked")


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    list_display = ("muter", "muted", "created")
    raw_id_fields = ("muter", "muted")
    list_select_related = ("muter", "muted")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "status", "created")
    readonly_fields = ("created",)


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "privacy", "hidden_at", "created")
    list_filter = ("privacy",)
    search_fields = ("name", "slug")
    raw_id_fields = ("created_by",)
    inlines = [MembershipInline]


@admin.register(GroupInvite)
class GroupInviteAdmin(admin.ModelAdmin):
    list_display = ("group", "created_by", "uses", "max_uses", "expires_at", "revoked_at")
    raw_id_fields = ("group", "created_by")
    readonly_fields = ("token",)


class RSVPInline(admin.TabularInline):
    model = EventRSVP
    extra = 0
    raw_id_fields = ("user",)


@admin.register(GroupEvent)
class GroupEventAdmin(admin.ModelAdmin):
    list_display = ("title", "group", "starts_at", "place", "cancelled_at")
    list_select_related = ("group",)
    raw_id_fields = ("group", "route", "created_by")
    inlines = [RSVPInline]


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin):
    list_display = ("user", "activity", "created")
    raw_id_fields = ("user", "activity")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("author", "activity", "body", "hidden_at", "created")
    list_filter = ("hidden_at",)
    search_fields = ("body",)
    raw_id_fields = ("author", "activity")
    list_select_related = ("author",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The moderation queue. Select reports and act: the reason is the report's reason unless
    you write a more specific one on the action."""

    list_display = ("created", "target_type", "target_id", "subject", "reason", "status")
    list_filter = ("status", "target_type", "reason")
    raw_id_fields = ("reporter", "subject", "reviewed_by")
    list_select_related = ("subject",)
    actions = ["hide_content", "warn_person", "suspend_person", "dismiss"]

    def _act(self, request, queryset, kind: str) -> None:
        done = 0
        for report in queryset.filter(status=Report.Status.OPEN):
            services.moderation_act(
                moderator=request.user,
                report=report,
                kind=kind,
                reason=report.get_reason_display()
                + (f": {report.details}" if report.details else ""),
            )
            done += 1
        self.message_user(request, _("%(n)d reports handled.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Hide the reported content"), permissions=["change"])
    def hide_content(self, request, queryset):
        self._act(request, queryset, ModerationAction.Kind.HIDE)

    @admin.action(description=_("Warn the person"), permissions=["change"])
    def warn_person(self, request, queryset):
        self._act(request, queryset, ModerationAction.Kind.WARN)

    @admin.action(description=_("Suspend the person for 7 days"), permissions=["change"])
    def suspend_person(self, request, queryset):
        self._act(request, queryset, ModerationAction.Kind.SUSPEND)

    @admin.action(description=_("Dismiss"), permissions=["change"])
    def dismiss(self, request, queryset):
        for report in queryset.filter(status=Report.Status.OPEN):
            services.report_dismiss(moderator=request.user, report=report)


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ("created", "kind", "subject", "target_type", "target_id", "reversed_at")
    list_filter = ("kind",)
    raw_id_fields = ("subject", "moderator", "report")
    list_select_related = ("subject",)


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ("created", "action", "status", "decided_at")
    list_filter = ("status",)
    raw_id_fields = ("action", "decided_by")


# --- chat and live runs ---------------------------------------------------------------------
from apps.groups.models import (  # noqa: E402
    ChatMessage,
    ChatMute,
    Conversation,
    LiveParticipant,
    LiveSession,
    LiveShareLink,
)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "group", "user_low", "user_high", "created")
    list_filter = ("kind",)
    raw_id_fields = ("group", "user_low", "user_high")
    list_select_related = ("group", "user_low", "user_high")


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ("pk", "conversation", "sender", "created", "edited_at", "deleted_at")
    list_filter = ("deleted_at",)
    search_fields = ("body",)
    raw_id_fields = ("conversation", "sender", "deleted_by")
    list_select_related = ("sender",)
    readonly_fields = ("client_id", "created")


@admin.register(ChatMute)
class ChatMuteAdmin(admin.ModelAdmin):
    list_display = ("conversation", "user", "until", "muted_by")
    raw_id_fields = ("conversation", "user", "muted_by")


class LiveParticipantInline(admin.TabularInline):
    model = LiveParticipant
    raw_id_fields = ("user", "activity")
    extra = 0


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    list_display = ("title", "group", "status", "started_at", "ended_at", "points_purged_at")
    list_filter = ("status",)
    raw_id_fields = ("group", "event", "created_by")
    list_select_related = ("group",)
    readonly_fields = ("summary",)
    inlines = [LiveParticipantInline]


@admin.register(LiveShareLink)
class LiveShareLinkAdmin(admin.ModelAdmin):
    list_display = ("session", "runner", "created", "revoked_at")
    raw_id_fields = ("session", "runner")
    exclude = ("token",)  # a bearer secret: not shown
