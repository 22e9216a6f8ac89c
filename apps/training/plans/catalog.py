"""The plan templates, as code: running (a first 5 km, 10 km, half marathon) and yoga (a 30-day
beginner series).

A template is a list of sessions, each on a day counted from the plan's first day, made of
steps. Steps are numbers and codes only (kind, effort, duration or distance, repeats); their
words are put together at display time in the reader's language (`describe_step`), so the
same stored schedule reads in English, Russian and German.

`session_steps` turns a template session into the steps of a dated session for one athlete:
the volume factor from the weekly adaptation scales the main part (warm-up, cool-down and the
race itself stay as they are), and a known 10 km time turns efforts into target paces.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

# --- Vocabulary -------------------------------------------------------------------------------

STEP_KINDS = {
    "warmup": gettext_lazy("Warm-up"),
    "steady": gettext_lazy("Run"),
    "interval": gettext_lazy("Interval"),
    "recovery": gettext_lazy("Recovery"),
    "cooldown": gettext_lazy("Cool-down"),
    "flow": gettext_lazy("Practice"),
}

# Effort → heart-rate zone (of maximum heart rate, as in apps.training.metrics) and the pace
# as a multiple of the athlete's 10 km pace (threshold). Walking has no pace target.
EFFORTS: dict[str, tuple[int, float | None]] = {
    "walk": (1, None),
    "recovery": (1, 1.45),
    "easy": (2, 1.25),
    "long": (2, 1.28),
    "steady": (3, 1.12),
    "tempo": (4, 1.04),
    "interval": (4, 0.96),
    "race": (4, 1.0),
    "yoga": (1, None),
}
EFFORT_LABELS = {
    "walk": gettext_lazy("brisk walk"),
    "recovery": gettext_lazy("easy jog"),
    "easy": gettext_lazy("easy"),
    "long": gettext_lazy("relaxed long-run pace"),
    "steady": gettext_lazy("steady"),
    "tempo": gettext_lazy("comfortably hard"),
    "interval": gettext_lazy("hard"),
    "race": gettext_lazy("race effort"),
    "yoga": gettext_lazy("calm breathing"),
}
# Load per minute of each effort, on the scale of the activities' training load (TRIMP: an
# hour at an easy-to-moderate heart rate is about 60-100).
LOAD_PER_MINUTE = {
    "walk": 0.6,
    "recovery": 0.9,
    "easy": 1.2,
    "long": 1.3,
    "steady": 1.5,
    "tempo": 2.0,
    "interval": 2.4,
    "race": 2.2,
    "yoga": 0.6,
}
DEFAULT_THRESHOLD_PACE_S = 330.0  # 5:30 per km: only to estimate durations and loads

SESSION_KINDS = {
    "walk_run": gettext_lazy("Run-walk intervals"),
    "easy": gettext_lazy("Easy run"),
    "intervals": gettext_lazy("Intervals"),
    "tempo": gettext_lazy("Tempo run"),
    "long": gettext_lazy("Long run"),
    "race": gettext_lazy("Race day"),
    "yoga": gettext_lazy("Yoga"),
}

YOGA_FOCUS = {
    "breath": pgettext_lazy("yoga focus", "Breath"),
    "mobility": pgettext_lazy("yoga focus", "Mobility"),
    "balance": pgettext_lazy("yoga focus", "Balance"),
    "strength": pgettext_lazy("yoga focus", "Strength"),
    "flexibility": pgettext_lazy("yoga focus", "Flexibility"),
    "hips": pgettext_lazy("yoga focus", "Hips"),
    "back": pgettext_lazy("yoga focus", "Back care"),
    "relaxation": pgettext_lazy("yoga focus", "Relaxation"),
}


@dataclass(frozen=True)
class Step:
    kind: str  # STEP_KINDS
    effort: str  # EFFORTS
    duration_s: int | None = None
    distance_m: float | None = None
    repeat: int = 1
    scales: bool = True  # False: warm-up, cool-down and races are not scaled by adaptation


@dataclass(frozen=True)
class SessionTemplate:
    day: int  # days after the plan's first day
    kind: str  # SESSION_KINDS
    sport: str  # an activity sport: run or yoga
    steps: tuple[Step, ...]
    focus: str = ""  # yoga: YOGA_FOCUS

    @property
    def week(self) -> int:
        return self.day // 7


@dataclass(frozen=True)
class PlanTemplate:
    slug: str
    sport: str
    name: object  # lazy translation
    summary: object
    level: object
    sessions: tuple[SessionTemplate, ...] = field(default=())

    @property
    def days(self) -> int:
        return self.sessions[-1].day + 1

    @property
    def weeks(self) -> int:
        return self.sessions[-1].week + 1

    def sessions_in_week(self, week: int) -> list[SessionTemplate]:
        return [s for s in self.sessions if s.week == week]


def _warmup(minutes: int, effort: str = "easy") -> Step:
    return Step("warmup", effort, duration_s=minutes * 60, scales=False)


def _cooldown(minutes: int, effort: str = "easy") -> Step:
    return Step("cooldown", effort, duration_s=minutes * 60, scales=False)


# --- A first 5 km: 8 weeks of run-walk intervals, three times a week -------------------------

_FIRST_5K_WEEKS = [  # (repeats, run seconds, walk seconds)
    (8, 60, 90),
    (6, 90, 120),
    (5, 150, 90),
    (4, 240, 120),
    (3, 420, 150),
    (2, 720, 180),
    (2, 900, 120),
    (1, 1500, 0),
]


def _first_5k() -> tuple[SessionTemplate, ...]:
    sessions = []
    for week, (repeat, run_s, walk_s) in enumerate(_FIRST_5K_WEEKS):
        for n, offset in enumerate((0, 2, 5)):
            if week == len(_FIRST_5K_WEEKS) - 1 and n == 2:
                sessions.append(
                    SessionTemplate(
                        week * 7 + offset,
                        "race",
                        "run",
                        (Step("steady", "race", distance_m=5000, scales=False),),
                    )
                )
                continue
            steps = [_warmup(5, "walk"), Step("interval", "easy", duration_s=run_s, repeat=repeat)]
            if walk_s:
                steps.append(Step("recovery", "walk", duration_s=walk_s, repeat=repeat))
            steps.append(_cooldown(5, "walk"))
            sessions.append(SessionTemplate(week * 7 + offset, "walk_run", "run", tuple(steps)))
    return tuple(sessions)


# --- 10 km: 8 weeks, four runs a week: easy, intervals, easy, long -------------------------

_TEN_K_WEEKS = [  # (easy km, intervals (repeats, metres, recovery s), long km)
    (5, (5, 400, 90), 7),
    (5, (6, 400, 90), 8),
    (6, (4, 800, 120), 9),
    (5, (3, 1000, 120), 7),  # a lighter week
    (6, (5, 800, 120), 10),
    (7, (4, 1000, 120), 11),
    (7, (5, 1000, 120), 12),
    (5, (6, 400, 90), None),  # race week: the race on the last day
]


def _ten_k() -> tuple[SessionTemplate, ...]:
    sessions = []
    for week, (easy_km, (repeat, metres, rest_s), long_km) in enumerate(_TEN_K_WEEKS):
        base = week * 7
        easy = (Step("steady", "easy", distance_m=easy_km * 1000),)
        sessions.append(SessionTemplate(base, "easy", "run", easy))
        sessions.append(
            SessionTemplate(
                base + 2,
                "intervals",
                "run",
                (
                    _warmup(15),
                    Step("interval", "interval", distance_m=metres, repeat=repeat),
                    Step("recovery", "recovery", duration_s=rest_s, repeat=repeat),
                    _cooldown(10),
                ),
            )
        )
        sessions.append(SessionTemplate(base + 4, "easy", "run", easy))
        if long_km is None:
            race = (Step("steady", "race", distance_m=10_000, scales=False),)
            sessions.append(SessionTemplate(base + 6, "race", "run", race))
        else:
            long = (Step("steady", "long", distance_m=long_km * 1000),)
            sessions.append(SessionTemplate(base + 6, "long", "run", long))
    return tuple(sessions)


# --- Half marathon: 12 weeks, four runs a week: easy, tempo, easy, long ----------------------

_HALF_WEEKS = [  # (easy km, tempo minutes, long km)
    (6, 15, 10),
    (6, 18, 11),
    (7, 20, 12),
    (6, 15, 10),  # lighter
    (7, 22, 14),
    (8, 25, 15),
    (8, 28, 16),
    (7, 20, 13),  # lighter
    (8, 30, 17),
    (8, 32, 18),
    (7, 25, 14),
    (5, 15, None),  # race week
]


def _half() -> tuple[SessionTemplate, ...]:
    sessions = []
    for week, (easy_km, tempo_min, long_km) in enumerate(_HALF_WEEKS):
        base = week * 7
        easy = (Step("steady", "easy", distance_m=easy_km * 1000),)
        sessions.append(SessionTemplate(base, "easy", "run", easy))
        tempo = (_warmup(15), Step("steady", "tempo", duration_s=tempo_min * 60), _cooldown(10))
        sessions.append(SessionTemplate(base + 2, "tempo", "run", tempo))
        sessions.append(SessionTemplate(base + 4, "easy", "run", easy))
        if long_km is None:
            race = (Step("steady", "race", distance_m=21_097.5, scales=False),)
            sessions.append(SessionTemplate(base + 6, "race", "run", race))
        else:
            long = (Step("steady", "long", distance_m=long_km * 1000),)
            sessions.append(SessionTemplate(base + 6, "long", "run", long))
    return tuple(sessions)


# --- Yoga: 30 days for beginners, every day, 15 to 30 minutes --------------------------------

_YOGA_FOCUS_CYCLE = ("breath", "mobility", "balance", "hips", "strength", "back", "relaxation")
_YOGA_FOCUS_BY_DAY = [*_YOGA_FOCUS_CYCLE * 4, "flexibility", "relaxation"]


def _yoga() -> tuple[SessionTemplate, ...]:
    sessions = []
    for day, focus in enumerate(_YOGA_FOCUS_BY_DAY):
        minutes = 10 + 5 * min(day // 7, 3)  # 10, 15, 20, 25 minutes of practice
        steps = (
            Step("warmup", "yoga", duration_s=180, scales=False),
            Step("flow", "yoga", duration_s=minutes * 60),
            Step("cooldown", "yoga", duration_s=300, scales=False),
        )
        sessions.append(SessionTemplate(day, "yoga", "yoga", steps, focus=focus))
    return tuple(sessions)


PLANS: dict[str, PlanTemplate] = {
    plan.slug: plan
    for plan in (
        PlanTemplate(
            slug="first-5k",
            sport="run",
            name=gettext_lazy("Your first 5 km"),
            summary=gettext_lazy(
                "From walking to running 5 km without a stop in eight weeks: three short "
                "sessions a week of running and walking, with more running each week."
            ),
            level=gettext_lazy("Beginner"),
            sessions=_first_5k(),
        ),
        PlanTemplate(
            slug="10k",
            sport="run",
            name=gettext_lazy("10 km"),
            summary=gettext_lazy(
                "Eight weeks to a strong 10 km: an interval session, two easy runs and a long "
                "run each week, ending with the race."
            ),
            level=gettext_lazy("Runs 5 km comfortably"),
            sessions=_ten_k(),
        ),
        PlanTemplate(
            slug="half-marathon",
            sport="run",
            name=gettext_lazy("Half marathon"),
            summary=gettext_lazy(
                "Twelve weeks to 21.1 km: a tempo run, two easy runs and a growing long run "
                "each week, with lighter weeks to absorb the work."
            ),
            level=gettext_lazy("Runs 10 km comfortably"),
            sessions=_half(),
        ),
        PlanTemplate(
            slug="yoga-30-days",
            sport="yoga",
            name=gettext_lazy("30 days of yoga for beginners"),
            summary=gettext_lazy(
                "A short practice every day for 30 days, each with its own focus: breath, "
                "mobility, balance, hips, strength, back care and relaxation."
            ),
            level=gettext_lazy("Beginner"),
            sessions=_yoga(),
        ),
    )
}


def plan_get(slug: str) -> PlanTemplate | None:
    return PLANS.get(slug)


# --- From a template to an athlete's steps --------------------------------------------------


def _round(value: float, unit: float) -> float:
    return max(unit, math.floor(value / unit + 0.5) * unit)  # half up, never to nothing


def session_steps(
    template: SessionTemplate, *, factor: float = 1.0, threshold_pace_s: float | None = None
) -> list[dict]:
    """The steps of one session for one athlete, as stored: scaled by `factor`, with target
    heart-rate zones and, when the athlete's 10 km pace is known, target paces (s per km)."""
    out = []
    for step in template.steps:
        zone, pace_factor = EFFORTS[step.effort]
        scale = factor if step.scales else 1.0
        distance = step.distance_m
        duration = step.duration_s
        if distance is not None and scale != 1.0:
            distance = _round(distance * scale, 50 if distance < 2000 else 100)
        if duration is not None and scale != 1.0:
            duration = int(_round(duration * scale, 300 if template.sport == "yoga" else 30))
        pace = None
        if threshold_pace_s and pace_factor is not None:
            pace = round(threshold_pace_s * pace_factor)
        out.append(
            {
                "kind": step.kind,
                "effort": step.effort,
                "repeat": step.repeat,
                "duration_s": duration,
                "distance_m": distance,
                "hr_zone": zone if template.sport != "yoga" else None,
                "pace_s_per_km": pace,
            }
        )
    return out


def _step_duration(step: dict, threshold_pace_s: float | None) -> float:
    if step["duration_s"] is not None:
        return step["duration_s"] * step["repeat"]
    pace = step["pace_s_per_km"]
    if pace is None:
        factor = EFFORTS[step["effort"]][1] or 2.0
        pace = (threshold_pace_s or DEFAULT_THRESHOLD_PACE_S) * factor
    return (step["distance_m"] or 0) / 1000 * pace * step["repeat"]


def easy_steps(
    steps: list[dict], *, factor: float = 1.0, threshold_pace_s: float | None = None
) -> list[dict]:
    """A hard session swapped for an easy run: one easy step as long as the session was
    (warm-up and cool-down included) times `factor`, in whole minutes."""
    seconds = sum(_step_duration(step, threshold_pace_s) for step in steps) * factor
    zone, pace_factor = EFFORTS["easy"]
    return [
        {
            "kind": "steady",
            "effort": "easy",
            "repeat": 1,
            "duration_s": int(_round(seconds, 60)),
            "distance_m": None,
            "hr_zone": zone,
            "pace_s_per_km": round(threshold_pace_s * pace_factor) if threshold_pace_s else None,
        }
    ]


@dataclass(frozen=True)
class Targets:
    distance_m: float | None  # set when the session is measured by distance
    duration_s: int  # estimated when measured by distance
    load: float


def session_targets(steps: list[dict], *, threshold_pace_s: float | None = None) -> Targets:
    """What completes a session: its distance when every step is a distance (an easy run, a
    long run, a race), else its total duration; and the load it is expected to bring."""
    duration = 0.0
    load = 0.0
    for step in steps:
        seconds = _step_duration(step, threshold_pace_s)
        duration += seconds
        load += seconds / 60 * LOAD_PER_MINUTE[step["effort"]]
    by_distance = all(s["distance_m"] is not None for s in steps)
    distance = sum(s["distance_m"] * s["repeat"] for s in steps) if by_distance else None
    return Targets(distance, round(duration), round(load, 1))


# --- Words --------------------------------------------------------------------------------


def format_duration(seconds: int) -> str:
    minutes, secs = divmod(int(seconds), 60)
    if secs:
        return _("%(minutes)d:%(seconds)02d min") % {"minutes": minutes, "seconds": secs}
    return _("%(minutes)d min") % {"minutes": minutes}


def format_distance(metres: float) -> str:
    if metres >= 1000:
        km = f"{metres / 1000:.2f}".rstrip("0").rstrip(".")
        return _("%(km)s km") % {"km": km}
    return _("%(metres)d m") % {"metres": round(metres)}


def format_pace(seconds_per_km: int) -> str:
    minutes, secs = divmod(int(seconds_per_km), 60)
    return _("%(minutes)d:%(seconds)02d per km") % {"minutes": minutes, "seconds": secs}


def describe_step(step: dict) -> str:
    """One line of a session, in the active language: what, how long, how hard."""
    amount = (
        format_distance(step["distance_m"])
        if step["distance_m"] is not None
        else format_duration(step["duration_s"] or 0)
    )
    if step["repeat"] > 1:
        amount = _("%(repeat)d × %(amount)s") % {"repeat": step["repeat"], "amount": amount}
    targets = [str(EFFORT_LABELS[step["effort"]])]
    if step.get("pace_s_per_km"):
        targets.append(format_pace(step["pace_s_per_km"]))
    if step.get("hr_zone"):
        targets.append(_("heart-rate zone %(zone)d") % {"zone": step["hr_zone"]})
    return _("%(kind)s: %(amount)s, %(targets)s") % {
        "kind": STEP_KINDS[step["kind"]],
        "amount": amount,
        "targets": ", ".join(targets),
    }


def session_title(kind: str, focus: str = "") -> str:
    if kind == "yoga" and focus:
        return _("Yoga: %(focus)s") % {"focus": YOGA_FOCUS[focus]}
    return str(SESSION_KINDS[kind])


def week_volume(plan: PlanTemplate, week: int, *, threshold_pace_s: float | None = None) -> float:
    """Seconds of the week's scalable work (what adaptation changes), at factor 1."""
    total = 0.0
    for template in plan.sessions_in_week(week):
        for step, stored in zip(
            template.steps,
            session_steps(template, threshold_pace_s=threshold_pace_s),
            strict=True,
        ):
            if step.scales:
                total += _step_duration(stored, threshold_pace_s)
    return total
