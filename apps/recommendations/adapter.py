"""The learned plan adapter ("learned" in TRAINING_PLAN_ADAPTER).

Week: the load model predicts the volume factor the athlete can absorb next week; guardrails
keep it safe (the rules' answer stands when they hold back, never more than +10 % week on week,
no increase at all after a week with under 75 % of the sessions done). Without an active model
the week is the rule-based adapter's.

Sessions: the session model predicts whether the athlete will do each hard session of the next
week; a likely miss is shortened, a very likely one becomes an easy run. Guardrails apply with
or without a model: after missed sessions or a load spike the hard sessions become easy runs,
after more hard efforts than planned (perceived effort, heart rate) they are shorter, and the
long run grows at most +10 % on the longest one done in the last three weeks (not at all after
a poor week). An adjustment only ever takes volume away."""

from __future__ import annotations

from apps.training.plans import adaptation

MAX_WEEKLY_INCREASE = 0.10  # never more than +10 % volume week on week
NO_INCREASE_BELOW = 0.75  # compliance under which the next week never grows
MAX_LONG_INCREASE = 0.10  # the long run: at most +10 % on the longest recent one
SPIKE = adaptation.RuleBasedAdapter.SPIKE
LOW_COMPLIANCE = adaptation.RuleBasedAdapter.REPEAT_BELOW
MISSED_FOR_EASY = 2  # sessions missed in a week from which hard ones become easy runs
HARD_EFFORT_MAX = 9  # a perceived effort from which the next hard session is shorter
EASY_BELOW = 0.45  # probability of doing a hard session under which it becomes an easy run
SHORTEN_BELOW = 0.65  # ... under which it is shortened
SHORTEN = 0.8  # a shortened session keeps 80 % of its volume
EASY_LENGTH = 0.8  # an easy run instead of a hard session: 80 % of the session's time


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
        week = rules
        if model is not None:
            ratio = summary.load_ratio if summary.load_ratio is not None else 1.0
            # No previous week in a summary: the model's features repeat this week for it.
            predicted = model.predict(
                [summary.compliance, ratio, summary.volume_factor, summary.compliance, ratio]
            )
            week = guarded(summary, predicted, rules)
        sessions = session_adjustments(
            summary, week.volume_factor, getattr(model, "sessions", None)
        )
        if not sessions:
            return week
        return adaptation.WeekAdjustment(
            week.decision, week.volume_factor, week.reason, week.params, sessions
        )


def guarded(
    summary: adaptation.WeekSummary, predicted: float, rules: adaptation.WeekAdjustment
) -> adaptation.WeekAdjustment:
    """The guardrails: when the rules hold back (a load spike, missed sessions) their answer
    stands; otherwise the model decides how much to progress, between keeping this week's
    factor and +10 % on it, never more, and never any more after under 75 % of the sessions."""
    if rules.decision in ("reduce", "repeat"):
        return rules
    factor = summary.volume_factor
    if summary.compliance < NO_INCREASE_BELOW:
        return adaptation.WeekAdjustment("hold", round(factor, 3), "held")
    value = min(predicted, factor * (1 + MAX_WEEKLY_INCREASE))
    if value > factor * 1.005:
        return adaptation.WeekAdjustment("progress", round(value, 3), "on_track")
    return adaptation.WeekAdjustment("hold", round(factor, 3), "held")


def session_features(summary: adaptation.WeekSummary, next_factor: float) -> list[float]:
    """The session model's features (engine.SESSION_FEATURES) for the week after `summary`."""
    ratio = summary.load_ratio if summary.load_ratio is not None else 1.0
    factor = summary.volume_factor or 1.0
    hard = summary.hard_done / summary.hard_planned if summary.hard_planned else 1.0
    return [summary.compliance, ratio, factor, next_factor / factor, hard]


def _hard_session(
    summary: adaptation.WeekSummary, session: adaptation.SessionPlan, model, next_factor: float
) -> adaptation.SessionAdjustment | None:
    ratio = summary.load_ratio
    missed = summary.sessions_planned - summary.sessions_done
    if ratio is not None and ratio > SPIKE:
        load = round(100 * ratio)
        return adaptation.SessionAdjustment(
            session.index, "easy", EASY_LENGTH, "load_spike", {"load": load}
        )
    if summary.compliance < LOW_COMPLIANCE or missed >= MISSED_FOR_EASY:
        params = {"done": summary.sessions_done, "planned": summary.sessions_planned}
        return adaptation.SessionAdjustment(
            session.index, "easy", EASY_LENGTH, "missed_sessions", params
        )
    cut = round(100 * (1 - SHORTEN))
    if summary.hard_efforts > summary.hard_planned or (summary.max_effort or 0) >= HARD_EFFORT_MAX:
        params = {"efforts": summary.hard_efforts, "cut": cut}
        return adaptation.SessionAdjustment(
            session.index, "shorten", SHORTEN, "hard_efforts", params
        )
    if model is None:
        return None
    done = model.done_probability(session_features(summary, next_factor))
    if done < EASY_BELOW:
        return adaptation.SessionAdjustment(
            session.index, "easy", EASY_LENGTH, "likely_missed_easy", {"done": round(done, 2)}
        )
    if done < SHORTEN_BELOW:
        params = {"cut": cut, "done": round(done, 2)}
        return adaptation.SessionAdjustment(
            session.index, "shorten", SHORTEN, "likely_missed", params
        )
    return None


def _long_run(
    summary: adaptation.WeekSummary, session: adaptation.SessionPlan, next_factor: float
) -> adaptation.SessionAdjustment | None:
    if not session.distance_m:
        return None
    planned = session.distance_m * next_factor
    ratio = summary.load_ratio
    poor = summary.compliance < LOW_COMPLIANCE or (ratio is not None and ratio > SPIKE)
    if poor or not summary.recent_long_m:
        limit, reason = (summary.last_long_m or summary.recent_long_m), "long_held"
        params = {}
    else:
        limit, reason = summary.recent_long_m * (1 + MAX_LONG_INCREASE), "long_capped"
        params = {"increase": round(100 * MAX_LONG_INCREASE)}
    if not limit or planned <= limit * 1.005:
        return None
    params["km"] = round(limit / 1000, 1)
    return adaptation.SessionAdjustment(
        session.index, "cap", round(limit / planned, 3), reason, params
    )


def session_adjustments(
    summary: adaptation.WeekSummary, next_factor: float, model=None
) -> tuple[adaptation.SessionAdjustment, ...]:
    """Per-session changes of the next week (see the module doc), in session order."""
    out = []
    for session in summary.next_sessions:
        if session.hard:
            adjustment = _hard_session(summary, session, model, next_factor)
        elif session.long:
            adjustment = _long_run(summary, session, next_factor)
        else:
            adjustment = None
        if adjustment is not None:
            out.append(adjustment)
    return tuple(out)


def register() -> None:
    adaptation.register(LearnedLoadAdapter())
