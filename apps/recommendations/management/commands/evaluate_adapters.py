from django.core.management.base import BaseCommand

from apps.recommendations import demo, selectors, services


class Command(BaseCommand):
    help = (
        "Offline evaluation of the plan adapters on a time split: the rule-based adapter next "
        "to the learned one (load and session models trained on the weeks before the split). "
        "Week: planned vs completed next-week load. Sessions: hard sessions kept then missed, "
        "softened then done. On the demo population's simulated plans by default."
    )

    def add_arguments(self, parser):
        parser.add_argument("--split-week", type=int, default=7)
        parser.add_argument(
            "--stored",
            action="store_true",
            help="Evaluate on the plans' stored adaptations instead of the simulated ones.",
        )

    def handle(self, *args, split_week: int, stored: bool, **options):
        if stored:
            rows = selectors.load_history()
            hard_rows, hard_by_week = selectors.hard_session_history()
        else:
            rows, hard_rows, hard_by_week = demo.simulated_plans()
        try:
            result = services.adapters_evaluate(
                rows=rows, hard_rows=hard_rows, hard_by_week=hard_by_week, split_week=split_week
            )
        except ValueError as exc:  # too few weeks or hard sessions on one side of the split
            self.stderr.write(f"Too little data to evaluate: {exc}")
            return
        s = result["sessions"]
        self.stdout.write(
            f"time split at week {result['split_week']}: {result['train_weeks']} weeks to train, "
            f"{result['test_weeks']} weeks and {s['hard']} hard sessions to test"
        )
        self.stdout.write(f"{'':<44} {'rules':>8} {'learned':>8}")
        mae, over = result["week_mae"], result["week_over_10pct"]
        self.stdout.write(
            f"{'next-week load, |planned - completed|':<44} {mae['rules']:>8.2f} "
            f"{mae['learned']:>8.2f}"
        )
        self.stdout.write(
            f"{'weeks planned > 110 % of completed':<44} {over['rules']:>8.1%} "
            f"{over['learned']:>8.1%}"
        )
        self.stdout.write(
            f"{'hard sessions kept, then missed':<44} {s['missed']:>8} "
            f"{s['learned_kept_missed']:>8}"
        )
        self.stdout.write(
            f"{'hard sessions softened, then done':<44} {0:>8} {s['learned_softened_done']:>8}"
        )
        self.stdout.write(f"{'hard sessions softened':<44} {0:>8} {s['learned_softened']:>8}")
        self.stdout.write(
            f"session model Brier {result['sessions_brier']:.4f} "
            f"(base rate {result['sessions_base_rate_brier']:.4f})"
        )
