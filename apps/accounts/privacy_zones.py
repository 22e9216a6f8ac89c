"""Privacy zones: hide the parts of a GPS track that lie near an athlete's private places.

An athlete defines zones (a centre, usually home or work, and a radius). Wherever a track is
shown to other people, every point near a zone is removed before it leaves the server.

The attacks: a track cut where it crosses a circle puts its first and last visible points on
that circle, and the circle's centre lies on the perpendicular bisector of any two of them.

1. If every activity is cut by one fixed circle around home, fitting one circle through the
   cut points of many activities gives back its centre: the home the zone was meant to hide.
   Published attacks on fitness platforms recovered home addresses this way.
2. Varying the radius per activity (below) defeats that fit but not this one: the first and
   last visible points of an activity that starts and ends at home are equidistant from the
   circle's centre, so each such activity gives one bisector through it, and two bisectors
   cross there. A mid-run pass through the zone puts more points on the same circle, so even
   one activity can give the centre away.

The defence, in two parts, both keyed by a server secret so that outsiders cannot compute them:

- A per-zone offset. The hidden circle is not centred on the zone's centre but on a shifted
  centre: the destination, on the sphere, of a distance d and a bearing derived from
  HMAC-SHA256(secret, "zone-offset:" + zone key). d lies in [min_offset, max_offset], spread
  so that every spot of that ring around the shifted centre is equally likely to be home. The
  offset is fixed per zone, not per activity: every activity is cut around the same shifted
  centre, so bisectors and circle fits over any number of activities converge on the shifted
  centre, at least min_offset from home in a direction nobody outside knows. Averaging cannot
  remove an offset that never changes. (A per-activity offset would average out to home.)
- A per-activity margin from HMAC-SHA256(secret, activity id) in [min_margin, max_margin), so
  the cut points of different activities lie on circles of different, unknown radii.

The hidden radius of an activity is zone radius + d + margin around the shifted centre. The real
zone is d from the shifted centre, so by the triangle inequality the whole zone disc, and the
margin around it, lie inside the hidden disc. The guarantee: no point returned by `trim_track`
lies within the zone radius plus the activity's margin of the real zone centre, or within the
hidden radius of the shifted centre, at the start, at the end or mid-run. Everything is
deterministic, so an activity always shows the same cut and repeated views reveal nothing new.
The price is a larger hidden area: on the side of the shifted centre away from home up to
radius + 2 * max_offset + max_margin of track disappears.

Limits, known and not solved here:

- The shifted centre is not secret. Anyone who collects a few cut activities of one person
  learns it, that is a point within [min_offset, max_offset] of home in an unknown direction.
  The privacy promise is only this: home is somewhere within max_offset of a point the attacker
  can learn, and the whole zone within radius + max_offset of it. Choose max_offset for the
  area a person must be hidden in (a ring of 150 m to 400 m covers a few city blocks, but in
  the countryside it may hold one house), and min_offset so the learned point is not "home".
- The smallest hidden radius over many activities tends to radius + d + min_margin. Someone
  who also knows the zone radius (a common default, say) learns d, and then home is on a circle
  of radius d around the learnable point: the bearing is all that stays hidden. Maps narrow
  that circle down to the buildings on it.
- Each new zone key gives a new, independent shifted centre. Shifted centres are spread evenly
  around home, so their average converges on home: keep a zone's key stable when it is edited,
  do not rotate the secret, and know that a zone deleted and re-created at the same place (or
  several overlapping zones around one place) hands out one more shifted centre each time.
- Only the positions of points are handled. The direction of the visible track where it leaves
  the hidden disc points back along the road it came on (straight roads converge on home), and
  the extra items that pass through (timestamps, distances) together with the activity's
  start time, pace or total distance tell how far from the first visible point the activity
  began. Those must be hidden or coarsened wherever tracks are shown.
- Drawing the visible points as one polyline draws a straight line across each gap, right
  through the hidden disc; renderers should break the line there.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from apps.core.geo import EARTH_RADIUS_M, haversine_m

MIN_ZONE_RADIUS_M = 50.0
MAX_ZONE_RADIUS_M = 5_000.0
DEFAULT_MIN_MARGIN_M = 100.0
DEFAULT_MAX_MARGIN_M = 400.0
DEFAULT_MIN_OFFSET_M = 150.0
DEFAULT_MAX_OFFSET_M = 400.0
MIN_SECRET_BYTES = 16  # a guessable secret would let anyone recompute every margin and offset
ZONE_OFFSET_PREFIX = "zone-offset:"  # keeps zone offsets apart from activity margins

P = TypeVar("P", bound=Sequence[Any])


@dataclass(frozen=True)
class Zone:
    """A private place: a centre in degrees, a radius in metres and a stable identity.

    `key` names the zone for as long as it exists (its database id, say) and fixes its offset;
    int 42 and str "42" are the same key. Keep it when the zone is edited: a new key means a new
    offset, and every offset an attacker learns for the same place brings home closer.
    """

    lat: float
    lon: float
    radius_m: float
    key: int | str = field(kw_only=True)

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0:
            raise ValueError(f"Zone latitude must be between -90 and 90, got {self.lat!r}.")
        if not -180.0 <= self.lon <= 180.0:
            raise ValueError(f"Zone longitude must be between -180 and 180, got {self.lon!r}.")
        if not MIN_ZONE_RADIUS_M <= self.radius_m <= MAX_ZONE_RADIUS_M:
            raise ValueError(
                f"Zone radius must be between {MIN_ZONE_RADIUS_M:g} and {MAX_ZONE_RADIUS_M:g} "
                f"metres, got {self.radius_m!r}."
            )
        _check_key(self.key)


@dataclass(frozen=True)
class HiddenDisc:
    """Where nothing of one activity is shown near one zone: a centre in degrees and a radius."""

    lat: float
    lon: float
    radius_m: float

    def covers(self, lat: float, lon: float) -> bool:
        return haversine_m(self.lat, self.lon, lat, lon) <= self.radius_m


def _check_key(key: object) -> None:
    # bool is an int, but True as a zone key is a bug, not an identity.
    if isinstance(key, bool) or not isinstance(key, int | str) or key == "":
        raise ValueError(f"Zone key must be a non-empty str or an int, got {key!r}.")


def _check_bounds(low: float, high: float, *, name: str, allow_equal: bool) -> None:
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"{name.capitalize()}s must be finite numbers of metres.")
    if not (0.0 <= low < high or (allow_equal and 0.0 <= low == high)):
        relation = "<=" if allow_equal else "<"
        raise ValueError(
            f"{name.capitalize()}s need 0 <= min_{name} {relation} max_{name}, "
            f"got {low!r} and {high!r}."
        )


def _keyed_fractions(secret: bytes, message: str) -> tuple[float, float, float, float]:
    """Four independent numbers in [0, 1) from HMAC-SHA256(secret, message), each exact."""
    if not isinstance(secret, bytes | bytearray) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"The privacy-zone secret must be at least {MIN_SECRET_BYTES} bytes.")
    digest = hmac.new(bytes(secret), message.encode(), hashlib.sha256).digest()
    a, b, c, d = ((int.from_bytes(digest[i : i + 8], "big") >> 11) / 2**53 for i in range(0, 32, 8))
    return a, b, c, d


def destination_point(
    lat: float, lon: float, bearing_deg: float, distance_m: float
) -> tuple[float, float]:
    """The point distance_m along the great circle leaving (lat, lon) at a bearing, in degrees.

    Bearings are clockwise from north. The longitude is wrapped into [-180, 180].
    """
    phi1, lambda1 = math.radians(lat), math.radians(lon)
    theta = math.radians(bearing_deg)
    delta = distance_m / EARTH_RADIUS_M  # angular distance
    sin_phi2 = math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    phi2 = math.asin(min(1.0, max(-1.0, sin_phi2)))
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), (math.degrees(lambda2) + 540.0) % 360.0 - 180.0


def activity_margin_m(
    secret: bytes,
    activity_id: int | str,
    *,
    min_margin: float = DEFAULT_MIN_MARGIN_M,
    max_margin: float = DEFAULT_MAX_MARGIN_M,
) -> float:
    """Extra hidden metres for one activity, in [min_margin, max_margin), keyed by the secret."""
    fraction = _keyed_fractions(secret, str(activity_id))[0]
    _check_bounds(min_margin, max_margin, name="margin", allow_equal=False)
    # int 42 and str "42" name the same activity and get the same margin.
    margin = min_margin + fraction * (max_margin - min_margin)
    return min(margin, math.nextafter(max_margin, min_margin))  # rounding never reaches max


def zone_offset(
    secret: bytes,
    key: int | str,
    *,
    min_offset: float = DEFAULT_MIN_OFFSET_M,
    max_offset: float = DEFAULT_MAX_OFFSET_M,
) -> tuple[float, float]:
    """How far (metres, in [min_offset, max_offset]) and at which bearing (degrees, in [0, 360))
    a zone's hidden circle is moved from its centre; fixed per (secret, key)."""
    _check_key(key)
    distance_fraction, bearing_fraction, _, _ = _keyed_fractions(
        secret, ZONE_OFFSET_PREFIX + str(key)
    )
    _check_bounds(min_offset, max_offset, name="offset", allow_equal=True)
    # Uniform over the ring's area, not its width: seen from the shifted centre, every spot of
    # the ring is equally likely to be home, and no distance is favoured.
    distance = math.sqrt(min_offset**2 + distance_fraction * (max_offset**2 - min_offset**2))
    return min(max(distance, min_offset), max_offset), bearing_fraction * 360.0


def shifted_centre(
    zone: Zone,
    secret: bytes,
    *,
    min_offset: float = DEFAULT_MIN_OFFSET_M,
    max_offset: float = DEFAULT_MAX_OFFSET_M,
) -> tuple[float, float]:
    """The centre, in degrees, of every hidden disc cut around this zone."""
    distance, bearing = zone_offset(secret, zone.key, min_offset=min_offset, max_offset=max_offset)
    return destination_point(zone.lat, zone.lon, bearing, distance)


def hidden_radius_m(zone: Zone, offset_m: float, margin: float) -> float:
    """Distance from the shifted centre within which nothing is shown.

    The zone centre is offset_m from the shifted centre, so this disc holds the whole zone and
    the margin around it.
    """
    for name, value in (("Offset", offset_m), ("Margin", margin)):
        if not (math.isfinite(value) and value >= 0.0):
            raise ValueError(
                f"{name} must be a finite, non-negative number of metres, got {value!r}."
            )
    return zone.radius_m + offset_m + margin


def hidden_discs(
    zones: Sequence[Zone],
    *,
    secret: bytes,
    activity_id: int | str,
    min_margin: float = DEFAULT_MIN_MARGIN_M,
    max_margin: float = DEFAULT_MAX_MARGIN_M,
    min_offset: float = DEFAULT_MIN_OFFSET_M,
    max_offset: float = DEFAULT_MAX_OFFSET_M,
) -> list[HiddenDisc]:
    """One hidden disc per zone for one activity."""
    # Computed and checked even without zones, so a bad secret or bound always fails loudly.
    margin = activity_margin_m(secret, activity_id, min_margin=min_margin, max_margin=max_margin)
    _check_bounds(min_offset, max_offset, name="offset", allow_equal=True)
    discs = []
    for zone in zones:
        distance, bearing = zone_offset(
            secret, zone.key, min_offset=min_offset, max_offset=max_offset
        )
        lat, lon = destination_point(zone.lat, zone.lon, bearing, distance)
        # Rounding can land the shifted centre a hair (millimetres, near a pole) further away
        # than asked; covering the distance it really has keeps the whole zone inside.
        realised = max(distance, haversine_m(zone.lat, zone.lon, lat, lon))
        discs.append(HiddenDisc(lat, lon, hidden_radius_m(zone, realised, margin)))
    return discs


def point_is_hidden(lat: float, lon: float, discs: Sequence[HiddenDisc]) -> bool:
    """Whether a point must not be shown: inside any hidden disc, or not a real point."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return True  # fail closed: a point we cannot place is never shown
    return any(disc.covers(lat, lon) for disc in discs)


def trim_track(
    points: Sequence[P],
    zones: Sequence[Zone],
    *,
    secret: bytes,
    activity_id: int | str,
    min_margin: float = DEFAULT_MIN_MARGIN_M,
    max_margin: float = DEFAULT_MAX_MARGIN_M,
    min_offset: float = DEFAULT_MIN_OFFSET_M,
    max_offset: float = DEFAULT_MAX_OFFSET_M,
) -> list[P]:
    """The points of a track that may be shown to others, in order; each starts with lat, lon."""
    # Dropping hidden points at the start, at the end and mid-run is one rule: drop every hidden
    # point.
    discs = hidden_discs(
        zones,
        secret=secret,
        activity_id=activity_id,
        min_margin=min_margin,
        max_margin=max_margin,
        min_offset=min_offset,
        max_offset=max_offset,
    )
    return [point for point in points if not point_is_hidden(point[0], point[1], discs)]
