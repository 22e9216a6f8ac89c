"""How a finished challenge gives points, until the promos app owns loyalty points.

The promos app implements `PointsAwarder` and calls `register_awarder(...)` from its own
module at start; until then `LocalLedger` writes a row of `PointsLedger`. `reason` is a stable
key ("challenge:12"): an awarder must give points at most once per (user, reason).
"""

from __future__ import annotations

from typing import Protocol

from django.utils import timezone

from apps.challenges.models import PointsLedger


class PointsAwarder(Protocol):
    def award(self, *, user_id: int, points: int, reason: str) -> bool:
        """Give `points` once for `reason`; True if given now, False if given before."""


class LocalLedger:
    def award(self, *, user_id: int, points: int, reason: str) -> bool:
        _row, created = PointsLedger.objects.get_or_create(
            user_id=user_id,
            reason=reason,
            defaults={"points": points, "created": timezone.now()},
        )
        return created


_awarder: PointsAwarder = LocalLedger()


def register_awarder(awarder: PointsAwarder) -> None:
    global _awarder
    _awarder = awarder


def awarder() -> PointsAwarder:
    return _awarder
