"""The normalized form every file, provider and mobile upload is turned into.

It is training's own type (`training.services.record_activity` consumes it): devices re-export
it so that parsers and adapters depend on one name, `apps.devices.types`.
"""

from apps.training.types import STREAM_NAMES, NormalizedActivity, NormalizedLap, NormalizedStreams

__all__ = ["STREAM_NAMES", "NormalizedActivity", "NormalizedLap", "NormalizedStreams"]
