"""What partners listens to: every domain event that a registered webhook event type maps to
writes its outbox rows inside the publisher's transaction (`apps.core.events.on_publish`)."""

from apps.core.events import DomainEvent, on_publish
from apps.partners import registry, services, tasks  # noqa: F401 - tasks: registers them


@on_publish
def write_outbox(event: DomainEvent) -> None:
    if registry.for_domain_event(event.name):
        services.outbox_from_domain_event(event)
