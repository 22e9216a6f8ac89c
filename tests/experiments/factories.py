"""Experiments test data: a running experiment, and steering newcomers into one variant."""

from __future__ import annotations

from apps.experiments import services
from apps.experiments.models import Experiment, Variant


def experiment(key: str = "exp", variants=(("control", 50), ("treatment", 50)), **fields):
    made = Experiment.objects.create(key=key, name=key, status="running", **fields)
    for position, (variant, weight) in enumerate(variants):
        Variant.objects.create(experiment=made, key=variant, weight=weight, position=position)
    services.definition_changed(key=key)
    return made


def steer(made: Experiment, variant: str) -> None:
    """Send every newcomer to `variant` (people already in keep theirs: assignment is sticky)."""
    Variant.objects.filter(experiment=made).update(weight=0)
    Variant.objects.filter(experiment=made, key=variant).update(weight=1)
    services.definition_changed(key=made.key)
