"""A tiny FIT encoder for tests and benchmarks (fitdecode only reads).

Follows the FIT protocol: a 14-byte header with its CRC, definition messages (local type,
global message number, fields as number/size/base type), data messages, and the file CRC.
Only the fields the importer reads are written; values are raw (scaled) integers.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
SEMICIRCLES = 2**31 / 180

# base types: (id, struct code, size)
ENUM, SINT8, UINT8, SINT16, UINT16, SINT32, UINT32, UINT32Z = (
    (0x00, "B", 1),
    (0x01, "b", 1),
    (0x02, "B", 1),
    (0x83, "h", 2),
    (0x84, "H", 2),
    (0x85, "i", 4),
    (0x86, "I", 4),
    (0x8C, "I", 4),
)
INVALID = {
    0x00: 0xFF,
    0x01: 0x7F,
    0x02: 0xFF,
    0x83: 0x7FFF,
    0x84: 0xFFFF,
    0x85: 0x7FFFFFFF,
    0x86: 0xFFFFFFFF,
    0x8C: 0,
}

# global message number -> [(field number, base type)]
MESSAGES = {
    "file_id": (0, [(0, ENUM), (1, UINT16), (2, UINT16), (3, UINT32Z), (4, UINT32)]),
    "device_settings": (2, [(0, UINT8), (1, UINT32)]),
    "weight_scale": (30, [(253, UINT32), (0, UINT16)]),
    "workout": (26, [(4, ENUM), (6, UINT16)]),
    "session": (
        18,
        [(253, UINT32), (2, UINT32), (5, ENUM), (6, ENUM), (7, UINT32), (8, UINT32), (9, UINT32)],
    ),
    "lap": (19, [(253, UINT32), (2, UINT32), (7, UINT32), (9, UINT32)]),
    "record": (
        20,
        [
            (253, UINT32),
            (0, SINT32),
            (1, SINT32),
            (2, UINT16),
            (3, UINT8),
            (4, UINT8),
            (5, UINT32),
            (6, UINT16),
            (7, UINT16),
            (13, SINT8),
        ],
    ),
}
FIELD_NAMES = {
    "file_id": ["type", "manufacturer", "product", "serial_number", "time_created"],
    "device_settings": ["active_time_zone", "utc_offset"],
    "weight_scale": ["timestamp", "weight"],
    "workout": ["sport", "num_valid_steps"],
    "session": [
        "timestamp",
        "start_time",
        "sport",
        "sub_sport",
        "total_elapsed_time",
        "total_timer_time",
        "total_distance",
    ],
    "lap": ["timestamp", "start_time", "total_elapsed_time", "total_distance"],
    "record": [
        "timestamp",
        "position_lat",
        "position_long",
        "altitude",
        "heart_rate",
        "cadence",
        "distance",
        "speed",
        "power",
        "temperature",
    ],
}
FILE_TYPES = {"settings": 2, "activity": 4, "workout": 5, "weight": 9}
SPORTS = {
    "generic": 0,
    "running": 1,
    "cycling": 2,
    "swimming": 5,
    "training": 10,
    "walking": 11,
    "hiking": 17,
}
SUB_SPORTS = {"generic": 0, "trail": 3, "strength_training": 20, "yoga": 43}

_CRC_TABLE = (
    0x0000,
    0xCC01,
    0xD801,
    0x1400,
    0xF001,
    0x3C00,
    0x2800,
    0xE401,
    0xA001,
    0x6C00,
    0x7800,
    0xB401,
    0x5000,
    0x9C01,
    0x8801,
    0x4400,
)


def crc16(data: bytes, crc: int = 0) -> int:
    for byte in data:
        for nibble in (byte & 0xF, byte >> 4):
            tmp = _CRC_TABLE[crc & 0xF]
            crc = (crc >> 4) & 0x0FFF
            crc = crc ^ tmp ^ _CRC_TABLE[nibble]
    return crc


def fit_time(dt: datetime) -> int:
    return int((dt - FIT_EPOCH).total_seconds())


def semicircles(degrees: float) -> int:
    return round(degrees * SEMICIRCLES)


class FitWriter:
    def __init__(self) -> None:
        self.body = bytearray()
        self.local = {}

    def message(self, name: str, **values) -> FitWriter:
        global_num, fields = MESSAGES[name]
        if name not in self.local:
            local = len(self.local)
            self.local[name] = local
            self.body += struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
            for number, (base, _code, size) in fields:
                self.body += struct.pack("<BBB", number, size, base)
        self.body += struct.pack("<B", self.local[name])
        for (_number, (base, code, _size)), fname in zip(fields, FIELD_NAMES[name], strict=True):
            value = values.get(fname)
            self.body += struct.pack("<" + code, INVALID[base] if value is None else value)
        return self

    def bytes(self) -> bytes:
        header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(self.body), b".FIT")
        header += struct.pack("<H", crc16(header))
        data = header + bytes(self.body)
        return data + struct.pack("<H", crc16(data))


def activity_fit(
    *,
    start: datetime,
    lat: list[float],
    lng: list[float],
    heart_rate: float | None = 150,
    cadence: int | None = 85,
    altitude: list[float] | None = None,
    sport: str = "running",
    sub_sport: str = "generic",
    serial: int = 3_900_000_001,
) -> bytes:
    """An activity file: one record a second at the given positions, a lap and a session."""
    w = FitWriter()
    t0 = fit_time(start)
    w.message(
        "file_id",
        type=FILE_TYPES["activity"],
        manufacturer=1,
        product=3113,
        serial_number=serial,
        time_created=t0,
    )
    for i, (la, ln) in enumerate(zip(lat, lng, strict=True)):
        alt = None if altitude is None else round((altitude[i] + 500) * 5)
        w.message(
            "record",
            timestamp=t0 + i,
            position_lat=semicircles(la),
            position_long=semicircles(ln),
            altitude=alt,
            heart_rate=None if heart_rate is None else round(heart_rate),
            cadence=cadence,
        )
    n = len(lat)
    w.message("lap", timestamp=t0 + n - 1, start_time=t0, total_elapsed_time=(n - 1) * 1000)
    w.message(
        "session",
        timestamp=t0 + n - 1,
        start_time=t0,
        sport=SPORTS[sport],
        sub_sport=SUB_SPORTS[sub_sport],
        total_elapsed_time=(n - 1) * 1000,
        total_timer_time=(n - 1) * 1000,
    )
    return w.bytes()


def _file_with_id(kind: str, *, serial_number: int) -> FitWriter:
    """A writer that has written the file_id of a `kind` file (no workout in it)."""
    w = FitWriter()
    w.message(
        "file_id",
        type=FILE_TYPES[kind],
        manufacturer=1,
        product=3113,
        serial_number=serial_number,
        time_created=1_000_000_000,
    )
    return w


def settings_fit() -> bytes:
    w = _file_with_id("settings", serial_number=3_900_000_002)
    w.message("device_settings", active_time_zone=1, utc_offset=0)
    return w.bytes()


def weight_fit() -> bytes:
    w = _file_with_id("weight", serial_number=3_900_000_003)
    w.message("weight_scale", timestamp=1_000_000_000, weight=7250)
    return w.bytes()


def workout_fit() -> bytes:
    w = _file_with_id("workout", serial_number=3_900_000_004)
    w.message("workout", sport=1, num_valid_steps=3)
    return w.bytes()
