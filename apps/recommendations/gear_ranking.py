"""Replacement suggestions on a gear page, re-ranked with the products model: among products
about as similar to the worn one, those that athletes like this person chose come first
(registered with `apps.gear.hooks`; without an active model it changes nothing)."""

from __future__ import annotations

import numpy as np

from apps.gear import hooks

MODEL_WEIGHT = 0.05  # similarity stays first; the model breaks near-ties


def rank_replacements(*, user, gear, suggestions: list) -> list:
    if len(suggestions) < 2 or user is None or not user.is_authenticated:
        return suggestions
    from apps.recommendations import engine, services

    _version, model = services.active_model(kind="products")
    if model is None:
        return suggestions
    profile = services.profile_refresh(user=user)
    scores, _reasons = model.score(
        user.pk,
        [f"product:{s.product_id}" for s in suggestions],
        user_feature=engine.user_vector(profile.sport_shares, profile.level),
        segment=profile.segment,
    )
    scores = np.asarray(scores, dtype=float)
    order = sorted(
        range(len(suggestions)),
        key=lambda i: (-(suggestions[i].score + MODEL_WEIGHT * scores[i]), suggestions[i].price),
    )
    return [suggestions[i] for i in order]


def register() -> None:
    hooks.register_ranker(rank_replacements)
