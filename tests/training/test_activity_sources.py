"""One workout from several places is one activity with several sources: the best is primary,
channels the primary lacks come from the others, removing a source re-derives the activity,
and it goes only with its last source."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps

from apps.training import selectors, services, streams
from apps.training.models import Activity, ActivitySource, ActivityStreams, BestEffort
from apps.training.types import NormalizedActivity, NormalizedStreams
from tests.accounts.factories import UserFactory
from tests.training.test_record_activity import published  # noqa: F401 - fixture
from tests.training.tracks import START, meridian_run, run_activity

pytestmark = pytest.mark.django_db


def watch_file(**options) -> NormalizedActivity:
    """A GPS watch's own file: position and heart rate, 10 minutes at 3 m/s."""
    streams_ = meridian_run(seconds=600, heart_rate=options.pop("heart_rate", 150.0))
    return run_activity(
        streams_, external_id=options.pop("external_id", "fit:1:1"), device_file=True, **options
    )


def platform_summary(**options) -> NormalizedActivity:
    return NormalizedActivity(
        sport="run",
        start_time=options.pop("start_time", START + timedelta(seconds=3)),
        source="provider",
        provider=options.pop("provider", "garmin"),
        external_id=options.pop("external_id", "g-1"),
        elapsed_s=605,
        distance_m=1750,
        avg_heart_rate=148,
        calories=140,
        **options,
    )


def strap_file(*, start=START + timedelta(seconds=2), seconds=600) -> NormalizedActivity:
    """A heart-rate strap's file: no position, heart rate rising one beat a minute."""
    time = [float(t) for t in range(seconds + 1)]
    return NormalizedActivity(
        sport="run",
        start_time=start,
        source="file",
        external_id="fit:2:2",
        device_file=True,
        streams=NormalizedStreams(time=time, heart_rate=[120.0 + t // 60 for t in time]),
    )


def sources(activity) -> list[tuple]:
    return [
        (s.provider or s.kind, s.external_id, s.is_primary, s.contributed)
        for s in activity.sources.order_by("received_at", "pk")
    ]


def test_the_first_source_is_recorded_as_primary_with_what_it_brought():
    user = UserFactory()
    activity = services.record_activity(owner=user, activity=watch_file()).activity

    source = ActivitySource.objects.get(activity=activity)
    assert (source.kind, source.provider, source.external_id) == ("file", "", "fit:1:1")
    assert (source.device_file, source.is_primary, source.has_streams) == (True, True, True)
    assert source.channels == ["lat", "lng", "heart_rate"]
    assert source.contributed == ["lat", "lng", "heart_rate"]
    assert source.samples == 601
    assert source.start_time == START
    assert streams.unpack(bytes(source.packed_streams), {"heart_rate"}) == {
        "heart_rate": [150.0] * 601
    }


def test_the_same_source_twice_changes_nothing(published):  # noqa: F811
    user = UserFactory()
    first = services.record_activity(owner=user, activity=watch_file())
    joined = services.record_activity(owner=user, activity=platform_summary())
    before = Activity.objects.filter(pk=first.activity.pk).values().get()
    sources_before = sources(first.activity)

    again = services.record_activity(owner=user, activity=watch_file())
    summary_again = services.record_activity(owner=user, activity=platform_summary())

    assert (joined.created, joined.source_added) == (False, True)
    assert (again.created, again.source_added) == (False, False)
    assert (summary_again.created, summary_again.source_added) == (False, False)
    assert Activity.objects.filter(pk=first.activity.pk).values().get() == before
    assert sources(first.activity) == sources_before
    # The summary only added calories the file lacked; the figures from the samples stayed.
    assert [name for name, _ in published] == ["activity_recorded", "activity_updated"]


def test_a_platform_summary_joins_and_the_device_file_stays_primary():
    user = UserFactory()
    activity = services.record_activity(owner=user, activity=watch_file()).activity
    before = Activity.objects.filter(pk=activity.pk).values().get()
    stored = bytes(ActivityStreams.objects.get(activity=activity).data)

    joined = services.record_activity(owner=user, activity=platform_summary())

    assert joined.activity.pk == activity.pk
    after = Activity.objects.filter(pk=activity.pk).values().get()
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"calories", "modified"}  # nothing recomputed from the samples
    assert bytes(ActivityStreams.objects.get(activity=activity).data) == stored
    activity.refresh_from_db()
    assert sources(activity) == [
        ("file", "fit:1:1", True, ["lat", "lng", "heart_rate"]),
        ("garmin", "g-1", False, []),
    ]
    assert (activity.source, activity.provider, activity.external_id) == ("file", "", "fit:1:1")
    assert activity.distance_m == pytest.approx(1800, abs=0.5)  # from the samples, not 1750
    assert activity.calories == 140  # the file had none: taken from the summary


def test_a_device_file_arriving_after_the_summary_becomes_primary(published):  # noqa: F811
    user = UserFactory()
    first = services.record_activity(owner=user, activity=platform_summary()).activity
    assert (first.distance_m, first.provider) == (1750, "garmin")
    assert not ActivityStreams.objects.filter(activity=first).exists()

    services.record_activity(owner=user, activity=watch_file())

    activity = Activity.objects.get()
    assert sources(activity) == [
        ("garmin", "g-1", False, []),
        ("file", "fit:1:1", True, ["lat", "lng", "heart_rate"]),
    ]
    assert (activity.source, activity.provider, activity.external_id) == ("file", "", "fit:1:1")
    assert activity.start_time == START  # the file's clock
    assert activity.distance_m == pytest.approx(1800, abs=0.5)
    assert activity.elapsed_s == 600
    assert activity.summary_polyline != ""
    assert ActivityStreams.objects.get(activity=activity).samples == 601
    assert set(BestEffort.objects.filter(activity=activity).values_list("distance", flat=True)) == {
        "400m",
        "1k",
        "1mi",
    }
    assert [name for name, _ in published] == ["activity_recorded", "activity_updated"]


def test_more_channels_win_and_ties_go_to_the_earliest():
    user = UserFactory()
    gps_only = watch_file(heart_rate=None, external_id="fit:gps")
    services.record_activity(owner=user, activity=gps_only)
    services.record_activity(owner=user, activity=watch_file(external_id="fit:gps+hr"))
    services.record_activity(owner=user, activity=watch_file(external_id="fit:gps+hr-later"))

    activity = Activity.objects.get()
    assert [(s.external_id, s.is_primary) for s in activity.sources.order_by("pk")] == [
        ("fit:gps", False),
        ("fit:gps+hr", True),
        ("fit:gps+hr-later", False),
    ]
    assert activity.external_id == "fit:gps+hr"
    assert activity.avg_heart_rate == 150


def test_heart_rate_from_a_strap_file_is_merged_into_a_gps_track():
    user = UserFactory()
    services.record_activity(owner=user, activity=watch_file(heart_rate=None))

    services.record_activity(owner=user, activity=strap_file())

    activity = Activity.objects.get()
    assert sources(activity) == [
        ("file", "fit:1:1", True, ["lat", "lng"]),
        ("file", "fit:2:2", False, ["heart_rate"]),
    ]
    stored = streams.unpack(bytes(ActivityStreams.objects.get(activity=activity).data))
    assert set(stored) == {"time", "lat", "lng", "distance", "heart_rate"}
    # The strap started 2 s after the watch: its sample at t-2 lands at the watch's t.
    assert stored["heart_rate"][:2] == [120.0, 120.0]  # t=0 and 1: the strap's first sample
    assert stored["heart_rate"][62] == 121.0  # the strap's t=60
    assert stored["heart_rate"][61] == 120.0  # the strap's t=59
    assert stored["heart_rate"][600] == 129.0  # the strap's t=598
    assert activity.max_heart_rate == 129  # the strap's t=599 and 600 fall after the watch's end


def test_removing_the_strap_takes_its_heart_rate_out_of_the_streams():
    user = UserFactory()
    services.record_activity(owner=user, activity=watch_file(heart_rate=None))
    services.record_activity(owner=user, activity=strap_file())

    removed = services.activity_source_remove(owner=user, provider="", external_id="fit:2:2")

    assert removed.deleted is False
    activity = Activity.objects.get()
    assert sources(activity) == [("file", "fit:1:1", True, ["lat", "lng"])]
    assert (activity.avg_heart_rate, activity.max_heart_rate) == (None, None)
    stored = streams.unpack(bytes(ActivityStreams.objects.get(activity=activity).data))
    assert set(stored) == {"time", "lat", "lng", "distance"}


def test_owner_only_platform_channels_are_not_merged_into_another_source():
    user = UserFactory()
    services.record_activity(owner=user, activity=watch_file(heart_rate=None))
    strava = strap_file()
    strava.source, strava.provider, strava.external_id, strava.device_file = (
        "provider",
        "strava",
        "777",
        False,
    )

    services.record_activity(owner=user, activity=strava)

    activity = Activity.objects.get()
    assert sources(activity) == [
        ("file", "fit:1:1", True, ["lat", "lng"]),
        ("strava", "777", False, []),
    ]
    assert activity.avg_heart_rate is None
    assert activity.provider == ""  # shown as the watch's, which Strava's terms do not cover


def test_removing_a_source_repicks_the_primary_and_the_last_one_removes_the_activity(
    published,  # noqa: F811
):
    user = UserFactory()
    activity = services.record_activity(owner=user, activity=watch_file()).activity
    services.record_activity(owner=user, activity=platform_summary())

    removed = services.activity_source_remove(owner=user, provider="", external_id="fit:1:1")

    assert (removed.activity_id, removed.deleted) == (activity.pk, False)
    activity.refresh_from_db()
    assert sources(activity) == [("garmin", "g-1", True, [])]
    assert (activity.provider, activity.external_id) == ("garmin", "g-1")
    assert (activity.distance_m, activity.elapsed_s, activity.avg_heart_rate) == (1750, 605, 148)
    assert activity.summary_polyline == ""
    assert not ActivityStreams.objects.filter(activity=activity).exists()
    assert not BestEffort.objects.filter(activity=activity).exists()

    gone = services.activity_source_remove(owner=user, provider="garmin", external_id="g-1")

    assert (gone.activity_id, gone.deleted) == (activity.pk, True)
    assert not Activity.objects.exists()
    assert not ActivitySource.objects.exists()
    assert [name for name, _ in published] == [
        "activity_recorded",
        "activity_updated",  # the summary's calories
        "activity_updated",  # the file removed
        "activity_deleted",
    ]


def test_removing_an_unknown_or_someone_elses_source_changes_nothing():
    user, other = UserFactory(), UserFactory()
    services.record_activity(owner=user, activity=watch_file())

    assert services.activity_source_remove(owner=other, provider="", external_id="fit:1:1") is None
    assert services.activity_source_remove(owner=user, provider="", external_id="nope") is None
    assert services.activity_source_remove(owner=user, provider="", external_id="") is None
    assert ActivitySource.objects.count() == 1


def test_typed_entries_without_an_id_are_one_source():
    user = UserFactory()
    typed = NormalizedActivity(sport="run", start_time=START, elapsed_s=1800, distance_m=5000)

    services.record_activity(owner=user, activity=typed)
    again = services.record_activity(owner=user, activity=typed)

    assert (again.created, again.source_added) == (False, False)
    assert ActivitySource.objects.get().kind == "manual"


def test_activity_by_source_finds_every_source():
    user = UserFactory()
    activity = services.record_activity(owner=user, activity=watch_file()).activity
    services.record_activity(owner=user, activity=platform_summary())

    found = selectors.activity_by_source(owner=user, provider="garmin", external_id="g-1")
    assert found.pk == activity.pk
    assert selectors.activity_by_source(owner=user, provider="garmin", external_id="") is None


def test_the_backfill_gives_each_existing_activity_its_one_source():
    user = UserFactory()
    with_streams = services.record_activity(owner=user, activity=watch_file()).activity
    typed = services.record_activity(
        owner=user,
        activity=NormalizedActivity(
            sport="ride", start_time=START - timedelta(days=1), elapsed_s=3600, distance_m=30_000
        ),
    ).activity
    ActivitySource.objects.all().delete()  # as before the migration
    migration = importlib.import_module("apps.training.migrations.0006_activity_sources_backfill")

    migration.backfill(django_apps, None)
    migration.backfill(django_apps, None)  # a second run adds nothing

    assert sources(with_streams) == [("file", "fit:1:1", True, ["lat", "lng", "heart_rate"])]
    assert sources(typed) == [("manual", "", True, [])]
    source = with_streams.sources.get()
    assert (source.samples, source.device_file, source.summary["distance_m"]) == (
        601,
        True,
        with_streams.distance_m,
    )
    assert typed.sources.get().summary["distance_m"] == 30_000
    # A backfilled activity takes a second source like any other.
    services.record_activity(owner=user, activity=platform_summary())
    assert sources(with_streams)[1] == ("garmin", "g-1", False, [])


# --- What the owner sees ------------------------------------------------------------------------


def _two_sources(user) -> Activity:
    activity = services.record_activity(
        owner=user, activity=watch_file(heart_rate=None, visibility="public")
    ).activity
    services.record_activity(owner=user, activity=strap_file())
    services.record_activity(owner=user, activity=platform_summary())
    return activity


def test_the_owner_gets_the_sources_through_the_api(django_assert_num_queries):
    from rest_framework.test import APIClient

    user = UserFactory()
    activity = _two_sources(user)
    primary, strap, summary = activity.sources.order_by("received_at", "pk")
    client = APIClient()
    client.force_authenticate(user)

    with django_assert_num_queries(2):  # the activity, its sources
        response = client.get(f"/api/v1/activities/{activity.pk}/sources/")

    assert response.status_code == 200
    common = {"device_name": "", "start_time": None}
    body = response.json()
    for row in body:
        row["start_time"] = None
        assert row.pop("received_at")
    assert body == [
        {
            **common,
            "id": primary.pk,
            "kind": "file",
            "provider": "",
            "external_id": "fit:1:1",
            "contains": "streams",
            "channels": ["lat", "lng"],
            "samples": 601,
            "primary": True,
            "contributed": ["lat", "lng"],
        },
        {
            **common,
            "id": strap.pk,
            "kind": "file",
            "provider": "",
            "external_id": "fit:2:2",
            "contains": "streams",
            "channels": ["heart_rate"],
            "samples": 601,
            "primary": False,
            "contributed": ["heart_rate"],
        },
        {
            **common,
            "id": summary.pk,
            "kind": "provider",
            "provider": "garmin",
            "external_id": "g-1",
            "contains": "summary",
            "channels": [],
            "samples": 0,
            "primary": False,
            "contributed": [],
        },
    ]


def test_others_get_no_sources_even_of_a_public_activity():
    from rest_framework.test import APIClient

    owner, other = UserFactory(), UserFactory()
    activity = _two_sources(owner)
    client = APIClient()
    client.force_authenticate(other)

    response = client.get(f"/api/v1/activities/{activity.pk}/sources/")

    assert response.status_code == 403
    assert "g-1" not in response.content.decode()
    assert client.get("/api/v1/activities/999999/sources/").status_code == 404


def test_the_activity_page_lists_the_sources_for_its_owner_only():
    from django.test import Client

    owner, other = UserFactory(), UserFactory()
    activity = _two_sources(owner)
    client = Client()
    client.force_login(owner)

    page = client.get(f"/activities/{activity.pk}/").content.decode()

    assert 'id="sources"' in page
    assert "601 samples: position" in page
    assert "601 samples: heart rate" in page
    assert "adds heart rate" in page
    assert "Garmin" in page
    assert "summary only" in page
    client.force_login(other)
    assert 'id="sources"' not in client.get(f"/activities/{activity.pk}/").content.decode()


def test_the_export_lists_each_activitys_sources():
    from apps.core import personal_data

    user = UserFactory()
    activity = _two_sources(user)

    entry = personal_data.exporters()["training"](user.pk).data["activities"][0]

    assert entry["id"] == activity.pk
    assert entry["device_file"] is True
    assert [
        (s["kind"], s["provider"], s["external_id"], s["primary"], s["contributed"])
        for s in entry["sources"]
    ] == [
        ("file", "", "fit:1:1", True, ["lat", "lng"]),
        ("file", "", "fit:2:2", False, ["heart_rate"]),
        ("provider", "garmin", "g-1", False, []),
    ]
