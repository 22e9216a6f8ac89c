"""Provider adapters by name. Add one: subclass `base.Provider`, list it in `_ADAPTERS`
(docs/integrations.md walks through it with the sandbox adapter as the template)."""

from __future__ import annotations

from functools import cache

from apps.devices.providers.base import Provider
from apps.devices.providers.fitbit import FitbitProvider
from apps.devices.providers.garmin import GarminProvider
from apps.devices.providers.google_health import GoogleHealthProvider
from apps.devices.providers.polar import PolarProvider
from apps.devices.providers.sandbox import SandboxProvider
from apps.devices.providers.strava import StravaProvider
from apps.devices.providers.suunto import SuuntoProvider

_ADAPTERS: dict[str, type[Provider]] = {
    SandboxProvider.name: SandboxProvider,
    StravaProvider.name: StravaProvider,
    PolarProvider.name: PolarProvider,
    GarminProvider.name: GarminProvider,
    SuuntoProvider.name: SuuntoProvider,
    FitbitProvider.name: FitbitProvider,
    GoogleHealthProvider.name: GoogleHealthProvider,
}


@cache
def get(name: str) -> Provider | None:
    """The adapter for `name`, or None for a name Stride does not know."""
    adapter = _ADAPTERS.get(name)
    return adapter() if adapter else None


def names() -> list[str]:
    return list(_ADAPTERS)


def enabled() -> list[Provider]:
    """The adapters that are configured here (keys set, or the sandbox switched on)."""
    return [p for p in (get(n) for n in _ADAPTERS) if p is not None and p.enabled()]
