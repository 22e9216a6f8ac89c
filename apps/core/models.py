"""Shared base models and the two tables core owns: analytics events and idempotency keys."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Every row knows when it was made and last changed; `created` orders cursor pages."""

    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        abstract = True


class AnalyticsEvent(models.Model):
    """One product-analytics event. Written in batches by `apps.core.analytics`, never singly."""

    name = models.CharField(_("name"), max_length=100)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))

    class Meta:
        verbose_name = _("analytics event")
        verbose_name_plural = _("analytics events")
        indexes = [
            models.Index(fields=["name", "occurred_at"], name="core_event_name_time"),
            models.Index(fields=["user_id", "occurred_at"], name="core_event_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyRecord(models.Model):
    """A POST seen under an `Idempotency-Key`: its fingerprint and, once done, its response."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    scope = models.CharField(_("scope"), max_length=64, help_text=_("Who sent it."))
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.BinaryField(_("response body"), null=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="core_idempotency_scope_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


def user_scope(user: "settings.AUTH_USER_MODEL | None") -> str:
    """The idempotency scope of a caller: keys of different users never collide."""
    if user is not None and user.is_authenticated:
        return user_scope_for_id(user.pk)
    return "anonymous"


def user_scope_for_id(user_id: int) -> str:
    return f"user:{user_id}"
