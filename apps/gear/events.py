"""The activity events gear subscribes to: attribution and wear follow activities."""

from datetime import datetime

from apps.core.events import DomainEvent, subscribe
from apps.gear import services


@subscribe("activity_recorded")
def on_activity_recorded(event: DomainEvent) -> None:
    p = event.payload
    services.activity_attribute(
        activity_id=p["activity_id"],
        owner_id=p["owner_id"],
        sport=p["sport"],
        start_time=datetime.fromisoformat(p["start_time"]),
        distance_m=p.get("distance_m"),
        moving_s=p.get("moving_s"),
    )


@subscribe("activity_updated")
def on_activity_updated(event: DomainEvent) -> None:
    services.activity_refresh(
        activity_id=event.payload["activity_id"], owner_id=event.payload["owner_id"]
    )


@subscribe("activity_deleted")
def on_activity_deleted(event: DomainEvent) -> None:
    services.activity_refresh(
        activity_id=event.payload["activity_id"], owner_id=event.payload["owner_id"]
    )
