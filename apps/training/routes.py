"""Routes: saved from one of the owner's activities or from an uploaded GPX file, browsed by
owner or near a place, downloaded as GPX. Shown to others with the owner's privacy zones cut
out, like activities."""

from __future__ import annotations

import math

import gpxpy
import gpxpy.gpx
import polyline
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from apps.accounts import selectors as accounts_selectors
from apps.accounts.models import Visibility
from apps.core.geo import EARTH_RADIUS_M, haversine_m
from apps.training import metrics, streams
from apps.training.exceptions import ActivityInvalid
from apps.training.models import Activity, ActivityStreams, Route, Sport

MAX_TAGS = 10
GPX_MAX_BYTES = 10 * 1024 * 1024


class RouteInvalid(ActivityInvalid):
    default_message = _("The route could not be saved.")


def _clean_tags(tags) -> list[str]:
    if not isinstance(tags, list | tuple):
        raise RouteInvalid(fields={"tags": [_("Give the tags as a list of words.")]})
    cleaned = sorted({str(t).strip().lower()[:30] for t in tags if str(t).strip()})
    if len(cleaned) > MAX_TAGS:
        raise RouteInvalid(fields={"tags": [_("At most %(n)d tags.") % {"n": MAX_TAGS}]})
    return cleaned


def _create(
    *, owner, name: str, points: list[tuple[float, float, float | None]], **fields
) -> Route:
    if len(points) < 2:
        raise RouteInvalid(
            fields={"path": [_("A route needs at least two points with a position.")]}
        )
    lats, lngs = [p[0] for p in points], [p[1] for p in points]
    distance = sum(
        haversine_m(points[i - 1][0], points[i - 1][1], points[i][0], points[i][1])
        for i in range(1, len(points))
    )
    altitudes = [p[2] for p in points]
    gain = (
        metrics.elevation_gain_loss(altitudes)[0] if any(a is not None for a in altitudes) else None
    )
    picked = metrics.downsample(len(points), Route.MAX_POINTS)
    name = (name or "").strip()[:120]
    if not name:
        raise RouteInvalid(fields={"name": [_("Give the route a name.")]})
    sport = fields.get("sport", "run")
    if sport not in Sport.values:
        raise RouteInvalid(fields={"sport": [_("Choose a sport from the list.")]})
    visibility = fields.get("visibility", Visibility.ONLY_ME)
    if visibility not in Visibility.values:
        raise RouteInvalid(fields={"visibility": [_("Choose who may see the route.")]})
    return Route.objects.create(
        owner=owner,
        name=name,
        tags=_clean_tags(fields.get("tags", [])),
        sport=sport,
        visibility=visibility,
        distance_m=round(distance, 1),
        elevation_gain_m=None if gain is None else round(gain, 1),
        path=polyline.encode([(points[i][0], points[i][1]) for i in picked], 6),
        elevations=[None if points[i][2] is None else round(points[i][2], 1) for i in picked],
        center_lat=(min(lats) + max(lats)) / 2,
        center_lng=(min(lngs) + max(lngs)) / 2,
        source_activity=fields.get("source_activity"),
    )


@transaction.atomic
def route_from_activity(*, owner, activity: Activity, name: str = "", **fields) -> Route:
    if activity.owner_id != owner.pk:
        raise RouteInvalid(fields={"activity": [_("You can save routes of your own activities.")]})
    row = ActivityStreams.objects.filter(activity=activity).first()
    data = streams.unpack(bytes(row.data), {"lat", "lng", "altitude"}) if row else {}
    if not data.get("lat"):
        raise RouteInvalid(fields={"activity": [_("This activity has no GPS track.")]})
    altitude = data.get("altitude") or [None] * len(data["lat"])
    points = [
        (la, ln, al)
        for la, ln, al in zip(data["lat"], data["lng"], altitude, strict=False)
        if la is not None and ln is not None
    ]
    return _create(
        owner=owner,
        name=name or str(activity),
        points=points,
        sport=fields.pop("sport", activity.sport),
        source_activity=activity,
        **fields,
    )


@transaction.atomic
def route_from_gpx(*, owner, upload, name: str = "", **fields) -> Route:
    if upload.size > GPX_MAX_BYTES:
        raise RouteInvalid(fields={"gpx": [_("The GPX file is too large (at most 10 MB).")]})
    not_gpx = RouteInvalid(fields={"gpx": [_("This is not a GPX file we can read.")]})
    raw = upload.read()
    if b"<gpx" not in raw[:4096].lower():  # gpxpy accepts any text and finds nothing in it
        raise not_gpx
    try:
        gpx = gpxpy.parse(raw.decode("utf-8-sig"))
    except (gpxpy.gpx.GPXException, UnicodeDecodeError, ValueError) as exc:
        raise not_gpx from exc
    points = [
        (p.latitude, p.longitude, p.elevation)
        for track in gpx.tracks
        for segment in track.segments
        for p in segment.points
    ] or [(p.latitude, p.longitude, p.elevation) for route in gpx.routes for p in route.points]
    if any(not (-90 <= la <= 90 and -180 <= ln <= 180) for la, ln, _ in points):
        raise RouteInvalid(fields={"gpx": [_("The file holds positions outside the Earth.")]})
    track_name = next((t.name for t in gpx.tracks if t.name), "") or gpx.name or ""
    return _create(owner=owner, name=name or track_name or _("My route"), points=points, **fields)


@transaction.atomic
def route_update(*, route: Route, **changes) -> Route:
    if "name" in changes:
        name = (changes["name"] or "").strip()[:120]
        if not name:
            raise RouteInvalid(fields={"name": [_("Give the route a name.")]})
        route.name = name
    if "tags" in changes:
        route.tags = _clean_tags(changes["tags"])
    if "visibility" in changes:
        if changes["visibility"] not in Visibility.values:
            raise RouteInvalid(fields={"visibility": [_("Choose who may see the route.")]})
        route.visibility = changes["visibility"]
    route.save()
    return route


def route_delete(*, route: Route) -> None:
    route.delete()


# --- reads --------------------------------------------------------------------------------


def routes_of(*, owner) -> QuerySet[Route]:
    return Route.objects.filter(owner=owner).order_by("-created", "-id")


def route_get(*, viewer, route_id: int) -> Route | None:
    route = Route.objects.filter(pk=route_id).first()
    if route is None:
        return None
    if viewer is not None and viewer.is_authenticated and route.owner_id == viewer.pk:
        return route
    return route if route.visibility == Visibility.PUBLIC else None


def routes_near(*, lat: float, lng: float, radius_km: float) -> QuerySet[Route]:
    """Public routes whose middle lies within `radius_km`: a bounding box on the indexed
    centre, then the exact distance."""
    dlat = math.degrees(radius_km * 1000 / EARTH_RADIUS_M)
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    box = Route.objects.filter(
        visibility=Visibility.PUBLIC,
        center_lat__range=(lat - dlat, lat + dlat),
        center_lng__range=(lng - dlng, lng + dlng),
    )
    ids = [
        r.pk
        for r in box.only("pk", "center_lat", "center_lng")[:5000]
        if haversine_m(lat, lng, r.center_lat, r.center_lng) <= radius_km * 1000
    ]
    return Route.objects.filter(Q(pk__in=ids)).order_by("-created", "-id")


def route_points(*, route: Route, viewer) -> list[list[tuple[float, float, float | None]]]:
    """The path a viewer may see, as runs of (lat, lng, elevation) broken at privacy zones."""
    points = polyline.decode(route.path, 6)
    elevations = route.elevations or [None] * len(points)
    if viewer is not None and viewer.is_authenticated and viewer.pk == route.owner_id:
        return [[(la, ln, el) for (la, ln), el in zip(points, elevations, strict=False)]]
    hidden = accounts_selectors.track_privacy_filter(
        user_id=route.owner_id, activity_id=f"route-{route.pk}"
    )
    runs: list[list] = [[]]
    for (la, ln), el in zip(points, elevations, strict=False):
        if hidden is not None and hidden(la, ln):
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((la, ln, el))
    return [run for run in runs if run]


def route_gpx(*, route: Route, viewer) -> str:
    gpx = gpxpy.gpx.GPX()
    gpx.creator = settings.SITE_NAME
    track = gpxpy.gpx.GPXTrack(name=route.name)
    gpx.tracks.append(track)
    for run in route_points(route=route, viewer=viewer):
        segment = gpxpy.gpx.GPXTrackSegment()
        segment.points = [gpxpy.gpx.GPXTrackPoint(la, ln, elevation=el) for la, ln, el in run]
        track.segments.append(segment)
    return gpx.to_xml(version="1.1")
