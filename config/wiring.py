"""The composition root: connects apps that sit beside each other in the layers
(ARCHITECTURE.md), which therefore may not import each other. It lives outside `apps`, last
in INSTALLED_APPS, so every process (web, ASGI, Celery, tests) runs it once at start after
the apps' own `ready()`.

- groups → challenges: who belongs to which group (group challenges and group boards).
"""

from django.apps import AppConfig


def connect() -> None:
    from apps.challenges import hooks as challenges_hooks
    from apps.groups import hooks as groups_hooks

    challenges_hooks.register_group_membership(*groups_hooks.membership_lookups())


class WiringConfig(AppConfig):
    name = "config"
    label = "stride_wiring"
    verbose_name = "Stride wiring"

    def ready(self) -> None:
        connect()
