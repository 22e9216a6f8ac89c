from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "apps.groups"
    label = "groups"
    verbose_name = _("Community")

    def ready(self) -> None:
        from apps.groups import hooks

        hooks.connect()
        # Chat and live runs: their GDPR parts and demo seeder live in modules of their own.
        from apps.groups import chat_demo, chat_personal_data  # noqa: F401
