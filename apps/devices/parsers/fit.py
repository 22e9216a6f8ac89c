"""FIT files (Garmin, Wahoo, Coros, Suunto, ...) through fitdecode."""

from __future__ import annotations

import io
import warnings

import fitdecode
from django.utils.translation import gettext as _

from apps.devices.exceptions import UnreadableFile, no_activity
from apps.devices.parsers import sports
from apps.devices.parsers.samples import Samples
from apps.devices.types import NormalizedActivity, NormalizedLap

SEMICIRCLE_DEGREES = 180 / 2**31
# file_id.type values that never hold a recorded workout
NOT_ACTIVITY = {
    "settings": "settings",
    "device": "settings",
    "sport": "settings",
    "weight": "weight",
    "blood_pressure": "weight",
    "workout": "workout",
    "schedules": "workout",
    "course": "course",
    "segment": "course",
    "monitoring_a": "monitoring",
    "monitoring_b": "monitoring",
    "monitoring_daily": "monitoring",
    "totals": "monitoring",
    "goals": "monitoring",
    "activity_summary": "monitoring",
}


def _value(frame, *names):
    for name in names:
        if frame.has_field(name):
            value = frame.get_value(name)
            if value is not None:
                return value
    return None


def _degrees(value) -> float | None:
    if not isinstance(value, int):
        return None
    degrees = value * SEMICIRCLE_DEGREES
    return degrees if -180 <= degrees <= 180 else None


def _number(value) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def parse(data: bytes) -> NormalizedActivity:
    samples = Samples()
    file_id: dict = {}
    session: dict = {}
    laps: list[tuple] = []
    device = ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # bad CRCs and odd fields are tolerated, not logged
            with fitdecode.FitReader(
                io.BytesIO(data),
                check_crc=fitdecode.CrcCheck.WARN,
                error_handling=fitdecode.ErrorHandling.WARN,
            ) as reader:
                for frame in reader:
                    if not isinstance(frame, fitdecode.FitDataMessage):
                        continue
                    if frame.name == "record":
                        # one pass over the fields: has_field/get_value per name cost 1.6x
                        v = {f.name: f.value for f in frame.fields if f.value is not None}
                        when = v.get("timestamp")
                        if when is None or not hasattr(when, "tzinfo"):
                            continue
                        lat = _degrees(v.get("position_lat"))
                        lng = _degrees(v.get("position_long"))
                        samples.add(
                            when,
                            lat=lat if lng is not None else None,
                            lng=lng if lat is not None else None,
                            altitude=_number(v.get("enhanced_altitude", v.get("altitude"))),
                            heart_rate=_number(v.get("heart_rate")),
                            cadence=_number(v.get("cadence")),
                            power=_number(v.get("power")),
                            speed=_number(v.get("enhanced_speed", v.get("speed"))),
                            temperature=_number(v.get("temperature")),
                            distance=_number(v.get("distance")),
                        )
                    elif frame.name == "file_id" and not file_id:
                        file_id = {f.name: f.value for f in frame.fields}
                    elif frame.name == "session" and not session:
                        session = {f.name: f.value for f in frame.fields}
                    elif frame.name == "lap":
                        laps.append(
                            (
                                _value(frame, "start_time"),
                                _number(_value(frame, "total_elapsed_time")),
                                _number(_value(frame, "total_distance")),
                            )
                        )
                    elif frame.name == "device_info" and not device:
                        product = _value(frame, "product_name", "garmin_product", "product")
                        maker = _value(frame, "manufacturer")
                        device = " ".join(str(p) for p in (maker, product) if p is not None)
    except Exception:  # fitdecode raises many kinds (struct, index, its own) on broken files
        raise UnreadableFile(
            _("The FIT file is damaged or incomplete (it may have been cut off while copying).")
        ) from None
    kind = NOT_ACTIVITY.get(str(file_id.get("type", "")))
    if kind:
        raise no_activity(kind)
    if not samples:
        raise no_activity("empty")
    start = samples.start  # stream times count from the first sample
    if not device:
        maker, product = file_id.get("manufacturer"), file_id.get("garmin_product")
        product = product if product is not None else file_id.get("product")
        device = " ".join(str(p) for p in (maker, product) if p is not None)
    serial, created = file_id.get("serial_number"), file_id.get("time_created")
    external_id = ""
    if serial and hasattr(created, "timestamp"):
        external_id = f"fit:{serial}:{int(created.timestamp())}"
    normalized_laps = []
    for lap_start, elapsed, distance in laps:
        if hasattr(lap_start, "tzinfo") and elapsed is not None:
            normalized_laps.append(
                NormalizedLap((lap_start - start).total_seconds(), elapsed, distance)
            )
    return NormalizedActivity(
        sport=sports.from_fit(session.get("sport"), session.get("sub_sport")),
        start_time=start,
        source="file",
        external_id=external_id,
        device_name=device[:100],
        calories=_number(session.get("total_calories")),
        streams=samples.streams(),
        laps=normalized_laps if len(normalized_laps) > 1 else [],
    )
