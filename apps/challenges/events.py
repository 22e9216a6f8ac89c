"""What challenges subscribes to: every activity event re-derives the owner's flag,
leaderboard periods, challenge progress and badges from the activities themselves, so a
replayed or duplicated event changes nothing."""

from apps.challenges import services
from apps.core.events import DomainEvent, subscribe


@subscribe("activity_recorded")
@subscribe("activity_updated")
@subscribe("activity_deleted")
def on_activity_changed(event: DomainEvent) -> None:
    services.activity_changed(
        owner_id=event.payload["owner_id"], activity_id=event.payload["activity_id"]
    )
