"""The learning part, free of Django: a hybrid recommender, the popularity baseline, the
offline metrics and the next-week load model. Inputs are plain arrays so the same code trains
on the demo population, on real interactions and on 100,000 synthetic users in bench/.

Hybrid score of an item for a person = collaborative + content + popularity, each standardised
over the candidate items first:
- collaborative: TruncatedSVD of the (people x items) interaction matrix (implicit, weighted
  by action), the person's row projected on the item factors;
- content: cosine of the person's profile (sport mix, level) with the item's (sport, level);
- popularity: log of the item's interaction count, in the person's segment (country and main
  sport) when that segment has enough data — the cold-start fallback for people the matrix
  does not know.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

SPORTS = ("run", "ride", "swim", "walk", "hike", "yoga", "strength", "other")
LEVELS = 3  # 0 beginner, 1 intermediate, 2 advanced
FEATURE_SIZE = len(SPORTS) + LEVELS
SEGMENT_MIN_INTERACTIONS = 20

# Reason codes (words at display time, apps.recommendations.services.REASONS).
REASON_SIMILAR = "similar_athletes"
REASON_CONTENT = "matches_profile"
REASON_POPULAR = "popular_nearby"


def sport_index(sport: str) -> int:
    return SPORTS.index(sport) if sport in SPORTS else SPORTS.index("other")


def item_vector(sport: str, level: int) -> np.ndarray:
    vec = np.zeros(FEATURE_SIZE, dtype=np.float32)
    vec[sport_index(sport)] = 1.0
    vec[len(SPORTS) + min(max(int(level), 0), LEVELS - 1)] = 0.7
    return vec


def user_vector(sport_shares: dict[str, float], level: float) -> np.ndarray:
    vec = np.zeros(FEATURE_SIZE, dtype=np.float32)
    for sport, share in sport_shares.items():
        vec[sport_index(sport)] += float(share)
    vec[len(SPORTS) + min(max(round(level), 0), LEVELS - 1)] = 0.7
    return vec


def _standardise(values: np.ndarray) -> np.ndarray:
    std = values.std()
    return (values - values.mean()) / std if std > 1e-9 else np.zeros_like(values)


@dataclass
class Interactions:
    """One row per (person, item) signal: ids, item keys, weights and times (epoch s)."""

    user_ids: np.ndarray
    item_keys: np.ndarray
    weights: np.ndarray
    times: np.ndarray

    def __len__(self) -> int:
        return len(self.user_ids)

    def subset(self, mask: np.ndarray) -> Interactions:
        return Interactions(
            self.user_ids[mask], self.item_keys[mask], self.weights[mask], self.times[mask]
        )


@dataclass
class Context:
    """What the model knows about the items and the people apart from the interactions."""

    item_features: dict[str, np.ndarray] = field(default_factory=dict)
    user_features: dict[int, np.ndarray] = field(default_factory=dict)
    user_segments: dict[int, str] = field(default_factory=dict)


class PopularityModel:
    """The baseline: the most interacted-with items, the same for everybody."""

    name = "popularity"

    def fit(self, data: Interactions, context: Context | None = None) -> PopularityModel:
        keys, inverse = np.unique(data.item_keys, return_inverse=True)
        counts = np.bincount(inverse, minlength=len(keys)).astype(np.float64)
        self.items = [str(k) for k in keys]
        self.index = {k: i for i, k in enumerate(self.items)}
        self.popularity = np.log1p(counts)
        return self

    def score(self, user_id: int, candidates: list[str], **_hints) -> tuple[np.ndarray, list[str]]:
        values = np.array(
            [self.popularity[self.index[c]] if c in self.index else 0.0 for c in candidates]
        )
        return values, [REASON_POPULAR] * len(candidates)


class HybridModel:
    """Collaborative (TruncatedSVD) + content + segment popularity; see the module doc."""

    name = "hybrid"

    def __init__(
        self,
        *,
        components: int = 24,
        cf_weight: float = 1.0,
        content_weight: float = 0.4,
        popularity_weight: float = 0.3,
        random_state: int = 7,
    ) -> None:
        self.components = components
        self.cf_weight = cf_weight
        self.content_weight = content_weight
        self.popularity_weight = popularity_weight
        self.random_state = random_state

    def fit(self, data: Interactions, context: Context | None = None) -> HybridModel:
        from sklearn.decomposition import TruncatedSVD

        context = context or Context()
        users, user_inverse = np.unique(data.user_ids, return_inverse=True)
        items, item_inverse = np.unique(data.item_keys, return_inverse=True)
        self.users = {int(u): i for i, u in enumerate(users)}
        self.items = [str(k) for k in items]
        self.item_index = {k: i for i, k in enumerate(self.items)}
        matrix = sparse.csr_matrix(
            (np.log1p(data.weights.astype(np.float32)), (user_inverse, item_inverse)),
            shape=(len(users), len(items)),
        )
        matrix.sum_duplicates()
        self.matrix = matrix
        rank = max(1, min(self.components, min(matrix.shape) - 1))
        if min(matrix.shape) > 1:
            svd = TruncatedSVD(n_components=rank, random_state=self.random_state)
            self.user_factors = svd.fit_transform(matrix).astype(np.float32)
            self.item_factors = svd.components_.T.astype(np.float32)
        else:
            self.user_factors = np.zeros((len(users), 1), dtype=np.float32)
            self.item_factors = np.zeros((len(items), 1), dtype=np.float32)
        counts = np.asarray((matrix > 0).sum(axis=0)).ravel().astype(np.float64)
        self.popularity = np.log1p(counts)
        # Popularity per segment (country + main sport): the cold-start fallback.
        self.segment_popularity: dict[str, np.ndarray] = {}
        by_segment: dict[str, list[int]] = defaultdict(list)
        for user_id, row in self.users.items():
            segment = context.user_segments.get(user_id)
            if segment:
                by_segment[segment].append(row)
        for segment, rows in by_segment.items():
            seg_counts = np.asarray((matrix[rows] > 0).sum(axis=0)).ravel().astype(np.float64)
            if seg_counts.sum() >= SEGMENT_MIN_INTERACTIONS:
                self.segment_popularity[segment] = np.log1p(seg_counts)
        self.item_features = context.item_features
        self.user_features = context.user_features
        return self

    def _content(
        self, user_id: int, candidates: list[str], user_feature, candidate_features
    ) -> np.ndarray:
        profile = user_feature if user_feature is not None else self.user_features.get(user_id)
        if profile is None:
            return np.zeros(len(candidates))
        norm = float(np.linalg.norm(profile)) or 1.0
        out = np.zeros(len(candidates))
        for i, key in enumerate(candidates):
            vec = (candidate_features or {}).get(key)
            if vec is None:
                vec = self.item_features.get(key)
            if vec is not None:
                out[i] = float(vec @ profile) / (norm * (float(np.linalg.norm(vec)) or 1.0))
        return out

    def score(
        self,
        user_id: int,
        candidates: list[str],
        *,
        user_feature: np.ndarray | None = None,
        segment: str | None = None,
        candidate_features: dict[str, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, list[str]]:
        """Scores of the candidates for the person, and for each the main reason."""
        idx = np.array([self.item_index.get(c, -1) for c in candidates])
        known = idx >= 0
        safe = np.where(known, idx, 0)
        row = self.users.get(int(user_id))
        cf = np.zeros(len(candidates))
        if row is not None:
            cf = (self.item_factors[safe] @ self.user_factors[row]).astype(np.float64)
            cf[~known] = 0.0
        segment_pop = self.segment_popularity.get(segment or "")
        pop_source = segment_pop if segment_pop is not None else self.popularity
        pop = np.where(known, pop_source[safe], 0.0)
        content = self._content(user_id, candidates, user_feature, candidate_features)
        parts = {
            REASON_SIMILAR: self.cf_weight * _standardise(cf) if row is not None else None,
            REASON_CONTENT: self.content_weight * _standardise(content),
            REASON_POPULAR: self.popularity_weight
            * _standardise(pop)
            * (1.0 if row is not None else 3.0),  # cold start leans on what is popular nearby
        }
        present = {k: v for k, v in parts.items() if v is not None}
        total = sum(present.values())
        names = list(present)
        stacked = np.vstack([present[n] for n in names])
        reasons = [names[int(j)] for j in stacked.argmax(axis=0)]
        return np.asarray(total, dtype=np.float64), reasons

    def knows(self, user_id: int) -> bool:
        return int(user_id) in self.users


def top_k(
    model, user_id: int, candidates: list[str], k: int, exclude: set[str] = frozenset(), **hints
) -> list[tuple[str, float, str]]:
    pool = [c for c in candidates if c not in exclude]
    if not pool:
        return []
    scores, reasons = model.score(user_id, pool, **hints)
    order = np.argsort(-scores, kind="stable")[:k]
    return [(pool[i], float(scores[i]), reasons[i]) for i in order]


# --- Offline evaluation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    precision: float
    recall: float
    ndcg: float
    users: int

    def as_dict(self) -> dict:
        return {
            "precision": round(float(self.precision), 4),
            "recall": round(float(self.recall), 4),
            "ndcg": round(float(self.ndcg), 4),
            "users": self.users,
        }


def time_split(data: Interactions, *, holdout: float = 0.2) -> tuple[Interactions, Interactions]:
    """Everything before the time that leaves `holdout` of the signals after it, and the rest."""
    cutoff = float(np.quantile(data.times, 1 - holdout))
    before = data.times < cutoff
    return data.subset(before), data.subset(~before)


def evaluate(model, train: Interactions, test: Interactions, *, k: int = 10, hints=None) -> Metrics:
    """precision@k, recall@k and NDCG@k over the people with history before and after."""
    hints = hints or (lambda user_id: {})
    catalog = sorted({str(x) for x in train.item_keys})
    seen: dict[int, set[str]] = defaultdict(set)
    for u, i in zip(train.user_ids, train.item_keys, strict=True):
        seen[int(u)].add(str(i))
    relevant: dict[int, set[str]] = defaultdict(set)
    for u, i in zip(test.user_ids, test.item_keys, strict=True):
        if str(i) not in seen[int(u)]:
            relevant[int(u)].add(str(i))
    precision = recall = ndcg = 0.0
    users = 0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    for user_id, wanted in relevant.items():
        if user_id not in seen:
            continue
        ranked = [key for key, _s, _r in top_k(model, user_id, catalog, k, seen[user_id],
                                                **hints(user_id))]  # fmt: skip
        hits = np.array(
            [1.0 if key in wanted else 0.0 for key in ranked] + [0.0] * (k - len(ranked))
        )
        ideal = discounts[: min(len(wanted), k)].sum()
        precision += hits.sum() / k
        recall += hits.sum() / len(wanted)
        ndcg += float(hits @ discounts) / ideal if ideal else 0.0
        users += 1
    if not users:
        return Metrics(0.0, 0.0, 0.0, 0)
    return Metrics(precision / users, recall / users, ndcg / users, users)


# --- Next-week load ----------------------------------------------------------------------------

LOAD_FEATURES = ("compliance", "load_ratio", "volume_factor", "prev_compliance", "prev_load_ratio")


class LoadModel:
    """Predicts the volume factor an athlete absorbs next week from the last two weeks.

    A gradient-boosted regressor on (compliance, load ratio, factor) of this and the previous
    week; the target is the factor the athlete actually sustained the week after (factor times
    what they did of it). The adapter applies guardrails on top of whatever it predicts."""

    name = "load"

    def fit(self, features: np.ndarray, target: np.ndarray) -> LoadModel:
        from sklearn.ensemble import GradientBoostingRegressor
        from sklearn.model_selection import train_test_split

        x_train, x_test, y_train, y_test = train_test_split(
            features, target, test_size=0.2, random_state=7
        )
        self.regressor = GradientBoostingRegressor(
            n_estimators=150, max_depth=3, learning_rate=0.05, random_state=7
        ).fit(x_train, y_train)
        predicted = self.regressor.predict(x_test)
        self.mae = float(np.mean(np.abs(predicted - y_test)))
        self.baseline_mae = float(np.mean(np.abs(x_test[:, 2] - y_test)))  # "keep the factor"
        self.samples = len(target)
        return self

    def predict(self, row: list[float]) -> float:
        value = float(self.regressor.predict(np.array([row], dtype=np.float64))[0])
        return value if math.isfinite(value) else float(row[2])


# --- Hard sessions of the next week -----------------------------------------------------------

SESSION_FEATURES = ("compliance", "load_ratio", "volume_factor", "factor_change", "hard_done")


class SessionModel:
    """Predicts whether the athlete does next week's hard session (intervals, tempo) from how
    the week before went: (compliance, load ratio, volume factor, the planned change of the
    factor, share of the hard sessions done). A gradient-boosted classifier; the adapter turns
    a low probability into a shorter session or an easy run, within its guardrails."""

    name = "sessions"

    def fit(self, features: np.ndarray, done: np.ndarray) -> SessionModel:
        from sklearn.ensemble import GradientBoostingClassifier
        from sklearn.model_selection import train_test_split

        labels = done.astype(int)
        stratify = labels if 0 < labels.sum() < len(labels) else None
        x_train, x_test, y_train, y_test = train_test_split(
            features, labels, test_size=0.2, random_state=7, stratify=stratify
        )
        self.classifier = GradientBoostingClassifier(
            n_estimators=60, max_depth=2, learning_rate=0.05, min_samples_leaf=20, random_state=7
        ).fit(x_train, y_train)
        p = self.classifier.predict_proba(x_test)[:, 1]
        base = float(y_train.mean())
        self.brier = float(np.mean((p - y_test) ** 2))
        self.base_rate_brier = float(np.mean((base - y_test) ** 2))
        self.samples = len(labels)
        return self

    def done_probability(self, row: list[float]) -> float:
        if list(self.classifier.classes_) != [0, 1]:
            return float(self.classifier.classes_[0])
        value = float(self.classifier.predict_proba(np.array([row], dtype=np.float64))[0, 1])
        return value if math.isfinite(value) else 1.0
