"""Privacy zones: no shown point lies near a zone, the cut varies per activity and is stable, and
the cut is centred on a secret, fixed per-zone offset from home, so cut points lead to it instead.
"""

import itertools
import math
from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from apps.accounts.privacy_zones import (
    HiddenDisc,
    Zone,
    activity_margin_m,
    destination_point,
    haversine_m,
    hidden_discs,
    hidden_radius_m,
    point_is_hidden,
    shifted_centre,
    trim_track,
    zone_offset,
)

SECRET = b"test-privacy-zone-secret"
OTHER_SECRET = b"another-deployment-secret"
MIN_MARGIN = 100.0
MAX_MARGIN = 400.0
MIN_OFFSET = 150.0
MAX_OFFSET = 400.0
EARTH_RADIUS_M = 6_371_008.8
M_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180  # along a meridian
HOME = (52.5200, 13.4050)  # Berlin

modest = settings(max_examples=200, deadline=None)


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    """A point roughly north_m / east_m metres from (lat, lon), longitude wrapped into range."""
    new_lat = lat + north_m / M_PER_DEGREE
    new_lon = lon + east_m / (M_PER_DEGREE * math.cos(math.radians(lat)))
    return new_lat, (new_lon + 180.0) % 360.0 - 180.0


def _local_m(lat: float, lon: float) -> tuple[float, float]:
    """(east, north) metres of a point from HOME on a flat map: exact enough within a few km."""
    return (
        (lon - HOME[1]) * M_PER_DEGREE * math.cos(math.radians(HOME[0])),
        (lat - HOME[0]) * M_PER_DEGREE,
    )


def _chord_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance from 3-D unit vectors: an independent check on haversine_m."""

    def unit(lat: float, lon: float) -> tuple[float, float, float]:
        phi, lam = math.radians(lat), math.radians(lon)
        return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))

    chord = math.dist(unit(lat1, lon1), unit(lat2, lon2))
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, chord / 2))


def _north_of_home(metres: float) -> tuple[float, float]:
    """A point exactly `metres` north of HOME along its meridian (negative: south)."""
    return HOME[0] + metres / M_PER_DEGREE, HOME[1]


def _home_zone(radius_m: float = 200.0, key: int | str = 1) -> Zone:
    return Zone(*HOME, radius_m=radius_m, key=key)


secrets = st.binary(min_size=16, max_size=64)
activity_ids = st.one_of(st.integers(min_value=0, max_value=2**63), st.text(min_size=1))
zone_keys = st.one_of(st.integers(min_value=-(2**63), max_value=2**63), st.text(min_size=1))
offsets_m = st.floats(min_value=-6_000, max_value=6_000)


@st.composite
def scenarios(draw):
    """1-3 zones within ~2 km of an anchor, and a track of indexed points within ~6 km of it."""
    anchor_lat = draw(st.floats(min_value=-70, max_value=70))
    anchor_lon = draw(st.floats(min_value=-180, max_value=180))
    zones = [
        Zone(
            *_offset(anchor_lat, anchor_lon, draw(offsets_m) / 3, draw(offsets_m) / 3),
            radius_m=draw(st.floats(min_value=50, max_value=5_000)),
            key=draw(zone_keys),
        )
        for _ in range(draw(st.integers(min_value=1, max_value=3)))
    ]
    offsets = draw(st.lists(st.tuples(offsets_m, offsets_m), max_size=60))
    # The index rides along as a third item, like a timestamp would.
    points = [(*_offset(anchor_lat, anchor_lon, n, e), i) for i, (n, e) in enumerate(offsets)]
    return zones, points


# --- What every caller relies on: nothing near a zone is shown -------------------------------


@modest
@given(scenario=scenarios(), secret=secrets, activity_id=activity_ids)
def test_no_shown_point_lies_within_the_hidden_radius_of_any_shifted_centre(
    scenario, secret, activity_id
):
    zones, points = scenario
    margin = activity_margin_m(secret, activity_id)

    shown = trim_track(points, zones, secret=secret, activity_id=activity_id)

    for zone in zones:
        offset, _ = zone_offset(secret, zone.key)
        centre = shifted_centre(zone, secret)
        for lat, lon, _ in shown:
            assert haversine_m(*centre, lat, lon) > zone.radius_m + offset + margin
            assert _chord_distance_m(*centre, lat, lon) > zone.radius_m + offset + margin - 1e-3


@modest
@given(scenario=scenarios(), secret=secrets, activity_id=activity_ids)
def test_no_shown_point_lies_within_radius_plus_margin_of_any_real_zone_centre(
    scenario, secret, activity_id
):
    # What the athlete cares about: the zone they drew, plus the margin, never shows.
    zones, points = scenario
    margin = activity_margin_m(secret, activity_id)

    shown = trim_track(points, zones, secret=secret, activity_id=activity_id)

    for lat, lon, _ in shown:
        for zone in zones:
            assert haversine_m(zone.lat, zone.lon, lat, lon) > zone.radius_m + margin
            assert _chord_distance_m(zone.lat, zone.lon, lat, lon) > zone.radius_m + margin - 1e-3


@modest
@given(scenario=scenarios(), secret=secrets, activity_id=activity_ids)
def test_shown_points_are_the_input_points_in_their_order(scenario, secret, activity_id):
    zones, points = scenario

    shown = trim_track(points, zones, secret=secret, activity_id=activity_id)

    indices = [i for _, _, i in shown]
    assert indices == sorted(set(indices))
    assert all(point is points[point[2]] for point in shown)


@modest
@given(scenario=scenarios(), secret=secrets, activity_id=activity_ids)
def test_only_points_within_a_hidden_disc_are_dropped(scenario, secret, activity_id):
    zones, points = scenario
    margin = activity_margin_m(secret, activity_id)
    discs = hidden_discs(zones, secret=secret, activity_id=activity_id)
    for zone, disc in zip(zones, discs, strict=True):
        offset, _ = zone_offset(secret, zone.key)
        assert (disc.lat, disc.lon) == shifted_centre(zone, secret)
        assert disc.radius_m == pytest.approx(zone.radius_m + offset + margin, abs=1e-3)

    shown = trim_track(points, zones, secret=secret, activity_id=activity_id)

    shown_indices = {i for _, _, i in shown}
    for lat, lon, i in points:
        if i not in shown_indices:
            assert any(haversine_m(d.lat, d.lon, lat, lon) <= d.radius_m for d in discs)


@modest
@given(
    zone_offsets=st.lists(
        st.tuples(st.floats(-1_000, 1_000), st.floats(-1_000, 1_000), st.floats(50, 5_000)),
        min_size=1,
        max_size=3,
    ),
    polar=st.lists(
        st.tuples(st.floats(8_000, 30_000), st.floats(0, 2 * math.pi)), min_size=1, max_size=40
    ),
    secret=secrets,
    activity_id=activity_ids,
    key=zone_keys,
)
def test_points_far_from_every_zone_are_all_kept(zone_offsets, polar, secret, activity_id, key):
    zones = [Zone(*_offset(*HOME, n, e), radius_m=r, key=key) for n, e, r in zone_offsets]
    points = [_offset(*HOME, d * math.cos(bearing), d * math.sin(bearing)) for d, bearing in polar]
    # The farthest a cut can reach from a zone centre: to the shifted centre and past it.
    reach = 2 * MAX_OFFSET + MAX_MARGIN
    for lat, lon in points:  # the generator really placed them beyond any possible cut
        for zone in zones:
            assert haversine_m(zone.lat, zone.lon, lat, lon) > zone.radius_m + reach

    assert trim_track(points, zones, secret=secret, activity_id=activity_id) == points


# --- The attack the offset defends against ----------------------------------------------------


def _walk(start: tuple[float, float], end: tuple[float, float], step_m: float = 5.0):
    """Points every step_m metres on the flat (east, north) map from start, end excluded."""
    steps = max(1, round(math.dist(start, end) / step_m))
    return [
        (start[0] + (end[0] - start[0]) * i / steps, start[1] + (end[1] - start[1]) * i / steps)
        for i in range(steps)
    ]


def _home_to_home_run(bearing_deg: float, turn_deg: float = 70.0, far_m: float = 3_000.0):
    """Straight out from HOME at one bearing, across, straight back at another; every 5 m."""

    def away(bearing: float) -> tuple[float, float]:
        return far_m * math.sin(math.radians(bearing)), far_m * math.cos(math.radians(bearing))

    out, back = away(bearing_deg), away(bearing_deg + turn_deg)
    corners = [(0.0, 0.0), out, back, (0.0, 0.0)]
    walked = [p for a, b in itertools.pairwise(corners) for p in _walk(a, b)]
    return [_offset(*HOME, north, east) for east, north in [*walked, (0.0, 0.0)]]


def _least_squares_point(rows):
    """The (x, y) best solving a * x + b * y = c over rows (a, b, c), by the normal equations."""
    saa = sum(a * a for a, _, _ in rows)
    sab = sum(a * b for a, b, _ in rows)
    sbb = sum(b * b for _, b, _ in rows)
    sac = sum(a * c for a, _, c in rows)
    sbc = sum(b * c for _, b, c in rows)
    det = saa * sbb - sab * sab
    assert abs(det) > 1e-6 * max(saa, sbb) ** 2  # the lines are not all parallel
    return (sac * sbb - sbc * sab) / det, (saa * sbc - sab * sac) / det


def _bisector_attack(zone: Zone, **bounds) -> tuple[float, float]:
    """Where the perpendicular bisectors of the first and last visible points of eight
    home-to-home runs (all directions, different activities) cross, as (east, north) metres."""
    rows = []
    for i, bearing in enumerate(range(0, 360, 45)):
        track = _home_to_home_run(bearing)
        shown = trim_track(track, [zone], secret=SECRET, activity_id=f"run-{i}", **bounds)
        (x1, y1), (x2, y2) = _local_m(*shown[0]), _local_m(*shown[-1])
        # X is on the bisector when |X - P1|^2 == |X - P2|^2.
        rows.append((2 * (x2 - x1), 2 * (y2 - y1), x2**2 + y2**2 - x1**2 - y1**2))
    return _least_squares_point(rows)


def test_the_bisector_attack_finds_home_when_the_offset_is_switched_off():
    # The attack is real: without an offset (the old behaviour) it lands on home.
    recovered = _bisector_attack(_home_zone(), min_offset=0.0, max_offset=0.0)

    assert math.hypot(*recovered) < 5.0


@pytest.mark.parametrize("key", [1, 2, 3, "zone-7", 123_456])
def test_the_bisector_attack_finds_the_shifted_centre_not_home(key):
    zone = _home_zone(key=key)

    recovered = _bisector_attack(zone)

    # Home is at (0, 0). The attack still works, but what it recovers is the shifted centre
    # (within the 5 m sampling interval), at least min_offset away from home in an unknown
    # direction; more activities only sharpen the estimate of that wrong point.
    assert math.hypot(*recovered) >= MIN_OFFSET - 5.0
    assert math.dist(recovered, _local_m(*shifted_centre(zone, SECRET))) < 10.0


def test_a_single_activity_passing_the_zone_twice_leads_to_the_shifted_centre_not_home():
    # A cross through home: four cut points of one activity on one circle. Fit its centre:
    # x^2 + y^2 = 2 a x + 2 b y + c, linear in (a, b, c); eliminate c by differencing.
    zone = _home_zone(key="commute")
    legs = [((0.0, -3_000.0), (0.0, 3_000.0)), ((-3_000.0, 0.0), (3_000.0, 0.0))]
    track = [_offset(*HOME, n, e) for start, end in legs for e, n in _walk(start, end)]
    shown = trim_track(track, [zone], secret=SECRET, activity_id=99)
    indices = [track.index(point) for point in shown]
    gaps = [(a, b) for a, b in itertools.pairwise(indices) if b != a + 1]
    assert len(gaps) == 2  # one pass through the disc per leg
    cut = [_local_m(*track[i]) for gap in gaps for i in gap]  # into and out of the disc
    (x0, y0), rest = cut[0], cut[1:]
    rows = [(2 * (x - x0), 2 * (y - y0), x**2 + y**2 - x0**2 - y0**2) for x, y in rest]

    recovered = _least_squares_point(rows)

    assert math.hypot(*recovered) >= MIN_OFFSET - 5.0
    assert math.dist(recovered, _local_m(*shifted_centre(zone, SECRET))) < 10.0


# --- The per-zone offset -----------------------------------------------------------------------


@modest
@given(
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    radius_m=st.floats(50, 5_000),
    key=zone_keys,
    secret=secrets,
)
def test_shifted_centre_is_between_min_and_max_offset_from_the_zone_and_deterministic(
    lat, lon, radius_m, key, secret
):
    zone = Zone(lat, lon, radius_m=radius_m, key=key)
    offset, bearing = zone_offset(secret, key)

    centre = shifted_centre(zone, secret)

    assert MIN_OFFSET <= offset <= MAX_OFFSET
    assert 0.0 <= bearing < 360.0
    assert -90.0 <= centre[0] <= 90.0
    assert -180.0 <= centre[1] <= 180.0
    assert MIN_OFFSET - 0.5 <= haversine_m(lat, lon, *centre) <= MAX_OFFSET + 0.5
    assert haversine_m(lat, lon, *centre) == pytest.approx(offset, abs=0.5)
    assert zone_offset(secret, key) == (offset, bearing)
    assert shifted_centre(zone, secret) == centre
    # The offset belongs to the zone, not to an activity: every activity is cut around it.
    for activity_id in (1, 2, "three"):
        (disc,) = hidden_discs([zone], secret=secret, activity_id=activity_id)
        assert (disc.lat, disc.lon) == centre


@modest
@given(
    secret=secrets,
    key=zone_keys,
    min_offset=st.floats(0, 2_000),
    span=st.floats(0, 5_000),
)
def test_offset_respects_custom_bounds(secret, key, min_offset, span):
    max_offset = min_offset + span
    zone = Zone(*HOME, radius_m=200.0, key=key)

    offset, _ = zone_offset(secret, key, min_offset=min_offset, max_offset=max_offset)
    centre = shifted_centre(zone, secret, min_offset=min_offset, max_offset=max_offset)

    assert min_offset <= offset <= max_offset
    assert haversine_m(*HOME, *centre) == pytest.approx(offset, abs=0.5)


@modest
@given(secret=secrets, other=secrets, key=zone_keys)
def test_a_different_secret_gives_a_different_offset(secret, other, key):
    # HMAC pads keys with zero bytes, so keys differing only in trailing zeros are the same key.
    assume(secret.rstrip(b"\x00") != other.rstrip(b"\x00"))

    assert zone_offset(secret, key) != zone_offset(other, key)


@modest
@given(secret=secrets, key=zone_keys, other=zone_keys)
def test_a_different_zone_key_gives_a_different_offset(secret, key, other):
    assume(str(key) != str(other))

    assert zone_offset(secret, key) != zone_offset(secret, other)


def test_offsets_differ_across_zones_and_spread_over_the_ring():
    offsets = [zone_offset(SECRET, key) for key in range(1_000)]

    assert len(set(offsets[:50])) == 50
    # Bearings fall evenly into the four quadrants ...
    quadrants = Counter(int(bearing // 90) for _, bearing in offsets)
    assert sorted(quadrants) == [0, 1, 2, 3]
    assert all(200 <= count <= 300 for count in quadrants.values())
    # ... and distances evenly over the ring's area, so no part of the ring is favoured.
    area = MAX_OFFSET**2 - MIN_OFFSET**2
    quarters = Counter(int((d**2 - MIN_OFFSET**2) // (area / 4)) for d, _ in offsets)
    assert sorted(quarters) == [0, 1, 2, 3]
    assert all(200 <= count <= 300 for count in quarters.values())


def test_offsets_differ_between_secrets_for_every_zone():
    for key in range(50):
        assert zone_offset(SECRET, key) != zone_offset(OTHER_SECRET, key)


def test_offset_derivation_is_pinned():
    # Changing the derivation would move every zone's shifted centre: each new one that gets
    # out is another point around home, and their average closes in on it.
    assert zone_offset(SECRET, 1) == (175.55006524017693, 105.15117172437762)
    assert zone_offset(SECRET, "zone-7") == (325.25178192876194, 318.7040134110278)


def test_integer_and_string_keys_name_the_same_zone():
    assert zone_offset(SECRET, 42) == zone_offset(SECRET, "42")


def test_zone_offset_is_not_the_activity_margin_of_the_same_id():
    # Domain separation: knowing one activity's margin says nothing about zone 1's offset.
    distance, _ = zone_offset(SECRET, 1, min_offset=MIN_MARGIN, max_offset=MAX_MARGIN)
    assert distance != pytest.approx(activity_margin_m(SECRET, 1), abs=1.0)


def test_equal_offset_bounds_fix_the_distance_but_not_the_direction():
    bearings = set()
    for key in range(20):
        distance, bearing = zone_offset(SECRET, key, min_offset=250.0, max_offset=250.0)
        assert distance == 250.0
        bearings.add(bearing)
    assert len(bearings) == 20


@pytest.mark.parametrize(
    ("secret", "key", "bounds", "message"),
    [
        (b"", 1, {}, "at least 16 bytes"),
        ("a-text-secret-not-bytes", 1, {}, "at least 16 bytes"),
        (SECRET, 1, {"min_offset": 400.0, "max_offset": 150.0}, "min_offset <= max_offset"),
        (SECRET, 1, {"min_offset": -1.0}, "min_offset <= max_offset"),
        (SECRET, 1, {"max_offset": math.inf}, "finite"),
        (SECRET, 1, {"min_offset": math.nan}, "finite"),
        (SECRET, True, {}, "key"),
        (SECRET, "", {}, "key"),
        (SECRET, 1.0, {}, "key"),
        (SECRET, None, {}, "key"),
    ],
)
def test_offset_rejects_bad_input(secret, key, bounds, message):
    with pytest.raises(ValueError, match=message):
        zone_offset(secret, key, **bounds)


# --- Destination points on the sphere --------------------------------------------------------


@modest
@given(
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    bearing=st.floats(0, 360),
    distance=st.floats(0, 20_000_000),
)
def test_destination_point_is_at_the_asked_distance(lat, lon, bearing, distance):
    dest_lat, dest_lon = destination_point(lat, lon, bearing, distance)

    assert -90.0 <= dest_lat <= 90.0
    assert -180.0 <= dest_lon <= 180.0
    assert _chord_distance_m(lat, lon, dest_lat, dest_lon) == pytest.approx(distance, abs=0.5)


@modest
@given(
    lat=st.floats(-70, 70),
    lon=st.floats(-180, 180),
    bearing=st.floats(0, 360),
    distance=st.floats(0, 400),
)
def test_destination_point_heads_in_the_asked_direction(lat, lon, bearing, distance):
    dest_lat, dest_lon = destination_point(lat, lon, bearing, distance)

    # On a flat map a few hundred metres across (a great circle bends away from a parallel by
    # a few centimetres here); a wrong axis or sign would be off by hundreds of metres.
    mid_lat = math.radians((lat + dest_lat) / 2)
    north = (dest_lat - lat) * M_PER_DEGREE
    east = ((dest_lon - lon + 180.0) % 360.0 - 180.0) * M_PER_DEGREE * math.cos(mid_lat)
    assert north == pytest.approx(distance * math.cos(math.radians(bearing)), abs=0.1)
    assert east == pytest.approx(distance * math.sin(math.radians(bearing)), abs=0.1)


def test_destination_point_examples():
    one_degree = M_PER_DEGREE
    assert destination_point(10.0, 20.0, 0.0, one_degree) == pytest.approx((11.0, 20.0))
    assert destination_point(0.0, 20.0, 90.0, one_degree) == pytest.approx((0.0, 21.0))
    assert destination_point(0.0, 179.5, 90.0, one_degree) == pytest.approx((0.0, -179.5))
    assert destination_point(-10.0, 0.0, 180.0, one_degree) == pytest.approx((-11.0, 0.0))
    assert destination_point(90.0, 0.0, 123.0, one_degree)[0] == pytest.approx(89.0)
    assert destination_point(*HOME, 45.0, 0.0) == pytest.approx(HOME)


# --- Distances -----------------------------------------------------------------------------------


@modest
@given(
    lat1=st.floats(-90, 90),
    lon1=st.floats(-180, 180),
    lat2=st.floats(-90, 90),
    lon2=st.floats(-180, 180),
)
def test_haversine_agrees_with_the_unit_vector_distance(lat1, lon1, lat2, lon2):
    distance = haversine_m(lat1, lon1, lat2, lon2)

    assert distance == pytest.approx(_chord_distance_m(lat1, lon1, lat2, lon2), abs=1e-3)
    assert distance == haversine_m(lat2, lon2, lat1, lon1)
    assert 0.0 <= distance <= math.pi * EARTH_RADIUS_M


def test_haversine_berlin_to_munich():
    assert haversine_m(52.5200, 13.4050, 48.1351, 11.5820) == pytest.approx(504_000, abs=1_000)


def test_haversine_one_degree_of_latitude_and_across_the_antimeridian():
    assert haversine_m(10.0, 20.0, 11.0, 20.0) == pytest.approx(111_195, abs=1)
    assert haversine_m(0.0, 179.5, 0.0, -179.5) == pytest.approx(111_195, abs=1)
    assert haversine_m(*HOME, *HOME) == 0.0


# --- The per-activity margin -------------------------------------------------------------------


@modest
@given(secret=secrets, activity_id=activity_ids)
def test_margin_is_within_the_default_bounds_and_deterministic(secret, activity_id):
    margin = activity_margin_m(secret, activity_id)

    assert MIN_MARGIN <= margin < MAX_MARGIN
    assert activity_margin_m(secret, activity_id) == margin


@modest
@given(
    secret=secrets,
    activity_id=activity_ids,
    min_margin=st.floats(0, 1_000),
    span=st.floats(1e-3, 5_000),
)
def test_margin_respects_custom_bounds(secret, activity_id, min_margin, span):
    max_margin = min_margin + span

    margin = activity_margin_m(secret, activity_id, min_margin=min_margin, max_margin=max_margin)

    assert min_margin <= margin < max_margin


@modest
@given(secret=secrets, other=secrets, activity_id=activity_ids)
def test_a_different_secret_gives_a_different_margin(secret, other, activity_id):
    # HMAC pads keys with zero bytes, so keys differing only in trailing zeros are the same key.
    assume(secret.rstrip(b"\x00") != other.rstrip(b"\x00"))

    assert activity_margin_m(secret, activity_id) != activity_margin_m(other, activity_id)


def test_margins_differ_across_activities_and_spread_over_the_range():
    margins = [activity_margin_m(SECRET, activity_id) for activity_id in range(1_000)]

    assert len(set(margins[:50])) == 50
    quarters = Counter(int((m - MIN_MARGIN) // ((MAX_MARGIN - MIN_MARGIN) / 4)) for m in margins)
    assert sorted(quarters) == [0, 1, 2, 3]
    assert all(200 <= count <= 300 for count in quarters.values())


def test_margins_differ_between_secrets_for_every_activity():
    for activity_id in range(50):
        assert activity_margin_m(SECRET, activity_id) != activity_margin_m(
            OTHER_SECRET, activity_id
        )


def test_margin_derivation_is_pinned():
    # Changing the derivation would move every activity's cut; two cuts of one track reveal more.
    assert activity_margin_m(SECRET, 1) == 396.3132994280074
    assert activity_margin_m(SECRET, "run-42") == 328.5470282542518


def test_integer_and_string_ids_name_the_same_activity():
    assert activity_margin_m(SECRET, 42) == activity_margin_m(SECRET, "42")


@pytest.mark.parametrize(
    ("secret", "bounds", "message"),
    [
        (b"", {}, "at least 16 bytes"),
        (b"fifteen-bytes!!", {}, "at least 16 bytes"),
        ("a-text-secret-not-bytes", {}, "at least 16 bytes"),
        (SECRET, {"min_margin": 300.0, "max_margin": 300.0}, "min_margin < max_margin"),
        (SECRET, {"min_margin": 400.0, "max_margin": 100.0}, "min_margin < max_margin"),
        (SECRET, {"min_margin": -1.0}, "min_margin < max_margin"),
        (SECRET, {"max_margin": math.inf}, "finite"),
        (SECRET, {"min_margin": math.nan}, "finite"),
    ],
)
def test_margin_rejects_bad_input(secret, bounds, message):
    with pytest.raises(ValueError, match=message):
        activity_margin_m(secret, 1, **bounds)


@pytest.mark.parametrize(
    ("secret", "bounds", "message"),
    [
        (b"", {}, "at least 16 bytes"),
        (SECRET, {"min_margin": 400.0, "max_margin": 100.0}, "min_margin < max_margin"),
        (SECRET, {"min_offset": 400.0, "max_offset": 100.0}, "min_offset <= max_offset"),
        (SECRET, {"max_offset": math.nan}, "finite"),
    ],
)
def test_trim_track_rejects_bad_input_even_without_zones(secret, bounds, message):
    with pytest.raises(ValueError, match=message):
        trim_track([HOME], [], secret=secret, activity_id=1, **bounds)


# --- Hidden radius and discs ------------------------------------------------------------------


def test_hidden_radius_is_zone_radius_plus_offset_plus_margin():
    assert hidden_radius_m(_home_zone(250.0), 150.0, 123.5) == 523.5


@pytest.mark.parametrize(
    ("offset", "margin", "message"),
    [
        (150.0, -0.1, "Margin"),
        (150.0, math.nan, "Margin"),
        (150.0, math.inf, "Margin"),
        (-0.1, 100.0, "Offset"),
        (math.nan, 100.0, "Offset"),
    ],
)
def test_hidden_radius_rejects_bad_offset_or_margin(offset, margin, message):
    with pytest.raises(ValueError, match=f"{message} must be a finite, non-negative"):
        hidden_radius_m(_home_zone(250.0), offset, margin)


def test_point_is_hidden_inside_and_outside_a_disc():
    discs = [HiddenDisc(*HOME, radius_m=300.0)]

    assert point_is_hidden(*_north_of_home(299.0), discs)
    assert not point_is_hidden(*_north_of_home(301.0), discs)
    assert not point_is_hidden(*HOME, [])
    assert point_is_hidden(math.nan, HOME[1], [])


# --- Tracks ----------------------------------------------------------------------------------


def test_track_from_home_to_home_loses_its_ends_and_keeps_the_middle():
    zone = _home_zone(key=11)
    (disc,) = hidden_discs([zone], secret=SECRET, activity_id=7)
    # Out 3 km north and back, every 50 m, each point (lat, lon, seconds, heart rate).
    distances = [*range(0, 3_001, 50), *range(2_950, -1, -50)]
    track = [(*_north_of_home(d), t, 140) for t, d in enumerate(distances)]

    shown = trim_track(track, [zone], secret=SECRET, activity_id=7)

    assert shown == [
        p for p in track if haversine_m(disc.lat, disc.lon, p[0], p[1]) > disc.radius_m
    ]
    assert shown[0][2] > 0
    assert shown[-1][2] < len(track) - 1
    assert (*_north_of_home(3_000), 60, 140) in shown
    margin = activity_margin_m(SECRET, 7)
    for point in (shown[0], shown[-1]):
        assert haversine_m(*HOME, point[0], point[1]) > zone.radius_m + margin


def test_track_passing_home_mid_run_keeps_both_ends_and_drops_the_pass():
    zone = _home_zone(key=12)
    (disc,) = hidden_discs([zone], secret=SECRET, activity_id="pass-by")
    distances = range(-3_000, 3_001, 100)  # south to north straight through the centre
    track = [_north_of_home(d) for d in distances]

    shown = trim_track(track, [zone], secret=SECRET, activity_id="pass-by")

    assert shown == [p for p in track if haversine_m(disc.lat, disc.lon, *p) > disc.radius_m]
    assert shown[0] == track[0]
    assert shown[-1] == track[-1]
    margin = activity_margin_m(SECRET, "pass-by")
    hidden_near_home = [d for d in distances if abs(d) <= zone.radius_m + margin]
    assert not any(_north_of_home(d) in shown for d in hidden_near_home)


def test_track_near_two_zones_drops_points_near_each():
    # Within radius + min margin (200 m) of a zone centre is always cut; beyond
    # radius + 2 * max offset + max margin (1 300 m) always shown, wherever the offset points.
    zones = [
        Zone(*_north_of_home(0), radius_m=100.0, key=1),
        Zone(*_north_of_home(5_000), radius_m=100.0, key=2),
    ]
    track = [_north_of_home(d) for d in (0, 150, 1_500, 2_500, 3_500, 4_850, 5_000)]

    shown = trim_track(track, zones, secret=SECRET, activity_id=3)

    assert shown == [_north_of_home(d) for d in (1_500, 2_500, 3_500)]


def test_track_entirely_inside_a_zone_is_hidden_completely():
    zone = _home_zone(1_000.0)
    track = [_offset(*HOME, n, e) for n, e in [(0, 0), (300, -200), (-500, 400), (900, 0)]]

    assert trim_track(track, [zone], secret=SECRET, activity_id=1) == []


def test_empty_track_stays_empty():
    assert trim_track([], [_home_zone()], secret=SECRET, activity_id=1) == []


def test_track_without_zones_is_shown_whole():
    track = [_north_of_home(d) for d in (0, 100, 200)]

    assert trim_track(track, [], secret=SECRET, activity_id=1) == track


def test_points_without_a_real_position_are_never_shown():
    track = [_north_of_home(5_000), (math.nan, HOME[1]), (HOME[0], math.inf)]

    assert trim_track(track, [_home_zone()], secret=SECRET, activity_id=1) == [track[0]]


# --- Zones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "radius_m", "key", "message"),
    [
        (90.01, 0.0, 200.0, 1, "latitude"),
        (-90.01, 0.0, 200.0, 1, "latitude"),
        (math.nan, 0.0, 200.0, 1, "latitude"),
        (0.0, 180.01, 200.0, 1, "longitude"),
        (0.0, -180.01, 200.0, 1, "longitude"),
        (0.0, 0.0, 49.9, 1, "radius"),
        (0.0, 0.0, 5_000.1, 1, "radius"),
        (0.0, 0.0, math.nan, 1, "radius"),
        (0.0, 0.0, 200.0, "", "key"),
        (0.0, 0.0, 200.0, True, "key"),
        (0.0, 0.0, 200.0, None, "key"),
        (0.0, 0.0, 200.0, 1.5, "key"),
    ],
)
def test_zone_rejects_out_of_range_values(lat, lon, radius_m, key, message):
    with pytest.raises(ValueError, match=message):
        Zone(lat=lat, lon=lon, radius_m=radius_m, key=key)


def test_zone_needs_a_key():
    with pytest.raises(TypeError, match="key"):
        Zone(*HOME, radius_m=200.0)  # type: ignore[call-arg]


def test_zone_accepts_the_edges_of_each_range():
    assert Zone(lat=90.0, lon=180.0, radius_m=50.0, key=0).radius_m == 50.0
    assert Zone(lat=-90.0, lon=-180.0, radius_m=5_000.0, key="home").radius_m == 5_000.0
