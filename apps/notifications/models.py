"""In-app notifications, their per-channel delivery log, preferences and channel links."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.notifications.kinds import Channel


class Notification(TimeStampedModel):
    """One thing that happened for a person. Collapsed bursts share a row (`actor_count`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    context = models.JSONField(_("context"), default=dict, blank=True)
    collapse_key = models.CharField(_("collapse key"), max_length=200, blank=True)
    actor_count = models.PositiveIntegerField(_("actors"), default=1)
    # Shown in the in-app list (false when the person turned the in-app channel off).
    visible = models.BooleanField(_("shown in the app"), default=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["user", "-created", "-id"],
                condition=Q(visible=True),
                name="notif_list",
            ),
            models.Index(
                fields=["user"],
                condition=Q(visible=True, read_at__isnull=True),
                name="notif_unread",
            ),
        ]
        constraints = [
            # At most one unread row per burst: collapsing finds it, concurrent notify() calls
            # cannot make two.
            models.UniqueConstraint(
                fields=["user", "kind", "collapse_key"],
                condition=Q(read_at__isnull=True) & ~Q(collapse_key=""),
                name="notif_one_unread_per_collapse_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class Delivery(models.Model):
    """One notification on one channel: the delivery log and the claim that prevents a retried
    task from sending twice (a task sends only after moving the row out of a sendable state)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DEFERRED = "deferred", _("Deferred (quiet hours)")
        HELD = "held", _("Held for the digest")
        SENDING = "sending", _("Sending")
        RETRYING = "retrying", _("Waiting to retry")
        SENT = "sent", _("Sent")
        DIGESTED = "digested", _("Sent in a digest")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    SENDABLE = (Status.PENDING, Status.DEFERRED, Status.RETRYING)

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_deliveries",
        verbose_name=_("user"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # A collapsed notification may go out again on a channel after its first message was sent.
    round = models.PositiveIntegerField(_("round"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel", "round"], name="notif_delivery_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["not_before"],
                condition=Q(status__in=["pending", "deferred", "retrying"]),
                name="notif_delivery_due",
            ),
            models.Index(
                fields=["user", "created"],
                condition=Q(status="held"),
                name="notif_delivery_held",
            ),
            models.Index(fields=["user", "-created"], name="notif_delivery_user"),
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="notif_delivery_stuck"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.notification_id}: {self.status}"


class Preference(models.Model):
    """A person's choice for one kind on one channel (absent: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notif_pref_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.channel}: {self.enabled}"


class DeliverySettings(models.Model):
    """Quiet hours (in the person's time zone) and the e-mail digest."""

    class Digest(models.TextChoices):
        OFF = "off", _("Each message at once")
        DAILY = "daily", _("A daily summary")
        WEEKLY = "weekly", _("A weekly summary")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("user"),
    )
    quiet_start = models.TimeField(_("quiet hours start"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours end"), null=True, blank=True)
    digest = models.CharField(
        _("e-mail digest"), max_length=8, choices=Digest.choices, default=Digest.OFF
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        indexes = [
            models.Index(fields=["digest"], condition=~Q(digest="off"), name="notif_digest_on")
        ]

    def __str__(self) -> str:
        return f"settings of {self.user_id}"


class ChannelState(models.Model):
    """A channel turned off for a person after it failed for good, with the visible reason."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_channel_states",
        verbose_name=_("user"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    disabled_reason = models.CharField(_("why it is off"), max_length=300)
    disabled_at = models.DateTimeField(_("turned off at"), auto_now_add=True)

    class Meta:
        verbose_name = _("disabled channel")
        verbose_name_plural = _("disabled channels")
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="notif_channel_state_once"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} off for {self.user_id}"


class PushSubscription(TimeStampedModel):
    """A browser's Web Push subscription (endpoint + keys from PushManager.subscribe)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name=_("user"),
    )
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(_("public key"), max_length=200)
    auth = models.CharField(_("auth secret"), max_length=100)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"push of {self.user_id}"


class TelegramLink(TimeStampedModel):
    """A person's Telegram chat with the bot, linked through a one-time deep-link token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="telegram_link",
        verbose_name=_("user"),
    )
    chat_id = models.BigIntegerField(_("chat id"), unique=True)
    username = models.CharField(_("Telegram username"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")

    def __str__(self) -> str:
        return f"telegram of {self.user_id}"


class TelegramLinkToken(models.Model):
    """A one-time token for the bot's deep link; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="telegram_link_tokens",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram link token")
        verbose_name_plural = _("Telegram link tokens")

    def __str__(self) -> str:
        return f"link token of {self.user_id}"


class Announcement(TimeStampedModel):
    """A message from staff to a segment of people (marketing: needs consent off the app)."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    language = models.CharField(
        _("only people with this language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
    )
    country = models.CharField(_("only people in this country (code)"), max_length=2, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return self.title
