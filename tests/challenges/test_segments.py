"""Segments: a run along a known segment gets an effort with the right time; the other way or
cutting a corner gets none; edits and deletions recompute; privacy respected."""

from datetime import UTC, datetime

import pytest

from apps.accounts import services as accounts_services
from apps.challenges import matching, selectors, services
from apps.challenges.exceptions import SegmentInPrivacyZone, SegmentInvalid
from apps.challenges.models import Segment, SegmentEffort
from tests.accounts.factories import UserFactory
from tests.challenges.conftest import committed, delete, update
from tests.challenges.paths import path_activity, to_latlng

pytestmark = pytest.mark.django_db

# An L: 1,000 m north, then 1,000 m east.
L_PATH = [(0, 0), (0, 1000), (1000, 1000)]


def _record(owner, waypoints, speed, **fields):
    from apps.training import services as training

    return committed(
        training.record_activity, owner=owner, activity=path_activity(waypoints, speed, **fields)
    ).activity


def _segment_on_l(owner):
    """The segment: from 200 m north of the start round the corner to 800 m east of it."""
    source = _record(owner, L_PATH, 4.0, day=1)  # samples every 4 m
    return committed(
        services.segment_create,
        owner=owner,
        activity_id=source.pk,
        start_index=50,  # 200 m
        end_index=450,  # 1,800 m: 800 m along the east leg
        name="Corner",
    )


def _efforts(activity):
    return list(
        SegmentEffort.objects.filter(activity=activity).values_list("segment__name", "elapsed_s")
    )


def test_a_run_along_the_segment_gets_an_effort_with_the_right_time():
    segment = _segment_on_l(UserFactory())
    assert segment.distance_m == pytest.approx(1600, abs=1)
    runner = UserFactory()
    run = _record(runner, [(0, -500), *L_PATH, (1000, 1500)], 2.5)  # 1,600 m at 2.5 m/s
    assert _efforts(run) == [("Corner", 640.0)]


def test_the_other_way_or_cutting_the_corner_gets_none():
    _segment_on_l(UserFactory())
    runner = UserFactory()
    backwards = _record(runner, list(reversed(L_PATH)), 3.0)
    cutter = _record(runner, [(0, 0), (0, 200), (800, 1000), (1000, 1000)], 3.0, day=4)
    assert _efforts(backwards) == []
    assert _efforts(cutter) == []


def test_two_laps_give_two_efforts_and_the_creators_own_run_counts():
    owner = UserFactory()
    segment = _segment_on_l(owner)
    assert list(
        SegmentEffort.objects.filter(segment=segment).values_list("elapsed_s", flat=True)
    ) == [400.0]
    lap = [*L_PATH, (1000, 0), (0, 0)]
    run = _record(UserFactory(), lap + lap[1:], 4.0)
    assert sorted(e for _n, e in _efforts(run)) == [400.0, 400.0]


def test_edits_and_deletions_recompute_efforts_and_leaderboards():
    owner = UserFactory()
    segment = _segment_on_l(owner)
    fast, slow = UserFactory(), UserFactory()
    fast_run = _record(fast, L_PATH, 5.0)  # 320 s
    _record(slow, L_PATH, 2.0)  # 800 s
    board = selectors.segment_leaderboard(viewer=slow, segment=segment)
    assert [(r.rank, r.user_id, r.value) for r in board.rows] == [
        (1, fast.pk, 320.0),
        (2, owner.pk, 400.0),
        (3, slow.pk, 800.0),
    ]
    update(fast_run, visibility="only_me")  # private: only the athlete sees it
    board = selectors.segment_leaderboard(viewer=slow, segment=segment)
    assert [r.user_id for r in board.rows] == [owner.pk, slow.pk]
    assert selectors.segment_leaderboard(viewer=fast, segment=segment).rows[0].user_id == fast.pk
    delete(fast_run)
    assert not SegmentEffort.objects.filter(user=fast).exists()
    assert selectors.segment_leaderboard(viewer=slow, segment=segment, year=2025).rows == []
    mine = selectors.segment_leaderboard(viewer=slow, segment=segment, limit=1)
    assert (mine.me.rank, mine.me.value) == (2, 800.0)
    assert [e.elapsed_s for e in selectors.segment_personal_bests(user=slow, segment=segment)] == [
        800.0
    ]


def test_segments_respect_privacy_zones_and_need_a_real_stretch():
    owner = UserFactory()
    lat, lng = to_latlng(0, 300)
    accounts_services.privacy_zone_create(
        user=owner, name="Home", latitude=lat, longitude=lng, radius_m=200
    )
    source = _record(owner, L_PATH, 4.0)
    with pytest.raises(SegmentInPrivacyZone):
        services.segment_create(
            owner=owner, activity_id=source.pk, start_index=50, end_index=450, name="x"
        )
    with pytest.raises(SegmentInvalid):
        services.segment_create(
            owner=owner, activity_id=source.pk, start_index=400, end_index=410, name="x"
        )
    with pytest.raises(SegmentInvalid):
        services.segment_create(
            owner=UserFactory(), activity_id=source.pk, start_index=100, end_index=450, name="x"
        )
    assert not Segment.objects.exists()


def test_the_prefilter_only_offers_segments_starting_near_the_track():
    far = matching.cell(*to_latlng(50_000, 0))
    near = matching.cell(*to_latlng(0, 500))
    cells = matching.track_cells(*zip(*[to_latlng(0, y) for y in range(0, 1001, 10)], strict=True))
    assert near in cells
    assert far not in cells


def test_segment_api_creates_and_ranks(token_client):
    owner = UserFactory()
    source = _record(owner, L_PATH, 4.0, day=1)
    client = token_client(owner)
    response = client.post(
        "/api/v1/segments/",
        {"activity_id": source.pk, "start_index": 50, "end_index": 450, "name": "Corner"},
        format="json",
    )
    assert response.status_code == 201
    segment_id = response.json()["id"]
    assert response.json()["distance_m"] == pytest.approx(1600, abs=1)
    body = client.get(f"/api/v1/segments/{segment_id}/").json()
    assert body["leaderboard"]["rows"] == [
        {"rank": 1, "user_id": owner.pk, "display_name": owner.public_name, "value": 400.0}
    ]
    assert [e["elapsed_s"] for e in body["my_bests"]] == [400.0]
    bad = client.post(
        "/api/v1/segments/",
        {"activity_id": source.pk, "start_index": 400, "end_index": 405, "name": "x"},
        format="json",
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "SEGMENT_INVALID")


def test_sex_and_age_group_boards():
    from apps.accounts.models import Profile

    owner = UserFactory()
    segment = _segment_on_l(owner)
    woman, man = UserFactory(), UserFactory()
    Profile.objects.create(user=woman, sex="female", birth_year=datetime.now(UTC).year - 34)
    Profile.objects.create(user=man, sex="male", birth_year=datetime.now(UTC).year - 52)
    _record(woman, L_PATH, 5.0)
    _record(man, L_PATH, 4.5)

    def ids(**options):
        board = selectors.segment_leaderboard(viewer=owner, segment=segment, **options)
        return [r.user_id for r in board.rows]

    assert ids(sex="female") == [woman.pk]
    assert ids(age_group="50-59") == [man.pk]
    assert ids(sex="male", age_group="30-39") == []
    assert ids() == [woman.pk, man.pk, owner.pk]
