"""What promos holds about a person (points, redemptions, coupons, orders) and its erasure.
Shop orders stay for the shop's books, without the person; so do coupon redemptions."""

from __future__ import annotations

from apps.core.personal_data import ExportPart, eraser, exporter
from apps.promos.models import (
    Coupon,
    CouponRedemption,
    Order,
    PointsAccount,
    PointsEntry,
    Promotion,
    RewardRedemption,
)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@exporter("promos")
def export_promos(user_id: int) -> ExportPart:
    entries = [
        {
            "points": e.points,
            "source": e.source,
            "note": e.note,
            "day": _iso(e.earned_on),
            "created": _iso(e.created),
        }
        for e in PointsEntry.objects.filter(user_id=user_id).order_by("created", "pk")
    ]
    return ExportPart(
        data={
            "points_balance": PointsAccount.objects.filter(user_id=user_id)
            .values_list("balance", flat=True)
            .first()
            or 0,
            "points": entries,
            "rewards": [
                {"reward": r.reward.slug, "points": r.points, "created": _iso(r.created)}
                for r in RewardRedemption.objects.filter(user_id=user_id)
                .select_related("reward")
                .order_by("created", "pk")
            ],
            "coupons": [
                {"code": c.code, "promotion": c.promotion.slug, "created": _iso(c.created)}
                for c in Coupon.objects.filter(user_id=user_id)
                .select_related("promotion")
                .order_by("pk")
            ],
            "coupon_uses": [
                {"code": r.coupon.code, "created": _iso(r.created), "reversed": _iso(r.reversed_at)}
                for r in CouponRedemption.objects.filter(user_id=user_id)
                .select_related("coupon")
                .order_by("pk")
            ],
            "orders": [
                {
                    "shop": o.shop,
                    "order_id": o.order_id,
                    "total": str(o.total),
                    "currency": o.currency,
                    "points": o.points,
                    "status": o.status,
                    "created": _iso(o.created),
                }
                for o in Order.objects.filter(user_id=user_id).order_by("pk")
            ],
        }
    )


@eraser("promos", order=40)
def erase_promos(user_id: int) -> None:
    """Points, rewards and personal promotions go; orders and coupon uses lose the person."""
    Order.objects.filter(user_id=user_id).update(user=None)
    CouponRedemption.objects.filter(user_id=user_id).update(user=None)
    CouponRedemption.objects.filter(coupon__user_id=user_id).update(user=None)
    RewardRedemption.objects.filter(user_id=user_id).delete()
    PointsEntry.objects.filter(user_id=user_id).delete()
    PointsEntry.objects.filter(actor_id=user_id).update(actor=None)
    PointsAccount.objects.filter(user_id=user_id).delete()
    Coupon.objects.filter(user_id=user_id, redemptions__isnull=True).delete()
    Coupon.objects.filter(user_id=user_id).update(user=None, active=False)
    Promotion.objects.filter(user_id=user_id).update(user=None, active=False)
