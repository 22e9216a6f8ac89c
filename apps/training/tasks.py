"""Celery tasks of training (Celery autodiscovers this module per app)."""

from apps.training.plans.tasks import plans_adapt_due_task  # noqa: F401
