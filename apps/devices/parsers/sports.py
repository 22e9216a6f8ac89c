"""Each format's sport names mapped to training's sports (run, trail_run, walk, hike, ride,
swim, yoga, strength, other)."""

from __future__ import annotations

import re

FIT_SUB_SPORTS = {
    "trail": "trail_run",
    "strength_training": "strength",
    "yoga": "yoga",
    "pilates": "yoga",
}
FIT_SPORTS = {
    "running": "run",
    "trail_running": "trail_run",
    "cycling": "ride",
    "e_biking": "ride",
    "walking": "walk",
    "hiking": "hike",
    "mountaineering": "hike",
    "swimming": "swim",
    "yoga": "yoga",
}


def from_fit(sport, sub_sport) -> str:
    sport = str(sport or "").lower()
    sub = str(sub_sport or "").lower()
    if sub in FIT_SUB_SPORTS and (sub != "trail" or sport == "running"):
        return FIT_SUB_SPORTS[sub]
    return FIT_SPORTS.get(sport, "other")


# Words in free-text sport names (GPX <type>, TCX Sport, Strava's CSV "Activity Type").
_WORDS = (
    ("trail", "trail_run"),
    ("yoga", "yoga"),
    ("strength", "strength"),
    ("weight", "strength"),
    ("run", "run"),
    ("jog", "run"),
    ("bik", "ride"),
    ("cycl", "ride"),
    ("ride", "ride"),
    ("walk", "walk"),
    ("hik", "hike"),
    ("swim", "swim"),
)
# Strava's numeric activity types as some exporters write them in GPX <type>.
_STRAVA_NUMBERS = {"1": "ride", "9": "run", "10": "hike", "11": "walk", "16": "swim"}


def from_text(value: str | None) -> str:
    """Sport from a name such as "running", "Biking", "Trail Run", "VirtualRide"."""
    text = re.sub(r"[\s_-]+", "", str(value or "")).lower()
    if not text:
        return "other"
    if text in _STRAVA_NUMBERS:
        return _STRAVA_NUMBERS[text]
    for word, sport in _WORDS:
        if word in text:
            return sport
    return "other"
