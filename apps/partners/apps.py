from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "apps.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from apps.partners import registry  # noqa: F401 - the built-in webhook event types
