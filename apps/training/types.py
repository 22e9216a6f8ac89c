"""What an activity looks like on its way in, whatever its source (typed, file, provider).

Devices turn FIT/GPX/TCX files and provider payloads into a `NormalizedActivity`; the manual
entry form and API build one too; `training.services.record_activity` is the only consumer.
Streams are parallel lists, one value per sample, `None` where a sensor gave nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class NormalizedStreams:
    time: list[float]  # seconds since the activity's start, ascending
    lat: list[float | None] | None = None
    lng: list[float | None] | None = None
    altitude: list[float | None] | None = None  # metres
    heart_rate: list[float | None] | None = None  # beats per minute
    cadence: list[float | None] | None = None  # steps or revolutions per minute
    power: list[float | None] | None = None  # watts
    speed: list[float | None] | None = None  # metres per second, as the device measured it
    temperature: list[float | None] | None = None  # °C
    distance: list[float | None] | None = None  # metres, as the device measured it

    def __len__(self) -> int:
        return len(self.time)

    def present(self) -> dict[str, list]:
        """The streams that hold at least one value, by name."""
        out = {}
        for name in STREAM_NAMES:
            values = getattr(self, name)
            if values is not None and any(v is not None for v in values):
                out[name] = values
        return out


STREAM_NAMES = (
    "time",
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


@dataclass
class NormalizedLap:
    start_s: float  # offset from the activity's start
    elapsed_s: float
    distance_m: float | None = None


@dataclass
class NormalizedActivity:
    sport: str
    start_time: datetime  # time-zone aware
    source: str = "manual"  # manual, file, provider
    provider: str = ""  # garmin, polar, strava, ... ("" for manual and files)
    external_id: str = ""  # the source's id: makes a repeated import a no-op
    device_file: bool = False  # a file the device recorded (FIT/GPX/TCX), not a platform summary
    title: str = ""
    notes: str = ""
    timezone: str = ""  # IANA name where it started; the owner's time zone if empty
    device_name: str = ""
    visibility: str = ""  # empty: the owner's default
    # Figures the source states; computed from streams when streams are given.
    elapsed_s: float | None = None
    moving_s: float | None = None
    distance_m: float | None = None
    elevation_gain_m: float | None = None
    elevation_loss_m: float | None = None
    avg_heart_rate: float | None = None
    max_heart_rate: float | None = None
    avg_cadence: float | None = None
    avg_power: float | None = None
    calories: float | None = None
    perceived_effort: int | None = None  # 1 (very easy) .. 10 (maximal)
    streams: NormalizedStreams | None = None
    laps: list[NormalizedLap] = field(default_factory=list)
