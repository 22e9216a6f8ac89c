"""Domain events training subscribes to (core imports this module of every app at start)."""

from apps.training.plans import events as plan_events  # noqa: F401
