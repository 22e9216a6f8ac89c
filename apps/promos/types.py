"""What crosses the promos app's boundary: the answer to a shop's coupon check."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CouponCheck:
    """A shop asks at checkout: may this code be used, and for what?"""

    valid: bool
    code: str
    reason: str = ""  # an error code when not valid (COUPON_INVALID, COUPON_EXHAUSTED, ...)
    message: str = ""
    kind: str = ""  # percent, fixed, gift
    value: Decimal = Decimal(0)
    currency: str = ""
    product_ids: tuple[int, ...] = ()
    brand_ids: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    promotion_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "code": self.code,
            "reason": self.reason,
            "message": self.message,
            "kind": self.kind,
            "value": str(self.value),
            "currency": self.currency,
            "product_ids": list(self.product_ids),
            "brand_ids": list(self.brand_ids),
            "categories": list(self.categories),
            "promotion_id": self.promotion_id,
        }
