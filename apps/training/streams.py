"""Compact storage of an activity's streams: one zlib-compressed blob per activity, read in one
query. A 2-hour run at 1 Hz with position, altitude and heart rate (7,200 samples) takes about
a tenth of what JSON would.

Layout (version 1), before compression: b"STS1", a little-endian uint32 header length, the
header (JSON: {"n": samples, "streams": [[name, typecode, scale], ...]}), then each stream's
array of n values in that order. Integers are scaled fixed-point: a value v is stored as
round(v * scale); the sentinel MISSING stands for "no value". Positions use 1e-7 degrees
(about a centimetre), as FIT files do.
"""

from __future__ import annotations

import json
import struct
import sys
import zlib
from array import array

MAGIC = b"STS1"
MISSING = -(2**31)  # int32 minimum: no value at this sample

# name -> (array typecode, scale)
LAYOUT: dict[str, tuple[str, float]] = {
    "time": ("i", 10.0),  # 0.1 s
    "lat": ("i", 1e7),
    "lng": ("i", 1e7),
    "altitude": ("i", 10.0),  # 0.1 m
    "heart_rate": ("i", 1.0),
    "cadence": ("i", 1.0),
    "power": ("i", 1.0),
    "speed": ("i", 1000.0),  # mm/s
    "temperature": ("i", 10.0),
    "distance": ("i", 10.0),  # 0.1 m
}


class StreamFormatError(ValueError):
    pass


def pack(streams: dict[str, list[float | None]]) -> bytes:
    """Encode parallel streams (equal lengths, unknown names refused) into one blob."""
    if "time" not in streams:
        raise StreamFormatError("streams need a time stream")
    n = len(streams["time"])
    header_streams = []
    body = bytearray()
    for name, values in streams.items():
        if name not in LAYOUT:
            raise StreamFormatError(f"unknown stream {name!r}")
        if len(values) != n:
            raise StreamFormatError(f"stream {name!r} has {len(values)} values, time has {n}")
        typecode, scale = LAYOUT[name]
        encoded = array(typecode, (MISSING if v is None else round(v * scale) for v in values))
        if sys.byteorder != "little":
            encoded.byteswap()
        header_streams.append([name, typecode, scale])
        body += encoded.tobytes()
    header = json.dumps({"n": n, "streams": header_streams}).encode()
    return zlib.compress(MAGIC + struct.pack("<I", len(header)) + header + bytes(body), 6)


def unpack(blob: bytes, names: set[str] | None = None) -> dict[str, list[float | None]]:
    """Decode a blob; `names` limits which streams are turned back into lists."""
    raw = zlib.decompress(blob)
    if raw[:4] != MAGIC:
        raise StreamFormatError("not a stream blob")
    (header_length,) = struct.unpack("<I", raw[4:8])
    header = json.loads(raw[8 : 8 + header_length])
    n = header["n"]
    offset = 8 + header_length
    out: dict[str, list[float | None]] = {}
    for name, typecode, scale in header["streams"]:
        values = array(typecode)
        size = values.itemsize * n
        if names is None or name in names:
            values.frombytes(raw[offset : offset + size])
            if sys.byteorder != "little":
                values.byteswap()
            out[name] = [None if v == MISSING else v / scale for v in values]
        offset += size
    return out
