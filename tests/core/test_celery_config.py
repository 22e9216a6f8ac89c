"""The defaults every task relies on: at-least-once delivery, bounded retries and delays."""

from django.conf import settings

from apps.core import tasks
from config.celery import app


def test_tasks_are_acknowledged_late_and_requeued_if_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_tasks_have_time_limits():
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_the_four_queues_exist():
    assert {q.name for q in app.conf.task_queues} == {"default", "sync", "notifications", "ml"}


def test_retries_back_off_with_jitter_and_stay_under_the_visibility_timeout():
    retry = tasks.TRANSIENT_RETRY
    assert retry["retry_jitter"] is True
    assert retry["max_retries"] <= 10
    assert retry["retry_backoff_max"] < settings.CELERY_VISIBILITY_TIMEOUT
    assert app.conf.broker_transport_options["visibility_timeout"] == (
        settings.CELERY_VISIBILITY_TIMEOUT
    )


def test_countdowns_are_clamped_under_the_visibility_timeout():
    assert tasks.bounded_countdown(10) == 10
    assert tasks.bounded_countdown(-5) == 0
    assert tasks.bounded_countdown(10**9) == settings.CELERY_VISIBILITY_TIMEOUT - 60


def test_beat_uses_the_database_scheduler_and_purges_idempotency_keys():
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "core.purge_idempotency_keys" in names
    assert names <= set(app.tasks)
