"""Promos test data, made through the services (or plainly, for staff-made catalog rows)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.test import TestCase
from django.utils import timezone

from apps.accounts import services as accounts_services
from apps.accounts.models import ConsentDocument, Profile
from apps.promos.models import EarningRule, Promotion, Reward
from apps.training import services as training_services
from apps.training.types import NormalizedActivity


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def record(owner, *, km: float = 10, minutes: float = 55, days_ago: float = 0.5, sport="run"):
    start = datetime.now(UTC) - timedelta(days=days_ago)
    with committed():
        return training_services.record_activity(
            owner=owner,
            activity=NormalizedActivity(
                sport=sport,
                start_time=start,
                source="file",
                elapsed_s=minutes * 60,
                moving_s=minutes * 60,
                distance_m=km * 1000,
            ),
        ).activity


def rule(kind: str, points: int, **fields) -> EarningRule:
    return EarningRule.objects.create(name=f"{kind} {points}", kind=kind, points=points, **fields)


def promotion(slug: str, **fields) -> Promotion:
    now = timezone.now()
    values = {
        "kind": "percent",
        "value": 15,
        "title": {"en": f"{slug} offer", "ru": f"{slug} предложение", "de": f"{slug} Angebot"},
        "body": {"en": "Save now.", "ru": "Экономьте.", "de": "Jetzt sparen."},
        "starts_at": now - timedelta(days=1),
        "ends_at": now + timedelta(days=30),
    }
    values.update(fields)
    return Promotion.objects.create(slug=slug, **values)


def reward(slug: str, cost: int, **fields) -> Reward:
    values = {"kind": "goods", "title": {"en": f"{slug} reward"}}
    values.update(fields)
    return Reward.objects.create(slug=slug, cost=cost, **values)


def place(user, country: str, region: str = "", language: str = "") -> None:
    Profile.objects.update_or_create(user=user, defaults={"country": country, "region": region})
    if language:
        user.language = language
        user.save(update_fields=["language"])


def consent_personalisation(user, granted: bool = True) -> None:
    document = ConsentDocument.objects.filter(kind="personalisation").first()
    if document is None:
        document = ConsentDocument.objects.create(
            kind="personalisation", version=1, title="Personal", body="Personal offers."
        )
        with committed():
            accounts_services.consent_document_publish(document=document)
    accounts_services.consent_record(user=user, decisions={"personalisation": granted})
