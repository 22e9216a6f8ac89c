"""What crosses the gear app's boundary: replacement suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Suggestion:
    """A catalog product offered in the person's region as a replacement for their gear.
    `promotion` is filled by a ranker the promos app registers (`hooks.register_ranker`)."""

    product_id: int
    name: str
    brand: str
    region: str
    price: Decimal
    currency: str
    shop_url: str
    score: float
    promotion: dict | None = field(default=None)

    def as_context(self) -> dict:
        return {
            "product_id": self.product_id,
            "name": f"{self.brand} {self.name}",
            "price": str(self.price),
            "currency": self.currency,
            "shop_url": self.shop_url,
            "promotion": self.promotion,
        }
