"""Reads for the recommenders. Everything about other apps goes through their selectors:
plans (catalog, enrollments), challenges (visible challenges, participations), gear (the
person's gear and its wear, products on offer in their region), training (sport mix) and
accounts (country)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import numpy as np
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts import selectors as accounts_selectors
from apps.challenges import selectors as challenge_selectors
from apps.gear import selectors as gear_selectors
from apps.recommendations.engine import Context, Interactions, item_vector, user_vector
from apps.recommendations.models import (
    Action,
    AthleteProfile,
    Interaction,
    Item,
    Kind,
    ModelVersion,
    subject_id,
)
from apps.recommendations.types import Candidate
from apps.training import selectors as training_selectors
from apps.training.plans import catalog as plan_catalog
from apps.training.plans import selectors as plan_selectors

# Levels of the catalog plans (0 beginner .. 2 advanced), for the content features.
PLAN_LEVELS = {"first-5k": 0, "10k": 1, "half-marathon": 2, "yoga-30-days": 0}
CATEGORY_SPORTS = {"road_shoe": "run", "trail_shoe": "run", "bike": "ride", "watch": "other"}
REPLACE_FROM_PERCENT = 75
MAX_PRODUCT_CANDIDATES = 200

# Extra candidate sources per kind (apps.recommendations.promotions adds promos' live offers:
# promos sits below recommendations in the layers, so it cannot register itself).
CandidateSource = Callable[..., list[Candidate]]
_sources: dict[str, list[CandidateSource]] = {}


def register_candidate_source(kind: str, source: CandidateSource) -> CandidateSource:
    """An app above recommendations adds candidates: `source(user) -> list[Candidate]`."""
    if source not in _sources.setdefault(kind, []):
        _sources[kind].append(source)
    return source


def unregister_candidate_source(kind: str, source: CandidateSource) -> None:
    if source in _sources.get(kind, []):
        _sources[kind].remove(source)


# --- People -----------------------------------------------------------------------------------


def profile_get(*, user_id: int) -> AthleteProfile | None:
    return AthleteProfile.objects.filter(user_id=user_id).first()


def observed_profile(*, user) -> tuple[str, dict[str, float], float]:
    """(country, sport shares, level) of a real person, read from accounts and training."""
    country = str(accounts_selectors.profile_for(user=user).country or "")
    since = timezone.now() - timedelta(days=180)
    counts = training_selectors.sport_mix(owner_id=user.pk, since=since)
    total = sum(counts.values())
    shares = {sport: n / total for sport, n in counts.items()} if total else {}
    level = 2.0 if total >= 60 else 1.0 if total >= 15 else 0.0
    return country, shares, level


# --- What the person did and said ---------------------------------------------------------


def excluded_keys(*, user_id: int, kind: str) -> set[str]:
    """Items not to show again: dismissed ones, and ones already joined or bought."""
    return set(
        Interaction.objects.filter(
            user_id=user_id,
            kind=kind,
            action__in=(Action.DISMISS, Action.JOIN, Action.BUY, Action.ENROLLED, Action.OWNS),
        ).values_list("item_key", flat=True)
    )


def interactions_of(*, user_id: int):
    return Interaction.objects.filter(user_id=user_id).order_by("occurred_at", "pk")


# --- Training data ---------------------------------------------------------------------------


def training_data(*, kind: str) -> tuple[Interactions, Context]:
    """Every positive signal of the kind (dismissals are not interest), and the features."""
    rows = list(
        Interaction.objects.filter(kind=kind)
        .exclude(action=Action.DISMISS)
        .values_list("user_id", "person", "item_key", "weight", "occurred_at")
    )
    data = Interactions(
        np.array([subject_id(r[0], r[1]) for r in rows], dtype=np.int64),
        np.array([r[2] for r in rows], dtype=object),
        np.array([r[3] for r in rows], dtype=np.float32),
        np.array([r[4].timestamp() for r in rows], dtype=np.float64),
    )
    user_ids = {r[0] for r in rows if r[0]}
    persons = {r[1] for r in rows if r[1]}
    context = Context()
    for key, sport, level in Item.objects.filter(kind=kind).values_list("key", "sport", "level"):
        context.item_features[key] = item_vector(sport, level)
    profiles = AthleteProfile.objects.filter(Q(user_id__in=user_ids) | Q(person__in=persons))
    for profile in profiles.iterator(chunk_size=2000):
        subject = profile.subject_id
        context.user_features[subject] = user_vector(profile.sport_shares, profile.level)
        context.user_segments[subject] = profile.segment
    return data, context


def history_rows() -> list[tuple[int, str, str, str, object]]:
    """(user_id, kind, item_key, action, when) of what people did in the apps themselves."""
    rows = [
        (owner_id, Kind.WORKOUTS, f"plan:{slug}", Action.ENROLLED, created)
        for owner_id, slug, created in plan_selectors.enrollment_history()
    ]
    rows += [
        (user_id, Kind.CHALLENGES, f"challenge:{challenge_id}", Action.JOIN, joined)
        for user_id, challenge_id, joined in challenge_selectors.participation_history()
    ]
    rows += [
        (owner_id, Kind.PRODUCTS, f"product:{product_id}", Action.OWNS, created)
        for owner_id, product_id, created in gear_selectors.gear_product_history()
    ]
    return rows


def load_history() -> list[tuple]:
    return list(plan_selectors.adaptation_history())


def hard_session_history() -> tuple[list[tuple], dict[tuple[int, int], tuple[int, int]]]:
    """The hard sessions of adapted weeks (done or not) and hard sessions planned/done per
    (enrollment, week): the session model's training data."""
    return list(plan_selectors.hard_session_history()), plan_selectors.hard_done_by_week()


# --- Models ------------------------------------------------------------------------------------


def active_version(*, kind: str) -> ModelVersion | None:
    return ModelVersion.objects.filter(kind=kind, active=True).first()


def latest_version_number(*, kind: str) -> int:
    latest = ModelVersion.objects.filter(kind=kind).order_by("-version").first()
    return latest.version if latest else 0


# --- Candidates ------------------------------------------------------------------------------


def _workouts(user) -> list[Candidate]:
    following = {
        e.plan_slug
        for e in plan_selectors.enrollment_list(owner=user)
        if e.status == e.Status.ACTIVE
    }
    return [
        Candidate(
            kind=Kind.WORKOUTS,
            key=f"plan:{plan.slug}",
            title=str(plan.name),
            url=reverse("plans-detail", args=[plan.slug]),
            sport=plan.sport,
            level=PLAN_LEVELS.get(plan.slug, 1),
        )
        for plan in plan_catalog.PLANS.values()
        if plan.slug not in following
    ]


def _challenges(user, country: str) -> list[Candidate]:
    today = timezone.localdate()
    out = []
    for challenge in challenge_selectors.challenge_list(user=user).filter(end_date__gte=today):
        if getattr(challenge, "mine", None):
            continue  # joined already
        if challenge.scope == "group":
            continue  # a group's challenge: only its members see it, on the group's page
        if challenge.scope in ("country", "region") and challenge.country != country:
            continue
        out.append(
            Candidate(
                kind=Kind.CHALLENGES,
                key=f"challenge:{challenge.pk}",
                title=challenge.title_text,
                url=reverse("challenges-detail", args=[challenge.pk]),
                sport=challenge.sport or "",
            )
        )
    return out


def _products(user) -> list[Candidate]:
    from django.utils.translation import gettext as _

    out: dict[str, Candidate] = {}
    for gear in gear_selectors.gear_list(owner=user):
        wear = gear.wear_percent
        if gear.retired or wear is None or wear < REPLACE_FROM_PERCENT:
            continue
        for suggestion in gear_selectors.replacement_suggestions(user=user, gear=gear, limit=3):
            key = f"product:{suggestion.product_id}"
            out.setdefault(
                key,
                Candidate(
                    kind=Kind.PRODUCTS,
                    key=key,
                    title=f"{suggestion.brand} {suggestion.name}",
                    url=reverse("catalog-detail", args=[suggestion.product_id]),
                    sport=CATEGORY_SPORTS.get(gear.category, "other"),
                    reason=_("Your %(gear)s are at %(percent)d %%: time for a new pair.")
                    % {"gear": gear.display_name, "percent": wear}
                    if gear.category.endswith("shoe")
                    else _("Your %(gear)s is at %(percent)d %% of its lifespan.")
                    % {"gear": gear.display_name, "percent": wear},
                    boost=1.0 + wear / 100,
                ),
            )
    regions = gear_selectors.regions_for(user=user)
    if regions:
        products = gear_selectors.product_list(region=regions[0])[:MAX_PRODUCT_CANDIDATES]
        for product in products:
            key = f"product:{product.pk}"
            if key not in out:
                out[key] = Candidate(
                    kind=Kind.PRODUCTS,
                    key=key,
                    title=f"{product.brand.name} {product.name}",
                    url=reverse("catalog-detail", args=[product.pk]),
                    sport=CATEGORY_SPORTS.get(product.category, "other"),
                )
    return list(out.values())


def candidates(*, kind: str, user, country: str = "") -> list[Candidate]:
    """What this person may be shown: only what the apps' selectors let them see."""
    if kind == Kind.WORKOUTS:
        found = _workouts(user)
    elif kind == Kind.CHALLENGES:
        found = _challenges(user, country)
    else:
        found = _products(user)
    for source in _sources.get(kind, []):
        found.extend(source(user))
    return found


def popular_keys(*, kind: str, keys: list[str], country: str) -> dict[str, int]:
    """How many people in the country interacted with each key (the no-model fallback)."""
    from django.db.models import Count

    qs = Interaction.objects.filter(kind=kind, item_key__in=keys).exclude(action=Action.DISMISS)
    if country:
        profiles = AthleteProfile.objects.filter(country=country)
        qs = qs.filter(
            Q(user_id__in=profiles.filter(user__isnull=False).values("user_id"))
            | Q(person__in=profiles.filter(person__isnull=False).values("person"))
        )
    return dict(qs.values_list("item_key").annotate(n=Count("id")).order_by())
