"""A small GPX file for route tests: a straight 2 km line north from a point."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.training.tracks import METRES_PER_DEGREE


def gpx_line(
    lat0: float = 48.0, lng: float = 11.5, metres: int = 2000, name: str = "Riverside"
) -> bytes:
    points = "".join(
        f'<trkpt lat="{lat0 + d / METRES_PER_DEGREE:.7f}" lon="{lng}">'
        f"<ele>{500 + d / 100}</ele></trkpt>"
        for d in range(0, metres + 1, 10)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>{name}</name><trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def gpx_upload(content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile("route.gpx", content or gpx_line(), "application/gpx+xml")
