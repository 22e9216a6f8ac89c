from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromosConfig(AppConfig):
    name = "apps.promos"
    label = "promos"
    verbose_name = _("Promotions and loyalty")

    def ready(self) -> None:
        # Challenge completion points land in our ledger from now on (apps.challenges.points).
        from apps.promos import hooks

        hooks.connect()
