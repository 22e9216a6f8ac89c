from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "apps.recommendations"
    label = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        # The adapter, the seeder, the gear ranker and the beat task register on import.
        from apps.recommendations import adapter, demo, gear_ranking, tasks  # noqa: F401

        adapter.register()
        gear_ranking.register()
