"""Celery jobs of the live group runs (a module of its own beside the community's)."""

from celery import shared_task

from apps.core.tasks import TRANSIENT_RETRY
from apps.groups import live


@shared_task(
    name="groups.live_session_finalize", soft_time_limit=600, time_limit=630, **TRANSIENT_RETRY
)
def live_session_finalize_task(session_id: int) -> None:
    """Record each runner's activity and the summary of an ended live run."""
    live.session_finalize(session_id=session_id)


@shared_task(
    name="groups.live_points_purge", soft_time_limit=300, time_limit=330, **TRANSIENT_RETRY
)
def live_points_purge_task() -> None:
    """Delete raw positions of live runs that ended long enough ago."""
    live.points_purge()
