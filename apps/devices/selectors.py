"""Reads of uploads: a person's own only."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from apps.devices.models import Upload


def _with_counts(qs: QuerySet[Upload]) -> QuerySet[Upload]:
    S = Upload.Status
    heavy = ("summary_polyline", "splits_metric", "splits_imperial", "laps", "zones", "notes")
    qs = qs.select_related("activity", "duplicate_of").defer(
        *(f"{rel}__{name}" for rel in ("activity", "duplicate_of") for name in heavy)
    )
    return qs.annotate(
        files_total=Count("children"),
        files_done=Count("children", filter=Q(children__status=S.DONE)),
        files_duplicate=Count("children", filter=Q(children__status=S.DUPLICATE)),
        files_failed=Count("children", filter=Q(children__status=S.FAILED)),
    )


def upload_list(*, owner, archive_id: int | None = None) -> QuerySet[Upload]:
    """My uploads, newest first: top-level ones, or the files of one of my archives."""
    qs = Upload.objects.filter(owner=owner)
    qs = qs.filter(parent_id=archive_id) if archive_id else qs.filter(parent__isnull=True)
    return _with_counts(qs).order_by("-created", "-pk")


def upload_get(*, owner, upload_id: int) -> Upload | None:
    """One of my uploads, or None (someone else's is as good as missing)."""
    return _with_counts(Upload.objects.filter(owner=owner, pk=upload_id)).first()


def uploads_stuck(*, before) -> QuerySet[Upload]:
    return Upload.objects.filter(status=Upload.Status.PROCESSING, started__lt=before)
