"""A synthetic athlete population with real, hidden preferences (demo data, tests, bench).

Every person has a sport mix, a level, a country and a hidden taste vector; every item has a
sport, a level, a hidden vector and a base appeal. A person picks items with probability
growing with sport match, level match, taste · item vector and appeal, at random times over
the last 180 days. The taste vectors are never stored: a recommender has to find them in the
interactions, and "most popular" cannot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from apps.recommendations.engine import Interactions

KINDS = ("workouts", "challenges", "products")
COUNTRIES = ("DE", "ES", "RU", "FR", "US")
MAIN_SPORTS = ("run", "ride", "swim", "hike", "yoga", "strength")
TASTE_DIMENSIONS = 6
DAYS = 180


@dataclass
class Person:
    index: int
    country: str
    sport_shares: dict[str, float]
    level: int
    taste: np.ndarray

    @property
    def main_sport(self) -> str:
        return max(self.sport_shares, key=self.sport_shares.get)


@dataclass
class SyntheticItem:
    kind: str
    key: str
    sport: str
    level: int
    vector: np.ndarray
    appeal: float


@dataclass
class Population:
    people: list[Person]
    items: list[SyntheticItem]
    # (person index, kind, item key, weight, seconds before "now")
    events: list[tuple[int, str, str, float, float]]

    def interactions(self, kind: str, user_ids: list[int] | None = None) -> Interactions:
        rows = [e for e in self.events if e[1] == kind]
        ids = [user_ids[e[0]] if user_ids else e[0] for e in rows]
        return Interactions(
            np.array(ids, dtype=np.int64),
            np.array([e[2] for e in rows], dtype=object),
            np.array([e[3] for e in rows], dtype=np.float32),
            np.array([-e[4] for e in rows], dtype=np.float64),
        )


def generate(
    *,
    people: int = 300,
    items_per_kind: dict[str, int] | None = None,
    per_person: tuple[int, int] = (8, 20),
    seed: int = 42,
    extra_items: dict[str, list[tuple[str, str, str, int]]] | None = None,
) -> Population:
    """`extra_items`: real catalog items per kind, (key, title, sport, level), which the
    synthetic people may pick too (with a hidden vector and appeal of their own)."""
    rng = np.random.default_rng(seed)
    items_per_kind = items_per_kind or {"workouts": 60, "challenges": 40, "products": 80}
    population: list[Person] = []
    for n in range(people):
        main = rng.choice(MAIN_SPORTS)
        second = rng.choice(MAIN_SPORTS)
        shares = {str(main): 0.7}
        shares[str(second)] = shares.get(str(second), 0.0) + 0.3
        population.append(
            Person(
                index=n,
                country=str(rng.choice(COUNTRIES)),
                sport_shares=shares,
                level=int(rng.integers(0, 3)),
                taste=rng.normal(0, 1, TASTE_DIMENSIONS),
            )
        )
    items: list[SyntheticItem] = []
    for kind in KINDS:
        for n in range(items_per_kind.get(kind, 0)):
            items.append(
                SyntheticItem(
                    kind=kind,
                    key=f"synth:{kind}:{n}",
                    sport=str(rng.choice(MAIN_SPORTS)),
                    level=int(rng.integers(0, 3)),
                    vector=rng.normal(0, 1, TASTE_DIMENSIONS),
                    appeal=float(rng.normal(0, 0.6)),
                )
            )
    for kind, rows in (extra_items or {}).items():
        for key, _title, sport, level in rows:
            items.append(
                SyntheticItem(
                    kind=kind,
                    key=key,
                    sport=sport if sport in MAIN_SPORTS else str(rng.choice(MAIN_SPORTS)),
                    level=level,
                    vector=rng.normal(0, 1, TASTE_DIMENSIONS),
                    appeal=float(rng.normal(0.3, 0.4)),
                )
            )
    events: list[tuple[int, str, str, float, float]] = []
    for kind in KINDS:
        pool = [i for i in items if i.kind == kind]
        if not pool:
            continue
        vectors = np.vstack([i.vector for i in pool])
        appeal = np.array([i.appeal for i in pool])
        levels = np.array([i.level for i in pool])
        sports = [i.sport for i in pool]
        for person in population:
            sport_match = np.array([person.sport_shares.get(s, 0.0) for s in sports])
            utility = (
                1.1 * (vectors @ person.taste)
                + 2.5 * sport_match
                - 0.8 * np.abs(levels - person.level)
                + appeal
            )
            weights = np.exp(utility - utility.max())
            count = min(len(pool), int(rng.integers(per_person[0], per_person[1] + 1)))
            chosen = rng.choice(len(pool), size=count, replace=False, p=weights / weights.sum())
            for j in chosen:
                seconds_ago = float(rng.uniform(0, DAYS * 86400))
                weight = float(rng.choice([1.0, 2.0, 3.0], p=[0.5, 0.3, 0.2]))
                events.append((person.index, kind, pool[j].key, weight, seconds_ago))
    return Population(population, items, events)


def contexts(population: Population, user_ids: list[int] | None = None):
    """The observable side (sport mix, level, country; item sport and level) as a Context."""
    from apps.recommendations.engine import Context, item_vector, user_vector

    ids = user_ids or [p.index for p in population.people]
    return Context(
        item_features={i.key: item_vector(i.sport, i.level) for i in population.items},
        user_features={
            ids[p.index]: user_vector(p.sport_shares, p.level) for p in population.people
        },
        user_segments={ids[p.index]: f"{p.country}:{p.main_sport}" for p in population.people},
    )
