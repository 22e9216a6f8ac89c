"""The community: who follows, blocks or mutes whom; groups with their members, invite links
and events; kudos and comments on activities; and moderation (reports, actions, appeals).

Chat and live group runs live in `chat*.py` / `live*.py` of this app (another change)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

USER = settings.AUTH_USER_MODEL


# --- social graph ---------------------------------------------------------------------------


class Follow(TimeStampedModel):
    """`follower` follows `followee`; PENDING until a private profile's owner approves."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Following")
        PENDING = "pending", _("Requested")

    follower = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="following_set")
    followee = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="follower_set")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="groups_follow_once"),
            models.CheckConstraint(
                condition=~Q(follower=F("followee")), name="groups_follow_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["follower", "status"], name="groups_follow_follower"),
            models.Index(fields=["followee", "status"], name="groups_follow_followee"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followee_id} ({self.status})"


class Block(TimeStampedModel):
    """`blocker` and `blocked` no longer see each other anywhere (both ways)."""

    blocker = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="blocks_received")

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="groups_block_once"),
            models.CheckConstraint(
                condition=~Q(blocker=F("blocked")), name="groups_block_not_self"
            ),
        ]
        indexes = [models.Index(fields=["blocked"], name="groups_block_blocked")]

    def __str__(self) -> str:
        return f"{self.blocker_id} ⊘ {self.blocked_id}"


class Mute(TimeStampedModel):
    """`muter` keeps following `muted` but no longer sees them in the feed."""

    muter = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="mutes_made")
    muted = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("mute")
        verbose_name_plural = _("mutes")
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="groups_mute_once"),
            models.CheckConstraint(condition=~Q(muter=F("muted")), name="groups_mute_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"


# --- groups ---------------------------------------------------------------------------------


class Privacy(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can join")
    PRIVATE = "private", _("Private: people ask to join")
    INVITE_ONLY = "invite_only", _("Invite only")


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")


class Group(TimeStampedModel):
    MAX_NAME = 80

    name = models.CharField(_("name"), max_length=MAX_NAME)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    privacy = models.CharField(
        _("privacy"), max_length=12, choices=Privacy.choices, default=Privacy.PUBLIC
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set by a moderator: the group is out of lists and its page answers 404 to non-members.
    hidden_at = models.DateTimeField(_("hidden by a moderator"), null=True, blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        indexes = [models.Index(fields=["privacy", "-created"], name="groups_group_listing")]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Member")
        PENDING = "pending", _("Asked to join")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groups_membership_once"),
            models.CheckConstraint(
                condition=Q(status="active") | Q(role="member"),
                name="groups_membership_pending_is_member",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="groups_membership_user"),
            models.Index(fields=["group", "status", "role"], name="groups_membership_group"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} ({self.role}, {self.status})"


def _invite_token() -> str:
    return secrets.token_urlsafe(24)


class GroupInvite(TimeStampedModel):
    """A link that lets whoever holds it join (also invite-only groups)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invites")
    token = models.CharField(max_length=64, unique=True, default=_invite_token, editable=False)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("maximum uses"), null=True, blank=True)
    uses = models.PositiveIntegerField(_("uses"), default=0)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("group invite")
        verbose_name_plural = _("group invites")

    def __str__(self) -> str:
        return f"invite to {self.group_id}"


class GroupEvent(TimeStampedModel):
    """A scheduled meet-up of a group: when, where and (optionally) which route."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("meeting place"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    route = models.ForeignKey(
        "training.Route",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planned route"),
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("group event")
        verbose_name_plural = _("group events")
        indexes = [models.Index(fields=["group", "starts_at"], name="groups_event_group_time")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lat__isnull=True) & Q(lng__isnull=True))
                | (Q(lat__gte=-90, lat__lte=90) & Q(lng__gte=-180, lng__lte=180)),
                name="groups_event_coordinates",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EventRSVP(TimeStampedModel):
    class Answer(models.TextChoices):
        GOING = "going", _("Going")
        MAYBE = "maybe", _("Maybe")
        NOT_GOING = "not_going", _("Not going")

    event = models.ForeignKey(GroupEvent, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="event_rsvps")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="groups_rsvp_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.answer}"


# --- kudos and comments ---------------------------------------------------------------------


class Kudos(TimeStampedModel):
    activity = models.ForeignKey("training.Activity", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="kudos_given")

    class Meta:
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="groups_kudos_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.activity_id}"


class Comment(TimeStampedModel):
    MAX_LENGTH = 1000

    activity = models.ForeignKey("training.Activity", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(_("comment"), max_length=MAX_LENGTH)
    hidden_at = models.DateTimeField(_("hidden by a moderator"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["activity", "created"], name="groups_comment_activity")]

    def __str__(self) -> str:
        return self.body[:40]


# --- moderation -----------------------------------------------------------------------------


class TargetType(models.TextChoices):
    COMMENT = "comment", _("Comment")
    ACTIVITY = "activity", _("Activity")
    GROUP = "group", _("Group")
    USER = "user", _("Person")


class Report(TimeStampedModel):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        HARASSMENT = "harassment", _("Harassment or bullying")
        INAPPROPRIATE = "inappropriate", _("Inappropriate content")
        IMPERSONATION = "impersonation", _("Impersonation")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIONED = "actioned", _("Action taken")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="reports_made")
    target_type = models.CharField(_("what"), max_length=10, choices=TargetType.choices)
    target_id = models.BigIntegerField(_("which"))
    # The person the report is about (the author of the content, or the person reported).
    subject = models.ForeignKey(
        USER, on_delete=models.CASCADE, null=True, blank=True, related_name="reports_about"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reviewed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        permissions = [("moderate", _("Can review reports and sanction people"))]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"],
                condition=Q(status="open"),
                name="groups_report_open_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "created"], name="groups_report_queue")]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id}: {self.reason}"


class ModerationAction(TimeStampedModel):
    class Kind(models.TextChoices):
        HIDE = "hide", _("Hide the content")
        WARN = "warn", _("Warn the person")
        SUSPEND = "suspend", _("Suspend the person")

    kind = models.CharField(_("action"), max_length=10, choices=Kind.choices)
    subject = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="sanctions")
    moderator = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    target_type = models.CharField(_("what"), max_length=10, choices=TargetType.choices)
    target_id = models.BigIntegerField(_("which"))
    reason = models.TextField(_("reason"), max_length=2000)
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    # Set when an appeal succeeds: the action no longer applies.
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        indexes = [
            models.Index(fields=["subject", "kind"], name="groups_action_subject"),
            models.Index(fields=["target_type", "target_id"], name="groups_action_target"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id}"


class Appeal(TimeStampedModel):
    """The affected person's one appeal against an action."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        UPHELD = "upheld", _("Decision upheld")
        REVERSED = "reversed", _("Decision reversed")

    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="appeal")
    text = models.TextField(_("why the decision is wrong"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    response = models.TextField(_("response"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal {self.action_id} ({self.status})"


# --- chat (apps/groups/chat.py) -------------------------------------------------------------


class Conversation(TimeStampedModel):
    """One chat: a group's (every active member takes part) or a direct one between two people
    (`user_low` < `user_high`, so a pair has one conversation). One model for both keeps a
    single message table, consumer, history and unread machinery."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Group chat")
        DIRECT = "direct", _("Direct messages")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="conversation"
    )
    user_low = models.ForeignKey(
        USER, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user_high = models.ForeignKey(
        USER, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["user_low", "user_high"], name="groups_conversation_direct_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="group", group__isnull=False, user_low__isnull=True)
                    | Q(
                        kind="direct",
                        group__isnull=True,
                        user_low__isnull=False,
                        user_high__isnull=False,
                        user_low__lt=F("user_high"),
                    )
                ),
                name="groups_conversation_shape",
            ),
        ]
        indexes = [models.Index(fields=["user_high"], name="groups_conversation_high")]

    def __str__(self) -> str:
        if self.kind == self.Kind.GROUP:
            return f"chat of group {self.group_id}"
        return f"chat {self.user_low_id} ↔ {self.user_high_id}"


class ChatMessage(models.Model):
    MAX_LENGTH = 2000

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # Null once the sender's account is erased: the message stays for the others, unsigned.
    sender = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, related_name="chat_messages"
    )
    # The sending app's own id for the message: a resend with the same id is the same message.
    client_id = models.CharField(_("client id"), max_length=64)
    body = models.TextField(_("message"), max_length=MAX_LENGTH)
    created = models.DateTimeField(auto_now_add=True, db_index=False)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "client_id"], name="groups_chatmessage_client_once"
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "id"], name="groups_chatmessage_conv"),
        ]

    def __str__(self) -> str:
        return self.body[:40]


class ChatReadMarker(models.Model):
    """The last message a person has read in a conversation (unread = newer ones)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="read_markers"
    )
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="chat_read_markers")
    last_read_id = models.BigIntegerField(_("last read message"), default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chat read marker")
        verbose_name_plural = _("chat read markers")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="groups_readmarker_once"),
        ]
        indexes = [models.Index(fields=["user"], name="groups_readmarker_user")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.conversation_id} to {self.last_read_id}"


class ChatMute(TimeStampedModel):
    """A group admin silenced a member in the group's chat until `until`."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="chat_mutes")
    until = models.DateTimeField(_("muted until"))
    muted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("chat mute")
        verbose_name_plural = _("chat mutes")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="groups_chatmute_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} muted in {self.conversation_id}"


# --- live group runs (apps/groups/live.py) --------------------------------------------------


class LiveSession(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="live_sessions")
    event = models.ForeignKey(
        GroupEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_sessions",
    )
    title = models.CharField(_("title"), max_length=120)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # Kept when the session ends: per runner distance, time, pace, rank and activity id.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    points_purged_at = models.DateTimeField(_("positions purged"), null=True, blank=True)

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        indexes = [
            models.Index(fields=["group", "-created"], name="groups_live_group"),
            models.Index(fields=["status", "ended_at"], name="groups_live_status"),
        ]

    def __str__(self) -> str:
        return self.title


class LiveParticipant(TimeStampedModel):
    class Role(models.TextChoices):
        RUNNER = "runner", _("Runner")
        WATCHER = "watcher", _("Watcher")

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="live_participations")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    activity = models.ForeignKey(
        "training.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("live participant")
        verbose_name_plural = _("live participants")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="groups_live_participant_once"
            ),
        ]
        indexes = [models.Index(fields=["user"], name="groups_live_participant_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} in {self.session_id}"


class LivePoint(models.Model):
    """One accepted GPS point, written in batches (never one insert per point)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="points")
    runner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    t = models.DateTimeField()
    lat = models.FloatField()
    lng = models.FloatField()
    accuracy = models.FloatField(null=True, blank=True)
    heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("live point")
        verbose_name_plural = _("live points")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "runner", "t"], name="groups_livepoint_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.runner_id}@{self.t:%H:%M:%S}"


def _share_token() -> str:
    return secrets.token_urlsafe(24)


class LiveShareLink(TimeStampedModel):
    """A runner's link for safety contacts without an account: that runner's position only,
    while the session is live."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="share_links")
    runner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="live_share_links")
    token = models.CharField(max_length=64, unique=True, default=_share_token, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("live share link")
        verbose_name_plural = _("live share links")
        constraints = [
            models.UniqueConstraint(fields=["session", "runner"], name="groups_liveshare_once"),
        ]

    def __str__(self) -> str:
        return f"share {self.session_id}/{self.runner_id}"
