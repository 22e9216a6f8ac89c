"""A partner's sandbox tenant: generated athletes with activities, private to the sandbox."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.accounts import services as accounts_services
from apps.partners.models import Partner, SandboxAthlete
from apps.training import services as training_services
from apps.training.types import NormalizedActivity

ATHLETES = 3
ACTIVITIES = 4
SPORTS = ("run", "ride", "walk", "swim")


def sandbox_seed(*, partner: Partner) -> tuple[int, int]:
    """Make the sandbox athletes and their activities once; returns (athletes, activities)."""
    rng = random.Random(partner.pk)  # noqa: S311 - demo data, not security
    made = 0
    User = get_user_model()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for n in range(1, ATHLETES + 1):
        email = f"sandbox-{partner.pk}-{n}@sandbox.stride.invalid"
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                email=email, defaults={"display_name": f"Sandbox athlete {n}"}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                # Sandbox athletes never appear to real users: nothing of theirs is shared.
                accounts_services.profile_update(
                    user=user, activity_visibility="only_me", profile_visibility="only_me"
                )
            SandboxAthlete.objects.get_or_create(partner=partner, user=user)
        for k in range(ACTIVITIES):
            sport = SPORTS[(n + k) % len(SPORTS)]
            elapsed = rng.randint(1800, 5400)
            speed = {"run": 2.9, "ride": 7.5, "walk": 1.4, "swim": 0.8}[sport]
            recorded = training_services.record_activity(
                owner=user,
                activity=NormalizedActivity(
                    sport=sport,
                    start_time=now - timedelta(days=k * 2 + n, hours=n),
                    source="provider",
                    provider=f"sandbox-{partner.pk}",
                    external_id=f"sandbox-{n}-{k}",
                    title=f"Sandbox {sport} {k + 1}",
                    elapsed_s=elapsed,
                    moving_s=elapsed,
                    distance_m=round(elapsed * speed, 1),
                    visibility="only_me",
                ),
            )
            made += int(recorded.created)
    return ATHLETES, made
