"""Uploaded workout files and archives, each a job with a status a person can follow."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
