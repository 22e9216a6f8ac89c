"""Plans subscribe to the activities of their athletes: a recorded activity may complete a
session, a corrected one is checked again, a deleted one reopens the session it completed.
Every handler is idempotent."""

from apps.core.events import DomainEvent, subscribe
from apps.training.plans import services


@subscribe("activity_recorded")
def complete_session_on_activity_recorded(event: DomainEvent) -> None:
    services.session_complete_for_activity(activity_id=event.payload["activity_id"])


@subscribe("activity_updated")
def recheck_session_on_activity_updated(event: DomainEvent) -> None:
    services.session_recheck_for_updated_activity(activity_id=event.payload["activity_id"])


@subscribe("activity_deleted")
def reopen_session_on_activity_deleted(event: DomainEvent) -> None:
    services.session_reopen_for_deleted_activity(activity_id=event.payload["activity_id"])
