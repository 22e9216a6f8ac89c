"""Reads on experiments: the running definition (cached), a subject's stored variant, results."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import gettext

from apps.core.models import AnalyticsEvent
from apps.experiments.models import Assignment, Conversion, Experiment

DEFINITION_TTL = 60  # seconds; the admin clears it on save
ASSIGNMENT_TTL = 24 * 3600
EXPOSURE_EVENT = "experiment.exposure"
CONVERSION_EVENT = "experiment.conversion"


@dataclass(frozen=True)
class VariantSpec:
    id: int
    key: str
    weight: int


@dataclass(frozen=True)
class ExperimentSpec:
    id: int
    key: str
    status: str
    flag: str
    traffic_percent: int
    variants: tuple[VariantSpec, ...]

    @property
    def running(self) -> bool:
        return self.status == Experiment.Status.RUNNING and bool(self.variants)


def definition_cache_key(key: str) -> str:
    return f"experiments:definition:{key}"


def assignment_cache_key(experiment_id: int, subject: str) -> str:
    return f"experiments:assignment:{experiment_id}:{subject}"


def experiment_spec(*, key: str) -> ExperimentSpec | None:
    """The experiment and its variants, from the cache when it can (one query when not)."""
    cache_key = definition_cache_key(key)
    spec = cache.get(cache_key)
    if spec is None:
        experiment = Experiment.objects.filter(key=key).prefetch_related("variants").first()
        spec = (
            ExperimentSpec(
                id=experiment.pk,
                key=experiment.key,
                status=experiment.status,
                flag=experiment.flag,
                traffic_percent=experiment.traffic_percent,
                variants=tuple(
                    VariantSpec(v.pk, v.key, v.weight) for v in experiment.variants.all()
                ),
            )
            if experiment
            else False
        )
        cache.set(cache_key, spec, DEFINITION_TTL)
    return spec or None


def subject_of(*, user_id: int | None, anonymous_id: str = "") -> str:
    return f"u{user_id}" if user_id else f"a{anonymous_id}"


def bucket(*parts: str) -> float:
    """A deterministic number in [0, 1) from the parts (the same on every server)."""
    digest = hashlib.sha256(":".join(parts).encode()).hexdigest()
    return int(digest[:15], 16) / 16**15


def variant_by_hash(spec: ExperimentSpec, subject: str) -> VariantSpec | None:
    """Where the weights put a subject now (only used on the first exposure)."""
    total = sum(v.weight for v in spec.variants)
    if not total:
        return None
    point = bucket(spec.key, subject) * total
    for variant in spec.variants:
        if point < variant.weight:
            return variant
        point -= variant.weight
    return spec.variants[-1]


def in_traffic(spec: ExperimentSpec, subject: str) -> bool:
    return bucket(spec.key, "traffic", subject) * 100 < spec.traffic_percent


def stored_variant_id(*, experiment_id: int, user_id: int | None, anonymous_id: str) -> int | None:
    qs = Assignment.objects.filter(experiment_id=experiment_id)
    qs = qs.filter(user_id=user_id) if user_id else qs.filter(user=None, anonymous_id=anonymous_id)
    return qs.values_list("variant_id", flat=True).first()


def assigned_variant(*, experiment_key: str, user_id: int) -> str | None:
    """The variant a person was put in, without putting them anywhere (None: never exposed)."""
    spec = experiment_spec(key=experiment_key)
    if spec is None:
        return None
    variant_id = stored_variant_id(experiment_id=spec.id, user_id=user_id, anonymous_id="")
    return next((v.key for v in spec.variants if v.id == variant_id), None)


def assigned_variants(*, experiment_keys, user_id: int) -> dict[str, str | None]:
    """The variants a person was put in, without putting them anywhere: None for experiments
    they never entered or that are not running (as `services.variant_for` answers). One query
    (the definitions come from the cache)."""
    keys = sorted(set(experiment_keys))
    running = [k for k in keys if (spec := experiment_spec(key=k)) is not None and spec.running]
    if not running:
        return dict.fromkeys(keys)
    found = dict(
        Assignment.objects.filter(user_id=user_id, experiment__key__in=running).values_list(
            "experiment__key", "variant__key"
        )
    )
    return {key: found.get(key) for key in keys}


def control_key(*, experiment_key: str) -> str:
    """The control variant (the first by position); "" for an unknown experiment."""
    spec = experiment_spec(key=experiment_key)
    return spec.variants[0].key if spec is not None and spec.variants else ""


def variant_keys(*, experiment_key: str) -> list[str]:
    spec = experiment_spec(key=experiment_key)
    return [v.key for v in spec.variants] if spec is not None else []


def arm_error(*, experiment_key: str, variant: str) -> tuple[str, str] | None:
    """Why an item (a promotion, a challenge) cannot be gated on this experiment arm, as
    (field, message), or None when it can: the experiment exists, the variant is one of its
    own or empty (every variant but the control)."""
    if not experiment_key:
        return None
    keys = variant_keys(experiment_key=experiment_key)
    if not keys:
        return "experiment", gettext("No experiment has this key.")
    if variant and variant not in keys:
        return "variant", gettext("Not a variant of this experiment (it has: %(variants)s).") % {
            "variants": ", ".join(keys)
        }
    return None


def shown_arms(*, experiment_key: str, variant: str | None) -> frozenset[str]:
    """Which arms of something gated on an experiment (a promotion, a challenge) a subject in
    `variant` sees. An item's arm names the variant it is for; an empty arm means "every
    variant but the control". Subjects outside the experiment (`variant` None: not running,
    outside the rollout) get the control's experience, so they see what the control sees."""
    control = control_key(experiment_key=experiment_key)
    effective = variant or control
    if not effective:
        return frozenset()
    return frozenset({effective}) if effective == control else frozenset({effective, ""})


def assignments_of(*, user_id: int):
    return Assignment.objects.filter(user_id=user_id).select_related("experiment", "variant")


def conversions_of(*, user_id: int):
    return Conversion.objects.filter(user_id=user_id).select_related("experiment", "variant")


# --- Results ---------------------------------------------------------------------------------

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class VariantResult:
    key: str
    is_control: bool
    exposed: int  # subjects assigned (first exposure)
    exposure_events: int  # every exposure logged through the tracker
    conversions: int
    rate: float
    ci_low: float
    ci_high: float
    z: float | None  # against the control
    p_value: float | None


@dataclass(frozen=True)
class MetricResult:
    metric: str
    variants: list[VariantResult]
    chi2: float | None
    chi2_p_value: float | None

    @property
    def significant(self) -> bool:
        return self.chi2_p_value is not None and self.chi2_p_value < 0.05


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    if n == 0:
        return 0.0, 0.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def two_proportion_z(c1: int, n1: int, c2: int, n2: int) -> tuple[float, float] | None:
    """z and the two-sided p-value of "variant 2 converts at another rate than variant 1"."""
    from scipy.stats import norm

    if not n1 or not n2:
        return None
    pooled = (c1 + c2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return None
    z = (c2 / n2 - c1 / n1) / se
    return z, float(2 * norm.sf(abs(z)))


def chi_square(rows: list[tuple[int, int]]) -> tuple[float, float] | None:
    """Chi-square test of independence over (conversions, exposed) per variant."""
    from scipy.stats import chi2_contingency

    table = [[c, n - c] for c, n in rows if n]
    if len(table) < 2 or any(sum(col) == 0 for col in zip(*table, strict=True)):
        return None
    chi2, p, _dof, _expected = chi2_contingency(table, correction=False)
    return float(chi2), float(p)


def experiment_results(*, experiment: Experiment) -> list[MetricResult]:
    """Per metric: exposures, conversions, rate with a 95 % CI, z-test against the control and
    a chi-square test over all variants. A handful of aggregate queries, whatever the size."""
    variants = list(experiment.variants.all())
    exposed = dict(
        Assignment.objects.filter(experiment=experiment)
        .values_list("variant_id")
        .annotate(n=Count("id"))
    )
    events = dict(
        AnalyticsEvent.objects.filter(name=EXPOSURE_EVENT, properties__experiment=experiment.key)
        .values_list("properties__variant")
        .annotate(n=Count("id"))
    )
    conversions: dict[str, dict[int, int]] = {}
    for metric, variant_id, n in (
        Conversion.objects.filter(experiment=experiment)
        .values_list("metric", "variant_id")
        .annotate(n=Count("id"))
        .order_by("metric")
    ):
        conversions.setdefault(metric, {})[variant_id] = n
    results = []
    for metric, by_variant in conversions.items():
        control = variants[0] if variants else None
        rows = []
        for variant in variants:
            n = exposed.get(variant.pk, 0)
            c = by_variant.get(variant.pk, 0)
            low, high = wilson_interval(c, n)
            test = None
            if control is not None and variant.pk != control.pk:
                test = two_proportion_z(
                    by_variant.get(control.pk, 0), exposed.get(control.pk, 0), c, n
                )
            rows.append(
                VariantResult(
                    key=variant.key,
                    is_control=variant is control,
                    exposed=n,
                    exposure_events=events.get(variant.key, 0),
                    conversions=c,
                    rate=c / n if n else 0.0,
                    ci_low=low,
                    ci_high=high,
                    z=test[0] if test else None,
                    p_value=test[1] if test else None,
                )
            )
        chi = chi_square([(r.conversions, r.exposed) for r in rows])
        results.append(
            MetricResult(
                metric=metric,
                variants=rows,
                chi2=chi[0] if chi else None,
                chi2_p_value=chi[1] if chi else None,
            )
        )
    return results


def exposure_summary(*, experiment: Experiment) -> list[tuple[str, int, int]]:
    """(variant, subjects exposed, exposure events) — shown even before any conversion."""
    exposed = dict(
        Assignment.objects.filter(experiment=experiment)
        .values_list("variant_id")
        .annotate(n=Count("id"))
    )
    events = dict(
        AnalyticsEvent.objects.filter(name=EXPOSURE_EVENT, properties__experiment=experiment.key)
        .values_list("properties__variant")
        .annotate(n=Count("id"))
    )
    return [(v.key, exposed.get(v.pk, 0), events.get(v.key, 0)) for v in experiment.variants.all()]
