"""The Celery app: settings from Django (CELERY_ prefix), tasks autodiscovered per app.

It sets no default settings module: the process that starts it (manage.py, wsgi, asgi, or the
environment of `celery -A config worker`) decides between local and production.
"""

from celery import Celery
from kombu import Queue

app = Celery("stride")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "sync", "notifications", "ml")]
app.conf.task_routes = {
    "devices.*": {"queue": "sync"},
    "notifications.*": {"queue": "notifications"},
    "recommendations.*": {"queue": "ml"},
}
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="live_tasks")  # apps/groups/live_tasks.py
