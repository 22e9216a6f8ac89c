"""What gear holds about a person: their gear, its defaults and which activity was done in
what; and its erasure (before training's, which removes the activities)."""

from __future__ import annotations

from apps.core.personal_data import ExportPart, eraser, exporter
from apps.gear.models import Gear, GearActivity, GearDefault


@exporter("gear")
def export_gear(user_id: int) -> ExportPart:
    defaults: dict[int, list[str]] = {}
    for gear_id, sport in GearDefault.objects.filter(owner_id=user_id).values_list(
        "gear_id", "sport"
    ):
        defaults.setdefault(gear_id, []).append(sport)
    attributions: dict[int, list[int]] = {}
    for gear_id, activity_id in GearActivity.objects.filter(owner_id=user_id).values_list(
        "gear_id", "activity_id"
    ):
        attributions.setdefault(gear_id, []).append(activity_id)
    gear = [
        {
            "id": g.pk,
            "product_sku": g.product.sku if g.product_id else None,
            "name": g.custom_name,
            "nickname": g.nickname,
            "category": g.category,
            "purchase_date": g.purchase_date.isoformat() if g.purchase_date else None,
            "start_distance_m": g.start_distance_m,
            "lifespan_km": g.lifespan_km,
            "lifespan_hours": g.lifespan_hours,
            "distance_m": g.distance_m,
            "moving_s": g.moving_s,
            "retired_at": g.retired_at.isoformat() if g.retired_at else None,
            "default_for": sorted(defaults.get(g.pk, [])),
            "activities": sorted(attributions.get(g.pk, [])),
        }
        for g in Gear.objects.filter(owner_id=user_id).select_related("product").order_by("pk")
    ]
    return ExportPart(data={"gear": gear})


@eraser("gear", order=45)
def erase_gear(user_id: int) -> None:
    """Gear is the person's alone; catalog products stay."""
    Gear.objects.filter(owner_id=user_id).delete()
