from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GearConfig(AppConfig):
    name = "apps.gear"
    label = "gear"
    verbose_name = _("Gear")
