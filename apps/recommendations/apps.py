from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "apps.recommendations"
    label = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        # The adapter, the seeder, the gear ranker, the promotions source and the beat task
        # register at start.
        from apps.recommendations import adapter, demo, gear_ranking, promotions, tasks  # noqa: F401

        adapter.register()
        gear_ranking.register()
        promotions.register()
