from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from apps.notifications import kinds, tasks  # noqa: F401 - registers the Celery tasks

        kinds.autodiscover()
