"""Reads of uploads: a person's own only."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from apps.devices.models import Connection, Upload, WebhookEvent


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


# --- Provider connections and webhook events ------------------------------------------------


def connection_list(*, user) -> QuerySet[Connection]:
    """My connections, newest first."""
    return Connection.objects.filter(user=user).order_by("-created", "-pk")


def connection_get(*, user, connection_id: int) -> Connection | None:
    """One of my connections, or None (someone else's is as good as missing)."""
    return Connection.objects.filter(user=user, pk=connection_id).first()


def connection_for_account(*, provider: str, external_id: str) -> Connection | None:
    """The Stride connection of an account at a provider: the live one first."""
    rows = Connection.objects.filter(provider=provider, external_id=external_id)
    return (
        rows.filter(status=Connection.Status.ACTIVE).first() or rows.order_by("-modified").first()
    )


def connections_to_reconcile(*, providers: list[str]) -> QuerySet[Connection]:
    return Connection.objects.filter(
        provider__in=providers, status=Connection.Status.ACTIVE
    ).order_by("pk")


def webhook_events_due(*, now, limit: int = 500) -> list[int]:
    """Events waiting for a retry whose time has come."""
    return list(
        WebhookEvent.objects.filter(
            status=WebhookEvent.Status.RETRYING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:limit]
    )
