"""Samples collected by a parser turned into columnar streams, in one place for every format:
times made relative to the start, samples going back in time dropped, long recordings thinned
to what training accepts."""

from __future__ import annotations

import math
from datetime import datetime

from apps.devices.types import NormalizedStreams

MAX_SAMPLES = 200_000  # training.services.MAX_SAMPLES: more are thinned evenly
CHANNELS = (
    "lat",
    "lng",
    "altitude",
    "heart_rate",
    "cadence",
    "power",
    "speed",
    "temperature",
    "distance",
)


class Samples:
    def __init__(self) -> None:
        self.times: list[datetime] = []
        self.columns: dict[str, list[float | None]] = {name: [] for name in CHANNELS}

    def add(self, when: datetime, **values: float | None) -> None:
        if self.times and when < self.times[-1]:
            return  # a clock that jumped back: keep the track monotonic
        self.times.append(when)
        for name, column in self.columns.items():
            value = values.get(name)
            if value is not None:
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    value = None
                else:
                    value = value if math.isfinite(value) else None
            column.append(value)

    def __len__(self) -> int:
        return len(self.times)

    @property
    def start(self) -> datetime:
        return self.times[0]

    def streams(self) -> NormalizedStreams:
        step = max(1, math.ceil(len(self.times) / MAX_SAMPLES))
        start = self.times[0]
        time = [(t - start).total_seconds() for t in self.times[::step]]
        kept = {}
        for name, column in self.columns.items():
            values = column[::step]
            kept[name] = values if any(v is not None for v in values) else None
        if (kept["lat"] is None) != (kept["lng"] is None):
            kept["lat"] = kept["lng"] = None
        return NormalizedStreams(time=time, **kept)
