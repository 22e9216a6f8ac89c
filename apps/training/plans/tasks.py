from celery import shared_task

from apps.core.tasks import TRANSIENT_RETRY
from apps.training.plans import services


@shared_task(name="training.plans_adapt_due", **TRANSIENT_RETRY)
def plans_adapt_due_task() -> int:
    """Adjust the next week of every plan whose week ended (hourly: weeks end at midnight in
    each athlete's own time zone). Idempotent: a week is adjusted once."""
    return services.plans_adapt_due()
