"""Workout files for tests: the same hand-computable run (tests/training/tracks.py) as FIT,
GPX and TCX, and hostile ones."""

from __future__ import annotations

import gzip
import io
import zipfile
from datetime import timedelta

from tests.devices.fitfile import activity_fit
from tests.training.tracks import START, meridian_run

SECONDS = 600  # 10 minutes at 3 m/s: 1800 m
SPEED = 3.0


def run_streams(seconds: int = SECONDS):
    return meridian_run(speed=SPEED, seconds=seconds, heart_rate=150.0)


def fit_run(seconds: int = SECONDS, **options) -> bytes:
    s = run_streams(seconds)
    return activity_fit(start=START, lat=s.lat, lng=s.lng, **options)


def _times(seconds: int):
    return [START + timedelta(seconds=i) for i in range(seconds + 1)]


def gpx_run(seconds: int = SECONDS, *, version: str = "1.1", type_: str = "running") -> bytes:
    s = run_streams(seconds)
    points = []
    for when, lat, lng in zip(_times(seconds), s.lat, s.lng, strict=True):
        points.append(
            f'<trkpt lat="{lat:.9f}" lon="{lng:.9f}"><ele>500.0</ele>'
            f"<time>{when.strftime('%Y-%m-%dT%H:%M:%SZ')}</time>"
            "<extensions><gpxtpx:TrackPointExtension><gpxtpx:atemp>12</gpxtpx:atemp>"
            "<gpxtpx:hr>150</gpxtpx:hr><gpxtpx:cad>85</gpxtpx:cad>"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    ns = (
        "http://www.topografix.com/GPX/1/1"
        if version == "1.1"
        else "http://www.topografix.com/GPX/1/0"
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="{version}" creator="Garmin Connect"'
        f' xmlns="{ns}"'
        ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><name>Morning run</name><type>{type_}</type><trkseg>"
        + "".join(points)
        + "</trkseg></trk></gpx>"
    ).encode()


def tcx_run(seconds: int = SECONDS, *, naive: bool = False, offset: str = "") -> bytes:
    s = run_streams(seconds)
    points = []
    for when, lat, lng in zip(_times(seconds), s.lat, s.lng, strict=True):
        if offset:  # the same instant written in local time with its offset (+02:00)
            local = when + timedelta(hours=int(offset[1:3])) * (1 if offset[0] == "+" else -1)
            stamp = local.strftime("%Y-%m-%dT%H:%M:%S") + offset
        else:
            stamp = when.strftime("%Y-%m-%dT%H:%M:%S") + ("" if naive else "Z")
        points.append(
            f"<Trackpoint><Time>{stamp}</Time><Position><LatitudeDegrees>{lat:.9f}"
            f"</LatitudeDegrees><LongitudeDegrees>{lng:.9f}</LongitudeDegrees></Position>"
            "<AltitudeMeters>500</AltitudeMeters><HeartRateBpm><Value>150</Value></HeartRateBpm>"
            "<Extensions><ns3:TPX><ns3:RunCadence>85</ns3:RunCadence></ns3:TPX></Extensions>"
            "</Trackpoint>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
        ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
        '<Activities><Activity Sport="Running"><Id>2026-06-01T06:30:00Z</Id>'
        f'<Lap StartTime="2026-06-01T06:30:00Z"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>'
        "<Track>" + "".join(points) + "</Track></Lap>"
        "<Creator><Name>Forerunner 945</Name></Creator></Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&lol3;</name>
</trk></gpx>"""


def gz(data: bytes) -> bytes:
    return gzip.compress(data)


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()
