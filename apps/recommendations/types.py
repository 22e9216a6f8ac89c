from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Candidate:
    """Something a person may be shown: from an app's selectors, or a registered source."""

    kind: str
    key: str  # "plan:10k", "challenge:12", "product:7"
    title: str
    url: str
    sport: str = ""
    level: int = 1
    reason: str = ""  # a sentence that wins over the model's reason ("your road shoes ...")
    boost: float = 0.0  # added to the score (a worn-out shoe's replacement comes first)


@dataclass(frozen=True)
class Recommendation:
    kind: str
    key: str
    title: str
    url: str
    reason: str
    score: float
