"""The learned plan adapter ("learned" in TRAINING_PLAN_ADAPTER): the load model predicts the
volume factor the athlete can absorb next week; guardrails keep it safe, and without an active
model it is the rule-based adapter."""

from __future__ import annotations

from apps.training.plans import adaptation

MAX_WEEKLY_INCREASE = 0.10  # never more than +10 % volume week on week


class LearnedLoadAdapter:
    name = "learned"

    def __init__(self) -> None:
        self.rules = adaptation.RuleBasedAdapter()

    def _model(self):
        from apps.recommendations import services

        _version, model = services.active_model(kind="load")
        return model

    def adjust(self, summary: adaptation.WeekSummary) -> adaptation.WeekAdjustment:
        rules = self.rules.adjust(summary)
        model = self._model()
        if model is None:
            return rules
        ratio = summary.load_ratio if summary.load_ratio is not None else 1.0
        # No previous week in a summary: the model's features repeat this week for it.
        predicted = model.predict(
            [summary.compliance, ratio, summary.volume_factor, summary.compliance, ratio]
        )
        return guarded(summary, predicted, rules)


def guarded(
    summary: adaptation.WeekSummary, predicted: float, rules: adaptation.WeekAdjustment
) -> adaptation.WeekAdjustment:
    """The guardrails: when the rules hold back (a load spike, missed sessions) their answer
    stands; otherwise the model decides how much to progress, between keeping this week's
    factor and +10 % on it, never more."""
    if rules.decision in ("reduce", "repeat"):
        return rules
    factor = summary.volume_factor
    value = min(predicted, factor * (1 + MAX_WEEKLY_INCREASE))
    if value > factor * 1.005:
        return adaptation.WeekAdjustment("progress", round(value, 3), "on_track")
    return adaptation.WeekAdjustment("hold", round(factor, 3), "held")


def register() -> None:
    adaptation.register(LearnedLoadAdapter())
