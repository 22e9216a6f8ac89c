"""The registry of webhook event types.

Any app at or above partners in the layering registers the events partners may receive::

    from apps.partners.registry import register_event_type

    register_event_type(
        "coupon.issued",
        schema_version=1,
        build_data=lambda payload: {"coupon_id": payload["coupon_id"]},
        domain_event="coupon_issued",      # optional: emit on this apps.core.events event
        user_id=lambda payload: payload["user_id"],
        scope="profile:read",
        description="A coupon was issued to the athlete.",
        example={"coupon_id": 7},
    )

With `domain_event`, every `publish(domain_event, ...)` writes an outbox row in the
publisher's transaction. Without it, call `partners.services.webhook_event_emit(...)` inside
your own transaction. `build_data` returns the event's `data` (return None to skip the event);
it runs inside the publisher's transaction, so it must be cheap and must not write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventType:
    name: str
    schema_version: int
    build_data: Callable[[dict], dict | None]
    domain_event: str | None = None
    user_id: Callable[[dict], int | None] = field(default=lambda payload: payload.get("owner_id"))
    scope: str = "activities:read"
    description: str = ""
    example: dict = field(default_factory=dict)
    object_type: str = ""  # the changes feed: "activity"; empty: not in the feed
    object_id: Callable[[dict], int | None] | None = None
    tombstone: bool = False  # the change deletes the object
    # Who receives it when not the partners the athlete authorized (e.g. shops): a callable
    # from the payload to a list of WebhookEndpoint; None: by `user_id` and `scope`.
    endpoints: Callable[[dict], list] | None = None


_types: dict[str, EventType] = {}


def register_event_type(
    name: str, *, schema_version: int, build_data: Callable[[dict], dict | None], **options
) -> EventType:
    """Add (or replace, on a reload) one event type; see the module docstring."""
    event_type = EventType(
        name=name, schema_version=schema_version, build_data=build_data, **options
    )
    _types[name] = event_type
    return event_type


def get_event_type(name: str) -> EventType:
    return _types[name]


def event_types() -> list[EventType]:
    return sorted(_types.values(), key=lambda t: t.name)


def for_domain_event(domain_event: str) -> list[EventType]:
    return [t for t in _types.values() if t.domain_event == domain_event]


# --- Built-in types -----------------------------------------------------------------------

ACTIVITY_EXAMPLE = {
    "activity_id": 42,
    "athlete_id": 7,
    "sport": "run",
    "start_time": "2026-05-01T07:30:00+00:00",
    "distance_m": 10012.5,
    "moving_s": 2950,
}


def _activity(payload: dict) -> dict:
    return {
        "activity_id": payload["activity_id"],
        "athlete_id": payload["owner_id"],
        "sport": payload.get("sport"),
        "start_time": payload.get("start_time"),
        "distance_m": payload.get("distance_m"),
        "moving_s": payload.get("moving_s"),
    }


def _activity_ref(payload: dict) -> dict:
    return {"activity_id": payload["activity_id"], "athlete_id": payload["owner_id"]}


register_event_type(
    "activity.created",
    schema_version=1,
    build_data=_activity,
    domain_event="activity_recorded",
    description="An athlete who authorized you recorded an activity (any source).",
    example=ACTIVITY_EXAMPLE,
    object_type="activity",
    object_id=lambda p: p["activity_id"],
)
register_event_type(
    "activity.updated",
    schema_version=1,
    build_data=_activity_ref,
    domain_event="activity_updated",
    description="The athlete corrected an activity; fetch it for the new values.",
    example={"activity_id": 42, "athlete_id": 7},
    object_type="activity",
    object_id=lambda p: p["activity_id"],
)
register_event_type(
    "activity.deleted",
    schema_version=1,
    build_data=_activity,
    domain_event="activity_deleted",
    description="The athlete deleted an activity; remove your copy.",
    example=ACTIVITY_EXAMPLE,
    object_type="activity",
    object_id=lambda p: p["activity_id"],
    tombstone=True,
)
register_event_type(
    "webhook.test",
    schema_version=1,
    build_data=lambda payload: payload,
    user_id=lambda payload: None,
    scope="",
    description="A test event you asked for (the Send test event button or API call).",
    example={"message": "Hello from Stride", "partner_id": 3},
)
