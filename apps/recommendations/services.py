"""Writes and serving: training and activating model versions, serving recommendations (with
their reasons, cached), feedback, and the features kept up to date."""

from __future__ import annotations

import io
import logging
import threading
import time
from datetime import timedelta

import numpy as np
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import analytics
from apps.experiments import services as experiments
from apps.recommendations import engine, selectors
from apps.recommendations.exceptions import FeedbackInvalid
from apps.recommendations.models import (
    ACTION_WEIGHTS,
    FEEDBACK_ACTIONS,
    Action,
    AthleteProfile,
    Interaction,
    Kind,
    ModelVersion,
)
from apps.recommendations.types import Recommendation
from apps.training.plans import adaptation

logger = logging.getLogger(__name__)

EXPERIMENT = "recommender-ab"  # variants: "hybrid" (control) and "popular"
IMPRESSION_EVENT = "recommendation.impression"
RESULT_TTL = 600
ACTIVE_TTL = 60
PROFILE_MAX_AGE = timedelta(days=1)
DEFAULT_LIMIT = 6
MAX_LIMIT = 20
ARTIFACT_DIR = "recommendations/models"

REASONS = {
    engine.REASON_SIMILAR: gettext_lazy("Athletes with a history like yours chose this."),
    engine.REASON_CONTENT: gettext_lazy("It fits your sports and your level."),
    engine.REASON_POPULAR: gettext_lazy("Popular with athletes in your region and sport."),
}


# --- Artifacts ---------------------------------------------------------------------------------


def artifact_save(*, kind: str, version: int, model) -> str:
    import joblib

    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    name = f"{ARTIFACT_DIR}/{kind}/v{version}.joblib"
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def _artifact_load(name: str):
    import joblib

    # Only our own training writes these files (never uploads), so unpickling them is safe.
    with default_storage.open(name, "rb") as source:
        return joblib.load(io.BytesIO(source.read()))


_loaded: dict[str, tuple[tuple, object]] = {}
_loaded_lock = threading.Lock()


def _active_cache_key(kind: str) -> str:
    return f"recommendations:active:{kind}"


def active_model(*, kind: str) -> tuple[ModelVersion | None, object | None]:
    """The active version and its model, loaded once per process (reloaded after a rollback
    or a new version: the active id is cached for a minute across processes)."""
    version = cache.get(_active_cache_key(kind))
    if version is None:
        version = selectors.active_version(kind=kind) or False
        cache.set(_active_cache_key(kind), version, ACTIVE_TTL)
    if not version:
        return None, None
    identity = (version.pk, version.trained_at.isoformat())
    held = _loaded.get(kind)
    if held and held[0] == identity:
        return version, held[1]
    try:
        model = _artifact_load(version.artifact)
    except (OSError, ValueError, EOFError):
        logger.warning("model artifact %s cannot be loaded", version.artifact)
        return None, None
    with _loaded_lock:
        _loaded[kind] = (identity, model)
    return version, model


def version_create(
    *,
    kind: str,
    model,
    algorithm: str,
    data_size: dict,
    metrics: dict,
    seconds: float,
    activate: bool = True,
) -> ModelVersion:
    """Store the artifact, write its metadata row and (by default) make it the active one."""
    number = selectors.latest_version_number(kind=kind) + 1
    artifact = artifact_save(kind=kind, version=number, model=model)
    with transaction.atomic():
        if activate:
            ModelVersion.objects.filter(kind=kind, active=True).update(active=False)
        version = ModelVersion.objects.create(
            kind=kind,
            version=number,
            algorithm=algorithm,
            trained_at=timezone.now(),
            artifact=artifact,
            data_size=data_size,
            metrics=metrics,
            training_seconds=round(seconds, 3),
            active=activate,
        )
    cache.delete(_active_cache_key(kind))
    return version


def version_activate(*, version: ModelVersion) -> ModelVersion:
    """Serve this version from now on (a rollback when it is an older one)."""
    with transaction.atomic():
        ModelVersion.objects.filter(kind=version.kind, active=True).exclude(pk=version.pk).update(
            active=False
        )
        ModelVersion.objects.filter(pk=version.pk).update(active=True)
    cache.delete(_active_cache_key(version.kind))
    version.refresh_from_db()
    return version


# --- Features ----------------------------------------------------------------------------------


def profile_refresh(*, user) -> AthleteProfile:
    """The person's observable features, recomputed from the apps when a day old."""
    profile = selectors.profile_get(user_id=user.pk)
    if profile is not None and (
        profile.synthetic or timezone.now() - profile.updated < PROFILE_MAX_AGE
    ):
        return profile
    country, shares, level = selectors.observed_profile(user=user)
    profile, _created = AthleteProfile.objects.update_or_create(
        user=user, defaults={"country": country, "sport_shares": shares, "level": level}
    )
    return profile


def history_sync() -> int:
    """Copy what people did in the apps (enrolled, joined, own) into the interaction matrix.
    Idempotent: the unique (person, item, action) skips what is there already."""
    rows = [
        Interaction(
            user_id=user_id,
            kind=kind,
            item_key=key,
            action=action,
            weight=ACTION_WEIGHTS.get(action, 1.0),
            occurred_at=when,
        )
        for user_id, kind, key, action, when in selectors.history_rows()
    ]
    before = Interaction.objects.count()
    Interaction.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return Interaction.objects.count() - before


# --- Training ----------------------------------------------------------------------------------


def _hints(context: engine.Context):
    def hints(user_id: int) -> dict:
        return {
            "user_feature": context.user_features.get(user_id),
            "segment": context.user_segments.get(user_id),
        }

    return hints


def recommender_evaluate(*, kind: str, k: int = 10) -> dict | None:
    """Time-split offline metrics of the hybrid model and of the popularity baseline."""
    data, context = selectors.training_data(kind=kind)
    if len(data) < 20:
        return None
    train, test = engine.time_split(data)
    hybrid = engine.HybridModel().fit(train, context)
    popular = engine.PopularityModel().fit(train, context)
    return {
        "k": k,
        "hybrid": engine.evaluate(hybrid, train, test, k=k, hints=_hints(context)).as_dict(),
        "popularity": engine.evaluate(popular, train, test, k=k).as_dict(),
    }


def recommender_train(*, kind: str, min_interactions: int = 20) -> ModelVersion | None:
    """Train the kind's hybrid model on everything, evaluated on a time split first; the new
    version becomes active. Nothing when there is too little data (the old one stays)."""
    data, context = selectors.training_data(kind=kind)
    if len(data) < min_interactions:
        return None
    metrics = recommender_evaluate(kind=kind) or {}
    started = time.perf_counter()
    model = engine.HybridModel().fit(data, context)
    seconds = time.perf_counter() - started
    return version_create(
        kind=kind,
        model=model,
        algorithm="hybrid-svd",
        data_size={
            "interactions": len(data),
            "users": len(model.users),
            "items": len(model.items),
        },
        metrics=metrics,
        seconds=seconds,
    )


def load_samples(rows: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
    """(features, target) from adapted weeks in order: for weeks w-1, w, w+1 of one
    enrollment, features of w-1 and w, target = the factor sustained in w+1."""
    features, target = [], []
    by_enrollment: dict[int, list[tuple]] = {}
    for row in rows:
        by_enrollment.setdefault(row[0], []).append(row)
    for weeks in by_enrollment.values():
        for prev, cur, nxt in zip(weeks, weeks[1:], weeks[2:], strict=False):
            ratio = cur[4] / cur[3] if cur[3] else 1.0
            prev_ratio = prev[4] / prev[3] if prev[3] else 1.0
            next_ratio = nxt[4] / nxt[3] if nxt[3] else 1.0
            sustained = cur[6] * min(nxt[2], next_ratio, 1.2)
            features.append([cur[2], ratio, cur[5], prev[2], prev_ratio])
            target.append(sustained)
    return np.array(features, dtype=np.float64), np.array(target, dtype=np.float64)


def session_samples(
    rows: list[tuple], hard_rows: list[tuple], hard_by_week: dict[tuple[int, int], tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """(features, done) of hard sessions: for the hard session of adapted week W, the features
    of week W-1 as its adaptation row holds them (engine.SESSION_FEATURES), done or not."""
    by_week = {(row[0], row[1]): row for row in rows}
    features, done = [], []
    for enrollment_id, week, status in hard_rows:
        row = by_week.get((enrollment_id, week))
        if row is None:
            continue
        _e, _w, compliance, planned, actual, before, after = row
        hard_planned, hard_done = hard_by_week.get((enrollment_id, week - 1), (0, 0))
        features.append(
            [
                compliance,
                actual / planned if planned else 1.0,
                before,
                after / before if before else 1.0,
                hard_done / hard_planned if hard_planned else 1.0,
            ]
        )
        done.append(1.0 if status == "done" else 0.0)
    return np.array(features, dtype=np.float64), np.array(done, dtype=np.float64)


def load_model_train(
    *,
    rows: list[tuple] | None = None,
    hard_rows: list[tuple] | None = None,
    hard_by_week: dict | None = None,
    min_samples: int = 50,
) -> ModelVersion | None:
    """Train the adaptive model on the adapted weeks of every plan (or given rows): the
    next-week load model and, with enough hard sessions of both outcomes, the session model
    (kept on the load model as `.sessions`, one artifact)."""
    if rows is None:
        rows = selectors.load_history()
        hard_rows, hard_by_week = selectors.hard_session_history()
    features, target = load_samples(rows)
    if len(target) < min_samples:
        return None
    started = time.perf_counter()
    model = engine.LoadModel().fit(features, target)
    metrics = {"mae": round(model.mae, 4), "keep_factor_mae": round(model.baseline_mae, 4)}
    data_size = {"samples": len(target)}
    x, done = session_samples(rows, hard_rows or [], hard_by_week or {})
    model.sessions = None
    if len(done) >= min_samples and 0 < done.sum() < len(done):
        model.sessions = engine.SessionModel().fit(x, done)
        data_size["hard_sessions"] = len(done)
        metrics["sessions_brier"] = round(model.sessions.brier, 4)
        metrics["sessions_base_rate_brier"] = round(model.sessions.base_rate_brier, 4)
    seconds = time.perf_counter() - started
    return version_create(
        kind="load",
        model=model,
        algorithm="gradient-boosting" + (" + sessions" if model.sessions else ""),
        data_size=data_size,
        metrics=metrics,
        seconds=seconds,
    )


def models_train() -> dict[str, int | None]:
    """The beat job: sync history, retrain every recommender and the load model."""
    history_sync()
    trained = {}
    for kind in Kind.values:
        version = recommender_train(kind=kind)
        trained[kind] = version.version if version else None
    version = load_model_train()
    trained["load"] = version.version if version else None
    return trained


# --- Serving -----------------------------------------------------------------------------------


def _generation(user_id: int) -> int:
    return cache.get(f"recommendations:gen:{user_id}", 0)


def _bump_generation(user_id: int) -> None:
    key = f"recommendations:gen:{user_id}"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def _rank(
    *, kind: str, user, profile: AthleteProfile, variant: str, limit: int
) -> tuple[list[Recommendation], int | None]:
    excluded = selectors.excluded_keys(user_id=user.pk, kind=kind)
    pool = [
        c
        for c in selectors.candidates(kind=kind, user=user, country=profile.country)
        if c.key not in excluded
    ]
    if not pool:
        return [], None
    version, model = active_model(kind=kind)
    keys = [c.key for c in pool]
    if model is None or variant == "popular":
        counts = selectors.popular_keys(kind=kind, keys=keys, country=profile.country)
        scores = np.array([np.log1p(counts.get(k, 0)) for k in keys])
        reasons = [engine.REASON_POPULAR] * len(keys)
    else:
        scores, reasons = model.score(
            user.pk,
            keys,
            user_feature=engine.user_vector(profile.sport_shares, profile.level),
            segment=profile.segment,
            candidate_features={c.key: engine.item_vector(c.sport, c.level) for c in pool},
        )
    scored = []
    for candidate, score, reason in zip(pool, scores, reasons, strict=True):
        scored.append((float(score) + candidate.boost, candidate, reason))
    scored.sort(key=lambda s: (-s[0], s[1].key))
    return [
        Recommendation(
            kind=kind,
            key=c.key,
            title=c.title,
            url=c.url,
            reason=c.reason or str(REASONS[reason]),
            score=round(score, 4),
        )
        for score, c, reason in scored[:limit]
    ], (version.version if version and model is not None and variant != "popular" else None)


def recommend(*, user, kind: str, limit: int = DEFAULT_LIMIT) -> dict:
    """The person's top items of a kind with reasons: the recommender A/B variant decides the
    ranking; results are cached per person, kind, variant and model version (feedback clears
    them); every list served is logged as an impression through the batched tracker."""
    limit = max(1, min(limit, MAX_LIMIT))
    variant = experiments.variant_for(experiment_key=EXPERIMENT, user=user) or "hybrid"
    version, _model = active_model(kind=kind)
    version_id = version.pk if version else 0
    cache_key = (
        f"recommendations:{user.pk}:{kind}:{variant}:{version_id}:{limit}:{_generation(user.pk)}"
    )
    result = cache.get(cache_key)
    if result is None:
        profile = profile_refresh(user=user)
        items, model_version = _rank(
            kind=kind, user=user, profile=profile, variant=variant, limit=limit
        )
        result = {"kind": kind, "variant": variant, "model_version": model_version, "items": items}
        cache.set(cache_key, result, RESULT_TTL)
    analytics.track(
        IMPRESSION_EVENT,
        user_id=user.pk,
        properties={
            "kind": kind,
            "variant": result["variant"],
            "model_version": result["model_version"],
            "items": [r.key for r in result["items"]],
        },
    )
    return result


def feedback_record(*, user, kind: str, item: str, action: str) -> tuple[Interaction, bool]:
    """Feedback on a recommendation (click, dismiss, join, buy). Idempotent: the same feedback
    again returns the stored one (created False). A dismissed item is not shown again."""
    if kind not in Kind.values:
        raise FeedbackInvalid(_("Unknown kind: use workouts, challenges or products."))
    if action not in FEEDBACK_ACTIONS:
        raise FeedbackInvalid(_("Unknown action: use click, dismiss, join or buy."))
    if not item or len(item) > 80 or ":" not in item:
        raise FeedbackInvalid(_("The item is the key of a recommendation, e.g. plan:10k."))
    try:
        with transaction.atomic():
            interaction = Interaction.objects.create(
                user=user,
                kind=kind,
                item_key=item,
                action=action,
                weight=ACTION_WEIGHTS.get(action, 0.0),
                occurred_at=timezone.now(),
            )
    except IntegrityError:
        existing = Interaction.objects.get(user=user, kind=kind, item_key=item, action=action)
        return existing, False
    _bump_generation(user.pk)
    if action != Action.DISMISS:
        experiments.convert(user, EXPERIMENT, action)
    analytics.track(
        "recommendation.feedback",
        user_id=user.pk,
        properties={"kind": kind, "item": item, "action": action},
    )
    return interaction, True


def personal_data_erase(*, user_id: int) -> None:
    Interaction.objects.filter(user_id=user_id).delete()
    AthleteProfile.objects.filter(user_id=user_id).delete()
    _bump_generation(user_id)


# --- Offline evaluation of the plan adapters ----------------------------------------------------

SIMULATED_WEEK_LOAD = 300.0  # the simulated plans' planned load at factor 1
SIMULATED_SESSIONS = 4  # sessions a simulated week has (one of them hard)


def _simulated_summary(row: tuple, hard: tuple[int, int]) -> adaptation.WeekSummary:
    enrollment_id, week, compliance, planned, actual, factor, _after = row
    done = round(compliance * SIMULATED_SESSIONS)
    return adaptation.WeekSummary(
        enrollment_id=enrollment_id,
        owner_id=0,
        plan_slug="",
        week=week - 1,
        sessions_planned=SIMULATED_SESSIONS,
        sessions_done=done,
        sessions_skipped=SIMULATED_SESSIONS - done,
        planned_load=planned,
        actual_load=actual,
        volume_factor=factor,
        planned_volume=1.0,
        next_planned_volume=1.0,
        hard_planned=hard[0],
        hard_done=hard[1],
        next_sessions=(adaptation.SessionPlan(1, "intervals", "run", None, 60.0),),
    )


def adapters_evaluate(
    *,
    rows: list[tuple],
    hard_rows: list[tuple],
    hard_by_week: dict[tuple[int, int], tuple[int, int]],
    split_week: int = 7,
) -> dict:
    """Rule-based vs learned adapter on a time split: both models learn from the adapted weeks
    before `split_week`, and are judged on the weeks from it on.

    - week: the load each adapter plans for the next week against the load the athlete then
      completed (mean absolute error, in load units, and the share of weeks planned more than
      10 % over what was completed);
    - sessions: of the next week's hard sessions, how many each adapter kept that were then
      missed, how many it softened that were then done, and the session model's Brier score
      against the base rate."""
    from apps.recommendations import adapter as learned_adapter

    train_rows = [r for r in rows if r[1] < split_week]
    features, target = load_samples(train_rows)
    if len(target) < 10 or not any(r[1] >= split_week + 1 for r in rows):
        raise ValueError("too few adapted weeks before or after the split")
    load_model = engine.LoadModel().fit(features, target)
    x, done = session_samples(train_rows, [h for h in hard_rows if h[1] < split_week], hard_by_week)
    session_model = engine.SessionModel().fit(x, done)
    rules = adaptation.RuleBasedAdapter()

    by_enrollment: dict[int, list[tuple]] = {}
    for row in rows:
        by_enrollment.setdefault(row[0], []).append(row)
    errors = {"rules": [], "learned": []}
    over = {"rules": 0, "learned": 0}
    for weeks in by_enrollment.values():
        for prev, cur, nxt in zip(weeks, weeks[1:], weeks[2:], strict=False):
            if cur[1] < split_week:
                continue
            summary = _simulated_summary(cur, hard_by_week.get((cur[0], cur[1] - 1), (0, 0)))
            ratio, prev_ratio = cur[4] / cur[3], prev[4] / prev[3]
            completed = cur[6] * min(nxt[2], nxt[4] / nxt[3], 1.2) * SIMULATED_WEEK_LOAD
            rule = rules.adjust(summary)
            predicted = load_model.predict([cur[2], ratio, cur[5], prev[2], prev_ratio])
            answers = {
                "rules": rule.volume_factor,
                "learned": learned_adapter.guarded(summary, predicted, rule).volume_factor,
            }
            for name, factor in answers.items():
                planned = adaptation.clamp(factor) * SIMULATED_WEEK_LOAD
                errors[name].append(abs(planned - completed))
                over[name] += planned > completed * 1.1

    by_week = {(r[0], r[1]): r for r in rows}
    test_hard = [h for h in hard_rows if h[1] >= split_week and (h[0], h[1]) in by_week]
    sessions = {"hard": len(test_hard), "missed": 0, "learned_kept_missed": 0}
    sessions["learned_softened_done"] = sessions["learned_softened"] = 0
    probabilities, outcomes = [], []
    for enrollment_id, week, status in test_hard:
        row = by_week[(enrollment_id, week)]
        summary = _simulated_summary(row, hard_by_week.get((enrollment_id, week - 1), (0, 0)))
        next_factor = adaptation.clamp(row[6])  # the factor the week was actually planned with
        changed = learned_adapter.session_adjustments(summary, next_factor, session_model)
        was_done = status == "done"
        sessions["missed"] += not was_done
        if changed:
            sessions["learned_softened"] += 1
            sessions["learned_softened_done"] += was_done
        else:
            sessions["learned_kept_missed"] += not was_done
        probabilities.append(
            session_model.done_probability(learned_adapter.session_features(summary, next_factor))
        )
        outcomes.append(1.0 if was_done else 0.0)
    if not errors["rules"] or not outcomes:
        raise ValueError("no held-out weeks or hard sessions after the split")
    p, y = np.array(probabilities), np.array(outcomes)
    base = float(done.mean())
    weeks_tested = len(errors["rules"])
    return {
        "split_week": split_week,
        "train_weeks": len(target),
        "test_weeks": weeks_tested,
        "week_mae": {k: round(float(np.mean(v)), 2) for k, v in errors.items()},
        "week_over_10pct": {k: round(v / weeks_tested, 4) for k, v in over.items()},
        "sessions": sessions,
        "sessions_brier": round(float(np.mean((p - y) ** 2)), 4),
        "sessions_base_rate_brier": round(float(np.mean((base - y) ** 2)), 4),
    }
