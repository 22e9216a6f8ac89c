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


def test_only_the_maker_renames_a_segment(token_client):
    owner, other = UserFactory(), UserFactory()
    run = _run(owner, 1, visibility="public")
    segment = services.segment_create(
        owner=owner, activity_id=run.pk, start_index=10, end_index=200, name="Riverside"
    )
    url = f"/api/v1/segments/{segment.pk}/"

    refused = token_client(other).patch(url, {"name": "Mine now"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "PERMISSION_DENIED"
    blank = token_client(owner).patch(url, {"name": "  "}, format="json")
    assert blank.status_code == 400
    renamed = token_client(owner).patch(url, {"name": "River loop"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "River loop"
    assert Segment.objects.get().name == "River loop"


def test_segment_pages_cut_show_rename_and_delete(client):
    owner, other = UserFactory(), UserFactory()
    run = _run(owner, 1, visibility="public")
    client.force_login(owner)

    page = client.get("/segments/")
    assert page.status_code == 200 and str(run) in page.content.decode()
    bad = client.post(
        "/segments/", {"activity": run.pk, "from_km": 0.5, "to_km": 0.2, "name": "Back"}
    )
    assert bad.status_code == 200 and not Segment.objects.exists()
    too_far = client.post(
        "/segments/", {"activity": run.pk, "from_km": 5, "to_km": 6, "name": "Nowhere"}
    )
    assert too_far.status_code == 200 and not Segment.objects.exists()
    made = client.post(
        "/segments/",
        {"activity": run.pk, "from_km": 0.1, "to_km": 0.8, "name": "<b>Park</b> lap"},
    )
    segment = Segment.objects.get()
    assert made.status_code == 302 and made.url == f"/segments/{segment.pk}/"
    assert 690 <= segment.distance_m <= 710

    detail = client.get(made.url)
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "&lt;b&gt;Park&lt;/b&gt; lap" in body and "<b>Park</b>" not in body
    assert SegmentEffort.objects.filter(activity=run).exists()

    client.force_login(other)
    assert client.get(made.url).status_code == 200  # anyone signed in reads the board
    assert client.post(made.url, {"action": "rename", "name": "Mine"}).status_code == 403
    assert client.post(made.url, {"action": "delete"}).status_code == 403
    assert (
        client.post(
            "/segments/", {"activity": run.pk, "from_km": 0.1, "to_km": 0.8, "name": "Theirs"}
        ).status_code
        == 200
    )
    assert Segment.objects.count() == 1  # someone else's activity is not on offer

    client.force_login(owner)
    client.post(made.url, {"action": "rename", "name": "Park lap"})
    assert Segment.objects.get().name == "Park lap"
    assert client.post(made.url, {"action": "delete"}).status_code == 302
    assert not Segment.objects.exists()


def test_a_new_segment_finds_other_peoples_earlier_runs_but_not_elsewhere():
    maker, runner, far_away = UserFactory(), UserFactory(), UserFactory()
    theirs = _run(runner, 1, visibility="public")
    private = _run(runner, 2, visibility="only_me")
    elsewhere = training_services.record_activity(
        owner=far_away,
        activity=path_activity([(20000, 20000), (20000, 21000)], 4.0, day=3, visibility="public"),
    ).activity
    mine = _run(maker, 4, visibility="public")

    services.segment_create(
        owner=maker, activity_id=mine.pk, start_index=10, end_index=200, name="Riverside"
    )

    efforts = dict(SegmentEffort.objects.values_list("activity_id", "hidden"))
    assert efforts == {mine.pk: False, theirs.pk: False, private.pk: True}
    assert elsewhere.pk not in efforts
