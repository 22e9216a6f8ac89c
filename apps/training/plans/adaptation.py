"""Weekly adaptation: after each plan week, an adapter looks at what was planned and what was
done, and says how the next week's volume changes and, if it wants, how single sessions of the
next week change (a hard session shortened or swapped for an easy run, a long run capped).

The interface is small on purpose, so the recommendations app can plug a learned model in:
it implements `Adapter` (a `name` and `adjust(summary) -> WeekAdjustment`), calls `register()`
at start, and the setting `TRAINING_PLAN_ADAPTER` names the adapter to use. The rule-based
adapter below is the default and the fallback. Whatever an adapter answers, the service keeps
the volume factor within `FACTOR_BOUNDS`, so a confused model cannot double a week.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext_lazy

FACTOR_BOUNDS = (0.6, 1.3)  # of the template's volume
HARD_KINDS = ("intervals", "tempo")  # the sessions an adapter may soften
SESSION_ACTIONS = ("shorten", "easy", "cap")  # PlanSession.Adjustment


@dataclass(frozen=True)
class SessionPlan:
    """A planned (not yet done) session of the next week, as an adapter sees it."""

    index: int
    kind: str  # catalog.SESSION_KINDS
    sport: str
    distance_m: float | None  # at the week's factor 1 (long runs are measured by distance)
    load: float  # expected load at the week's factor 1

    @property
    def hard(self) -> bool:
        return self.kind in HARD_KINDS

    @property
    def long(self) -> bool:
        return self.kind == "long"


@dataclass(frozen=True)
class SessionAdjustment:
    """One session of the next week changed on top of the week's volume factor."""

    index: int
    action: str  # SESSION_ACTIONS: shorten, easy (swap for an easy run), cap (a long run)
    factor: float  # of the session's volume at the week's factor, at most 1 (never more)
    reason: str  # a code of SESSION_REASONS
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class WeekSummary:
    """What happened in one plan week (0-based `week`), the input of an adapter."""

    enrollment_id: int
    owner_id: int
    plan_slug: str
    week: int
    sessions_planned: int
    sessions_done: int
    sessions_skipped: int
    planned_load: float  # the sessions' expected load
    actual_load: float  # training load of every activity recorded in the week
    volume_factor: float  # the factor the week was planned with
    planned_volume: float  # template volume of this week (s), at factor 1
    next_planned_volume: float  # template volume of the next week (s), at factor 1
    # The week's efforts and the next week's sessions, for adapters that adjust sessions:
    hard_planned: int = 0  # hard sessions (HARD_KINDS) planned this week
    hard_done: int = 0
    hard_efforts: int = 0  # activities felt (effort >= 8 of 10) or measured (HR zone 4+) hard
    max_effort: int | None = None  # the highest perceived effort reported, when any
    recent_long_m: float | None = None  # longest long run done in the last three plan weeks
    last_long_m: float | None = None  # this week's long run as planned (done or not)
    next_sessions: tuple[SessionPlan, ...] = ()

    @property
    def compliance(self) -> float:
        return self.sessions_done / self.sessions_planned if self.sessions_planned else 1.0

    @property
    def load_ratio(self) -> float | None:
        return self.actual_load / self.planned_load if self.planned_load else None


@dataclass(frozen=True)
class WeekAdjustment:
    decision: str  # progress, hold, repeat, reduce (PlanAdaptation.Decision)
    volume_factor: float  # the factor for the next week
    reason: str  # a code of REASONS
    params: dict = field(default_factory=dict)
    sessions: tuple[SessionAdjustment, ...] = ()


class Adapter(Protocol):
    name: str

    def adjust(self, summary: WeekSummary) -> WeekAdjustment: ...


# Reasons as shown to the athlete. Params: compliance and load in per cent.
REASONS = {
    "on_track": gettext_lazy(
        "You did %(compliance)d %% of last week's sessions: this week grows a little."
    ),
    "held": gettext_lazy(
        "You did %(compliance)d %% of last week's sessions: this week stays as planned."
    ),
    "low_compliance": gettext_lazy(
        "You did %(compliance)d %% of last week's sessions: this week repeats last week's "
        "volume instead of adding more."
    ),
    "missed_most": gettext_lazy(
        "You did %(compliance)d %% of last week's sessions: this week is lighter, to get "
        "back into the rhythm."
    ),
    "load_spike": gettext_lazy(
        "Last week's training load was %(load)d %% of what was planned: this week is "
        "lighter, to let your body absorb it."
    ),
}


# Why one session changed, as shown beside it. Params: see each adapter's SessionAdjustment.
SESSION_REASONS = {
    "missed_sessions": gettext_lazy(
        "You did %(done)d of %(planned)d sessions last week: this hard session is an easy run "
        "instead, to get back into the rhythm."
    ),
    "load_spike": gettext_lazy(
        "Last week's training load was %(load)d %% of the plan: this hard session is an easy "
        "run instead."
    ),
    "hard_efforts": gettext_lazy(
        "Last week brought %(efforts)d hard efforts: this session is %(cut)d %% shorter."
    ),
    "likely_missed": gettext_lazy(
        "Athletes with a week like your last one often miss this session: it is %(cut)d %% shorter."
    ),
    "likely_missed_easy": gettext_lazy(
        "Athletes with a week like your last one mostly miss this session: it is an easy run "
        "instead."
    ),
    "long_capped": gettext_lazy(
        "Your long run stays at %(km)s km: at most %(increase)d %% more than your longest "
        "recent one."
    ),
    "long_held": gettext_lazy(
        "Your long run stays at %(km)s km, no longer than your last one, until the sessions "
        "are back on track."
    ),
}


def session_reason_text(reason: str, params: dict | None = None) -> str:
    """A session adjustment's reason in the active language ("" for an unknown code)."""
    from django.utils.formats import number_format

    template = SESSION_REASONS.get(reason)
    if template is None:
        return ""
    values = dict(params or {})
    if isinstance(values.get("km"), int | float):
        values["km"] = number_format(values["km"], decimal_pos=1)
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return ""


def reason_text(reason: str, *, compliance: float, planned_load: float, actual_load: float) -> str:
    template = REASONS.get(reason)
    if template is None:
        return ""
    load = round(100 * actual_load / planned_load) if planned_load else 0
    return str(template) % {"compliance": round(100 * compliance), "load": load}


class RuleBasedAdapter:
    """Plain rules, in this order:

    - load above 130 % of plan (more or harder than planned): reduce the volume by 10 %;
    - fewer than 30 % of the sessions done: reduce by 15 %;
    - fewer than 60 % done: repeat — the next week gets this week's volume, not more;
    - at least 90 % done (and a load not far under the plan): progress by 5 %;
    - otherwise hold the factor.
    """

    name = "rules"
    SPIKE = 1.3
    REDUCE_FOR_SPIKE = 0.9
    MISSED_MOST = 0.3
    REDUCE_FOR_MISSED = 0.85
    REPEAT_BELOW = 0.6
    PROGRESS_FROM = 0.9
    PROGRESS = 1.05

    def adjust(self, summary: WeekSummary) -> WeekAdjustment:
        factor = summary.volume_factor
        ratio = summary.load_ratio
        if ratio is not None and ratio > self.SPIKE:
            return WeekAdjustment("reduce", factor * self.REDUCE_FOR_SPIKE, "load_spike")
        if summary.compliance < self.MISSED_MOST:
            return WeekAdjustment("reduce", factor * self.REDUCE_FOR_MISSED, "missed_most")
        if summary.compliance < self.REPEAT_BELOW:
            this_week = summary.planned_volume * factor
            if summary.next_planned_volume > 0:
                factor = min(factor, this_week / summary.next_planned_volume)
            return WeekAdjustment("repeat", factor, "low_compliance")
        if summary.compliance >= self.PROGRESS_FROM and (ratio is None or ratio >= 0.8):
            return WeekAdjustment("progress", factor * self.PROGRESS, "on_track")
        return WeekAdjustment("hold", factor, "held")


_adapters: dict[str, Adapter] = {}


def register(adapter: Adapter) -> Adapter:
    """Make an adapter selectable by its name (TRAINING_PLAN_ADAPTER)."""
    _adapters[adapter.name] = adapter
    return adapter


def current() -> Adapter:
    """The configured adapter; the rules when the configured one is not registered."""
    name = getattr(settings, "TRAINING_PLAN_ADAPTER", RuleBasedAdapter.name)
    return _adapters.get(name) or _adapters[RuleBasedAdapter.name]


def clamp(factor: float) -> float:
    low, high = FACTOR_BOUNDS
    return round(min(max(factor, low), high), 3)


register(RuleBasedAdapter())

__all__ = [
    "HARD_KINDS",
    "Adapter",
    "RuleBasedAdapter",
    "SessionAdjustment",
    "SessionPlan",
    "WeekAdjustment",
    "WeekSummary",
    "clamp",
    "current",
    "reason_text",
    "register",
    "session_reason_text",
]
