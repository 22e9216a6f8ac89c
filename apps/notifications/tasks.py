"""Celery tasks of the notifications app (queue `notifications`)."""

from celery import shared_task

from apps.core.tasks import TRANSIENT_RETRY, bounded_countdown
from apps.notifications import services
from apps.notifications.exceptions import TransientFailure

MAX_SEND_RETRIES = 6


@shared_task(name="notifications.delivery_send", bind=True, max_retries=MAX_SEND_RETRIES)
def delivery_send_task(self, *, delivery_id: int) -> str | None:
    """Send one delivery; its row is claimed first, so a retry or a redelivery never resends."""
    final = self.request.retries >= MAX_SEND_RETRIES
    try:
        return services.delivery_send(delivery_id=delivery_id, final_attempt=final)
    except TransientFailure as exc:
        countdown = bounded_countdown(exc.retry_after or 60)
        if self.request.is_eager:
            # Eager mode (embedded, tests) propagates a raised Retry instead of running it;
            # Task.apply re-runs a task that returns its Retry, so the retry path is the same.
            return self.retry(countdown=countdown, exc=exc, throw=False)
        raise self.retry(countdown=countdown, exc=exc) from None


@shared_task(name="notifications.delivery_send_many", **TRANSIENT_RETRY)
def delivery_send_many_task(*, delivery_ids: list[int]) -> dict:
    return services.delivery_send_many(delivery_ids=delivery_ids)


@shared_task(name="notifications.deliveries_release_due", **TRANSIENT_RETRY)
def deliveries_release_due_task() -> int:
    return services.deliveries_release_due()


@shared_task(name="notifications.digest_send", **TRANSIENT_RETRY)
def digest_send_task(*, user_id: int) -> int:
    try:
        return services.digest_send(user_id=user_id)
    except TransientFailure:
        return 0  # still held: the next digest run takes it


@shared_task(name="notifications.digests_send", **TRANSIENT_RETRY)
def digests_send_task(*, period: str) -> int:
    """Beat: daily and weekly. One task per person with something held."""
    user_ids = services.digest_user_ids(period=period)
    for user_id in user_ids:
        digest_send_task.delay(user_id=user_id)
    return len(user_ids)


@shared_task(name="notifications.announcement_send", **TRANSIENT_RETRY)
def announcement_send_task(*, announcement_id: int) -> int:
    return services.announcement_send(announcement_id=announcement_id)
