"""What promos subscribes to (loyalty points follow activities: recorded, edited, deleted)
and publishes.

Published by `services` (payloads are JSON; the partner platform relays them as webhooks):
- `coupon_issued`: coupon_id, code, user_id, promotion_id, promotion_slug, kind, value,
  currency, valid_until
- `reward_redeemed`: redemption_id, user_id, reward_id, reward_slug, kind, points, coupon_code
- `order_reported`: shop, environment, order_id, user_id, total, currency, coupon_code, points
- `order_refunded`: shop, environment, order_id, user_id
"""

from apps.core.events import DomainEvent, subscribe
from apps.partners.registry import register_event_type
from apps.promos import services

PUBLISHED = ("coupon_issued", "reward_redeemed", "order_reported", "order_refunded")


@subscribe("activity_recorded")
def on_activity_recorded(event: DomainEvent) -> None:
    services.points_earn_for_activity(
        activity_id=event.payload["activity_id"], owner_id=event.payload["owner_id"]
    )


@subscribe("activity_updated")
def on_activity_updated(event: DomainEvent) -> None:
    """An edit (sport, distance, duration, day) may change what the activity earns: the
    difference is booked as a correcting entry; an edit that changes nothing adds nothing."""
    services.points_recompute_for_activity(
        activity_id=event.payload["activity_id"], owner_id=event.payload["owner_id"]
    )


@subscribe("activity_deleted")
def on_activity_deleted(event: DomainEvent) -> None:
    services.points_reverse_activity(
        activity_id=event.payload["activity_id"], owner_id=event.payload["owner_id"]
    )


# --- Outbound webhooks to shops (apps.partners relays these domain events) -------------------


def _for_shops(payload: dict) -> list:
    from apps.partners import selectors as partner_selectors

    return partner_selectors.shop_endpoints(user_id=payload.get("user_id"))


def _for_the_shop(payload: dict) -> list:
    from apps.partners import selectors as partner_selectors

    shop = str(payload.get("shop") or "")
    if not shop.startswith("partner:") or not shop.removeprefix("partner:").isdigit():
        return []
    # The environment of the order: a sandbox order's news goes to sandbox endpoints only.
    environment = payload.get("environment") or "production"
    return partner_selectors.shop_own_endpoints(
        partner_id=int(shop.removeprefix("partner:")), environment=environment
    )


def _coupon(payload: dict) -> dict:
    keys = ("coupon_id", "code", "user_id", "promotion_id", "promotion_slug", "kind", "value")
    return {k: payload.get(k) for k in (*keys, "currency", "valid_until")}


def _reward(payload: dict) -> dict:
    keys = ("redemption_id", "user_id", "reward_id", "reward_slug", "kind", "points")
    return {k: payload.get(k) for k in (*keys, "coupon_code")}


def _order(payload: dict) -> dict:
    keys = ("order_id", "user_id", "total", "currency", "coupon_code", "points")
    return {k: payload.get(k) for k in keys}


register_event_type(
    "coupon.issued",
    schema_version=1,
    build_data=_coupon,
    domain_event="coupon_issued",
    user_id=lambda payload: payload.get("user_id"),
    scope="shop",
    endpoints=_for_shops,
    description="Shops: a coupon was issued to an athlete (accept it at checkout).",
    example={
        "coupon_id": 7,
        "code": "K3M9Q2XW7P",
        "user_id": 42,
        "promotion_id": 3,
        "promotion_slug": "spring-shoes",
        "kind": "percent",
        "value": "20.00",
        "currency": "",
        "valid_until": "2026-06-01T00:00:00+00:00",
    },
)
register_event_type(
    "reward.redeemed",
    schema_version=1,
    build_data=_reward,
    domain_event="reward_redeemed",
    user_id=lambda payload: payload.get("user_id"),
    scope="shop",
    endpoints=_for_shops,
    description="Shops: an athlete spent points on a reward (a coupon code or goods).",
    example={
        "redemption_id": 5,
        "user_id": 42,
        "reward_id": 2,
        "reward_slug": "socks",
        "kind": "goods",
        "points": 500,
        "coupon_code": None,
    },
)
register_event_type(
    "order.reported",
    schema_version=1,
    build_data=_order,
    domain_event="order_reported",
    user_id=lambda payload: payload.get("user_id"),
    scope="shop",
    endpoints=_for_the_shop,
    description="Your shop reported an order: the coupon redeemed and the points earned.",
    example={
        "order_id": "A-1001",
        "user_id": 42,
        "total": "120.00",
        "currency": "EUR",
        "coupon_code": "SPRING20",
        "points": 120,
    },
)
register_event_type(
    "order.refunded",
    schema_version=1,
    build_data=lambda payload: {"order_id": payload["order_id"], "user_id": payload["user_id"]},
    domain_event="order_refunded",
    user_id=lambda payload: payload.get("user_id"),
    scope="shop",
    endpoints=_for_the_shop,
    description="Your shop refunded an order: its coupon use and points were reversed.",
    example={"order_id": "A-1001", "user_id": 42},
)
