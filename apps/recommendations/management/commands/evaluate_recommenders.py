from django.core.management.base import BaseCommand

from apps.recommendations import services
from apps.recommendations.models import Kind


class Command(BaseCommand):
    help = (
        "Offline evaluation: precision@k, recall@k and NDCG@k of each recommender next to the "
        "popularity baseline, on a time-split holdout (the last 20 %% of the interactions)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--k", type=int, default=10)

    def handle(self, *args, k: int, **options):
        self.stdout.write(
            f"{'recommender':<12} {'model':<11} {'precision@' + str(k):>13} "
            f"{'recall@' + str(k):>10} {'NDCG@' + str(k):>8} {'users':>6}"
        )
        for kind in Kind.values:
            result = services.recommender_evaluate(kind=kind, k=k)
            if result is None:
                self.stdout.write(f"{kind:<12} (too little data to evaluate)")
                continue
            for name in ("hybrid", "popularity"):
                m = result[name]
                self.stdout.write(
                    f"{kind:<12} {name:<11} {m['precision']:>13.4f} {m['recall']:>10.4f} "
                    f"{m['ndcg']:>8.4f} {m['users']:>6}"
                )
            lift = result["hybrid"]["ndcg"] - result["popularity"]["ndcg"]
            verdict = "ahead of" if lift > 0 else "NOT ahead of"
            self.stdout.write(f"{kind:<12} hybrid is {verdict} the baseline (NDCG {lift:+.4f})")
