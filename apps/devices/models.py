"""Uploaded workout files and archives, each a job with a status a person can follow; links to
providers (connections) and the webhook events they send."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedTextField
from apps.core.models import TimeStampedModel


def upload_path(instance: Upload, filename: str) -> str:
    """Stored under a random name (the original name is kept in a field, not in a path)."""
    suffix = "".join(PurePosixPath(filename).suffixes[-2:])[:16].lower()
    suffix = "".join(c for c in suffix if c.isalnum() or c == ".")
    return f"uploads/{instance.owner_id}/{uuid.uuid4().hex}{suffix}"


class Upload(TimeStampedModel):
    """One uploaded file: a workout file, or an archive whose files become child uploads."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        PROCESSING = "processing", _("processing")
        DONE = "done", _("done")
        DUPLICATE = "duplicate", _("duplicate")
        FAILED = "failed", _("failed")

    class Kind(models.TextChoices):
        FILE = "file", _("workout file")
        ARCHIVE = "archive", _("archive")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("archive"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.FILE)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.BigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    reason_code = models.CharField(_("reason code"), max_length=32, blank=True)
    reason_detail = models.CharField(_("reason detail"), max_length=32, blank=True)
    activity = models.ForeignKey(
        "training.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    duplicate_of = models.ForeignKey(
        "training.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duplicate of"),
    )
    # From an archive's index (Strava's activities.csv): the sport and title to use.
    sport_hint = models.CharField(_("sport from the archive"), max_length=16, blank=True)
    title_hint = models.CharField(_("title from the archive"), max_length=120, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        indexes = [
            models.Index(fields=["owner", "-created"], name="devices_upload_owner_created"),
            models.Index(fields=["status", "started"], name="devices_upload_status_started"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"


class Connection(TimeStampedModel):
    """A person's link to a platform (Strava, Garmin, the sandbox…): who they are there and the
    tokens to fetch their workouts, encrypted at rest and wiped when the link ends."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("connected")
        ERROR = "error", _("needs reconnecting")
        DISCONNECTED = "disconnected", _("disconnected")
        REVOKED = "revoked", _("revoked at the provider")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connections"
    )
    provider = models.CharField(_("provider"), max_length=16)
    external_id = models.CharField(_("account at the provider"), max_length=64)
    access_token = EncryptedTextField(_("access token"), blank=True, default="")
    refresh_token = EncryptedTextField(_("refresh token"), blank=True, default="")
    token_expires_at = models.DateTimeField(_("token expires"), null=True, blank=True)
    scopes = models.CharField(_("scopes"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    last_sync_at = models.DateTimeField(_("last sync"), null=True, blank=True)
    last_error_code = models.CharField(_("last error code"), max_length=32, blank=True)
    last_error_at = models.DateTimeField(_("last error"), null=True, blank=True)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        constraints = [
            models.UniqueConstraint(fields=["user", "provider"], name="devices_conn_user_provider"),
            # One Stride account per account at a provider while the link is live.
            models.UniqueConstraint(
                fields=["provider", "external_id"],
                condition=models.Q(status="active"),
                name="devices_conn_active_account",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "external_id"], name="devices_conn_account"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.external_id} ({self.status})"


class WebhookEvent(TimeStampedModel):
    """One notification from a provider, stored once under its unique key (a redelivery finds
    the row and changes nothing) and processed by a Celery job with bounded attempts."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        PROCESSING = "processing", _("processing")
        RETRYING = "retrying", _("waiting to retry")
        DONE = "done", _("done")
        IGNORED = "ignored", _("ignored")
        EXHAUSTED = "exhausted", _("failed for good")

    provider = models.CharField(_("provider"), max_length=16)
    key = models.CharField(_("unique key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24)
    external_id = models.CharField(_("account at the provider"), max_length=64, blank=True)
    object_id = models.CharField(_("object at the provider"), max_length=64, blank=True)
    body = models.TextField(_("raw body"))
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    connection = models.ForeignKey(
        Connection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("connection"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    activity = models.ForeignKey(
        "training.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [
            models.UniqueConstraint(fields=["provider", "key"], name="devices_event_unique_key")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="devices_event_due"),
            models.Index(fields=["provider", "-created"], name="devices_event_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.object_id} ({self.status})"
