"""Seed the rows the bench endpoints read (idempotent): `python -m bench.seed`.

Run with DJANGO_SETTINGS_MODULE=bench.settings and the bench database migrated.
"""

import os
from datetime import timedelta

SEED_ROWS = 25  # the list view returns 20 of them


def seed() -> int:
    """Make sure at least SEED_ROWS bench events exist; return how many there are."""
    from django.utils import timezone

    from apps.core.models import AnalyticsEvent
    from bench.views import SEED_NAME

    existing = AnalyticsEvent.objects.filter(name=SEED_NAME).count()
    now = timezone.now()
    AnalyticsEvent.objects.bulk_create(
        AnalyticsEvent(
            name=SEED_NAME,
            user_id=i % 7,
            properties={"screen": "feed", "rank": i, "variant": "b" if i % 2 else "a"},
            occurred_at=now - timedelta(minutes=i),
        )
        for i in range(existing, SEED_ROWS)
    )
    return max(existing, SEED_ROWS)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    print(f"bench rows: {seed()}")
