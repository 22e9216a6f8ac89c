"""Writes on experiments: a subject's variant (stored on first exposure) and conversions."""

from __future__ import annotations

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import analytics
from apps.experiments import selectors
from apps.experiments.models import Assignment, Conversion


def _flag_allows(flag: str, user) -> bool:
    if not flag:
        return True
    from waffle import get_waffle_flag_model

    if user is None or not user.is_authenticated:
        return False
    waffle_flag = get_waffle_flag_model().get(flag)
    return bool(waffle_flag.pk) and bool(waffle_flag.is_active_for_user(user))


def variant_for(
    *, experiment_key: str, user=None, anonymous_id: str = "", expose: bool = True
) -> str | None:
    """The subject's variant key, or None when they are not in the experiment (not running,
    outside the rollout flag or traffic share): the caller then shows its default.

    Sticky: the first exposure stores the variant the hash gives; every later call returns the
    stored one, whatever the weights say by then. The same for web pages and the API, since it
    is keyed on the user (a signed cookie id only for people who are not signed in)."""
    spec = selectors.experiment_spec(key=experiment_key)
    user_id = user.pk if user is not None and user.is_authenticated else None
    if spec is None or not spec.running or not (user_id or anonymous_id):
        return None
    subject = selectors.subject_of(user_id=user_id, anonymous_id=anonymous_id)
    cache_key = selectors.assignment_cache_key(spec.id, subject)
    variant_key = cache.get(cache_key)
    if variant_key is None:
        variant_key = _stored_or_new(spec, subject, user, user_id, anonymous_id)
        cache.set(cache_key, variant_key, selectors.ASSIGNMENT_TTL)
    if not variant_key:  # "" caches "not in the experiment"
        return None
    if expose:
        analytics.track(
            selectors.EXPOSURE_EVENT,
            user_id=user_id,
            properties={"experiment": spec.key, "variant": variant_key},
        )
    return variant_key


def variants_for(
    *, experiment_keys, user=None, anonymous_id: str = "", expose: bool = True
) -> dict[str, str | None]:
    """`variant_for` for several experiments at once (one exposure per experiment, however
    many items on the page are gated on it)."""
    return {
        key: variant_for(experiment_key=key, user=user, anonymous_id=anonymous_id, expose=expose)
        for key in sorted(set(experiment_keys))
    }


def _stored_or_new(spec, subject: str, user, user_id, anonymous_id: str) -> str:
    by_id = {v.id: v.key for v in spec.variants}
    stored = selectors.stored_variant_id(
        experiment_id=spec.id, user_id=user_id, anonymous_id=anonymous_id
    )
    if stored is not None:
        return by_id.get(stored, "")
    if not selectors.in_traffic(spec, subject) or not _flag_allows(spec.flag, user):
        return ""
    variant = selectors.variant_by_hash(spec, subject)
    if variant is None:
        return ""
    try:
        with transaction.atomic():
            Assignment.objects.create(
                experiment_id=spec.id,
                variant_id=variant.id,
                user_id=user_id,
                anonymous_id="" if user_id else anonymous_id,
                assigned_at=timezone.now(),
            )
    except IntegrityError:  # a parallel first request stored it: take theirs
        stored = selectors.stored_variant_id(
            experiment_id=spec.id, user_id=user_id, anonymous_id=anonymous_id
        )
        return by_id.get(stored, "")
    return variant.key


def convert(user, experiment: str, metric: str, *, anonymous_id: str = "") -> bool:
    """Record that the subject reached `metric` in `experiment` (once per subject and metric).
    Returns whether a conversion was counted: not for people never exposed to it."""
    spec = selectors.experiment_spec(key=experiment)
    user_id = user.pk if user is not None and user.is_authenticated else None
    if spec is None or not (user_id or anonymous_id):
        return False
    variant_id = selectors.stored_variant_id(
        experiment_id=spec.id, user_id=user_id, anonymous_id=anonymous_id
    )
    if variant_id is None:
        return False
    try:
        with transaction.atomic():
            Conversion.objects.create(
                experiment_id=spec.id,
                variant_id=variant_id,
                user_id=user_id,
                anonymous_id="" if user_id else anonymous_id,
                metric=metric[:40],
                converted_at=timezone.now(),
            )
    except IntegrityError:
        return False  # counted already
    analytics.track(
        selectors.CONVERSION_EVENT,
        user_id=user_id,
        properties={"experiment": spec.key, "metric": metric[:40]},
    )
    return True


def definition_changed(*, key: str) -> None:
    """Forget the cached definition (after an edit in the admin)."""
    cache.delete(selectors.definition_cache_key(key))


def subject_forget(*, user_id: int) -> None:
    """GDPR erasure: the person's assignments and conversions go."""
    Conversion.objects.filter(user_id=user_id).delete()
    Assignment.objects.filter(user_id=user_id).delete()


def experiment_ensure(
    *, key: str, name: str, variants: list[tuple[str, int]], status: str = "running"
) -> bool:
    """Create the experiment with its variants if it does not exist (demo data, app set-up).
    An existing one is left as staff configured it. Returns whether it was created."""
    from apps.experiments.models import Experiment, Variant

    with transaction.atomic():
        experiment, created = Experiment.objects.get_or_create(
            key=key, defaults={"name": name, "status": status}
        )
        if created:
            Variant.objects.bulk_create(
                Variant(experiment=experiment, key=v, weight=w, position=i)
                for i, (v, w) in enumerate(variants)
            )
    definition_changed(key=key)
    return created
