"""Segments through the API: my list, deleting my own only, and a new segment matched against
my earlier runs; only shared activities put efforts on the public board."""

import pytest

from apps.challenges import services
from apps.challenges.models import Segment, SegmentEffort
from apps.training import services as training_services
from tests.accounts.factories import UserFactory
from tests.challenges.paths import path_activity

pytestmark = pytest.mark.django_db(transaction=True)  # the backfill runs after commit


def _run(owner, day: int, **fields):
    return training_services.record_activity(
        owner=owner, activity=path_activity([(0, 0), (0, 1000)], 4.0, day=day, **fields)
    ).activity


def test_a_new_segment_finds_my_earlier_runs_and_lists_and_deletes(token_client):
    owner, other = UserFactory(), UserFactory()
    earlier = _run(owner, 1, visibility="public")
    latest = _run(owner, 2, visibility="public")

    segment = services.segment_create(
        owner=owner, activity_id=latest.pk, start_index=10, end_index=200, name="Riverside"
    )

    assert set(SegmentEffort.objects.values_list("activity_id", flat=True)) == {
        earlier.pk,
        latest.pk,
    }
    listed = token_client(owner).get("/api/v1/segments/").json()["results"]
    assert [s["name"] for s in listed] == ["Riverside"]
    assert token_client(other).get("/api/v1/segments/").json()["results"] == []
    assert token_client(other).delete(f"/api/v1/segments/{segment.pk}/").status_code == 403
    assert token_client(owner).delete(f"/api/v1/segments/{segment.pk}/").status_code == 204
    assert not Segment.objects.exists() and not SegmentEffort.objects.exists()


def test_private_and_strava_efforts_stay_off_the_public_board():
    owner = UserFactory()
    shared = _run(owner, 1, visibility="public")
    private = _run(owner, 2, visibility="only_me")
    strava = _run(owner, 3, visibility="public", provider="strava", external_id="s-1")

    services.segment_create(
        owner=owner, activity_id=shared.pk, start_index=10, end_index=200, name="Hill"
    )

    hidden = dict(SegmentEffort.objects.values_list("activity_id", "hidden"))
    assert hidden == {shared.pk: False, private.pk: True, strava.pk: True}
