"""record_activity: the one way an activity is created, for typed, uploaded and synced ones."""

from datetime import timedelta

import pytest

from apps.core import events
from apps.training import services
from apps.training.exceptions import ActivityInvalid
from apps.training.models import Activity, ActivityStreams, BestEffort
from apps.training.types import NormalizedActivity
from tests.accounts.factories import UserFactory
from tests.training.tracks import START, days_ago, meridian_run, run_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):
    seen = []
    real = events.publish

    def spy(name, /, **payload):
        seen.append((name, payload))
        return real(name, **payload)

    monkeypatch.setattr(services, "publish", spy)
    return seen


def test_a_typed_run(published):
    user = UserFactory()
    typed = NormalizedActivity(
        sport="run",
        start_time=days_ago(1),
        elapsed_s=3000,
        distance_m=10_000,
        avg_heart_rate=150,
        perceived_effort=6,
        title="Tempo Tuesday",
    )

    recorded = services.record_activity(owner=user, activity=typed)

    activity = recorded.activity
    assert recorded.created
    assert (activity.distance_m, activity.elapsed_s, activity.moving_s) == (10_000, 3000, 3000)
    assert activity.source == "manual"
    assert activity.training_load > 0
    assert activity.visibility == "followers"  # the profile's default
    assert not ActivityStreams.objects.filter(activity=activity).exists()
    assert published == [
        (
            "activity_recorded",
            {
                "activity_id": activity.pk,
                "owner_id": user.pk,
                "sport": "run",
                "start_time": activity.start_time.isoformat(),
                "distance_m": 10_000.0,
                "moving_s": 3000,
            },
        )
    ]


def test_a_gps_run_with_heart_rate_gets_its_figures_from_the_streams():
    user = UserFactory()
    streams = meridian_run(speed=3.0, seconds=3500, pause_at=500, pause_s=100)  # stops in km 2

    activity = services.record_activity(owner=user, activity=run_activity(streams)).activity

    assert activity.distance_m == pytest.approx(10_500, abs=0.1)
    assert activity.elapsed_s == 3600
    assert activity.moving_s == 3500
    assert activity.avg_heart_rate == 150
    assert len(activity.splits_metric) == 11
    assert activity.splits_metric[0]["elapsed_s"] == pytest.approx(333.3, abs=0.1)
    assert activity.splits_metric[1]["elapsed_s"] == pytest.approx(433.3, abs=0.1)  # the stop
    assert activity.splits_metric[1]["moving_s"] == pytest.approx(333.3, abs=0.1)
    assert activity.summary_polyline
    assert sum(activity.zones["heart_rate"]) == pytest.approx(3600, abs=1)
    efforts = {e.distance: e for e in BestEffort.objects.filter(activity=activity)}
    assert set(efforts) == {"400m", "1k", "1mi", "5k", "10k"}
    assert efforts["5k"].elapsed_s == pytest.approx(1666.7, abs=0.1)  # a 5 km after the stop
    assert efforts["5k"].start_s >= 600
    assert all(e.was_record for e in efforts.values())  # the first ones are records
    stored = ActivityStreams.objects.get(activity=activity)
    assert stored.samples == 3501 + 100  # 1 Hz over 3500 s, and the 100 s stop
    assert set(stored.names) == {"time", "lat", "lng", "heart_rate", "distance"}


def test_a_faster_run_sets_records_and_a_slower_one_does_not():
    user = UserFactory()
    services.record_activity(owner=user, activity=run_activity(meridian_run(speed=3.0)))
    faster = services.record_activity(
        owner=user,
        activity=run_activity(meridian_run(speed=3.5), start_time=START + timedelta(days=1)),
    ).activity
    slower = services.record_activity(
        owner=user,
        activity=run_activity(meridian_run(speed=2.5), start_time=START + timedelta(days=2)),
    ).activity

    assert all(e.was_record for e in faster.best_efforts.all())
    assert not any(e.was_record for e in slower.best_efforts.all())


def test_a_yoga_session_has_time_and_load_but_no_distance():
    user = UserFactory()
    yoga = NormalizedActivity(
        sport="yoga", start_time=days_ago(2), elapsed_s=45 * 60, perceived_effort=3
    )

    activity = services.record_activity(owner=user, activity=yoga).activity

    assert activity.distance_m is None
    assert activity.moving_s == 45 * 60
    assert activity.training_load == pytest.approx(45 * 3 / 5, abs=0.1)
    assert activity.splits_metric == []
    assert not BestEffort.objects.filter(activity=activity).exists()


def test_the_same_source_id_twice_is_one_activity(published):
    user = UserFactory()
    synced = run_activity(meridian_run(), source="provider", provider="garmin", external_id="42")

    first = services.record_activity(owner=user, activity=synced)
    again = services.record_activity(owner=user, activity=synced)

    assert first.created and not again.created
    assert again.activity.pk == first.activity.pk
    assert Activity.objects.count() == 1
    assert [name for name, _ in published] == ["activity_recorded"]


def test_the_same_workout_from_another_source_is_not_doubled():
    user = UserFactory()
    services.record_activity(
        owner=user, activity=run_activity(meridian_run(), provider="garmin", external_id="g-1")
    )
    phone = run_activity(
        meridian_run(), start_time=START + timedelta(minutes=3), provider="strava", external_id="s"
    )

    assert not services.record_activity(owner=user, activity=phone).created
    other_sport = run_activity(meridian_run(), sport="ride", start_time=START)
    assert services.record_activity(owner=user, activity=other_sport).created


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sport": "curling"}, "sport"),
        ({"start_time": days_ago(-1)}, "start_time"),
        ({"perceived_effort": 11}, "perceived_effort"),
        ({"distance_m": -5.0}, "distance_m"),
        ({"elapsed_s": None}, "elapsed_s"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_implausible_activities_are_refused_with_the_field(change, field):
    fields = {"sport": "run", "start_time": days_ago(1), "elapsed_s": 1800.0, **change}
    with pytest.raises(ActivityInvalid) as refused:
        services.record_activity(owner=UserFactory(), activity=NormalizedActivity(**fields))
    assert field in refused.value.fields
    assert not Activity.objects.exists()


def test_streams_that_do_not_line_up_are_refused():
    streams = meridian_run(seconds=100)
    streams.heart_rate = streams.heart_rate[:-5]
    with pytest.raises(ActivityInvalid) as refused:
        services.record_activity(owner=UserFactory(), activity=run_activity(streams))
    assert "streams" in refused.value.fields


def test_updates_and_deletes_are_published(published):
    user = UserFactory()
    activity = services.record_activity(owner=user, activity=run_activity(meridian_run())).activity

    services.update_activity(activity=activity, title="Long run", visibility="public")
    services.delete_activity(activity=activity)

    assert [name for name, _ in published] == [
        "activity_recorded",
        "activity_updated",
        "activity_deleted",
    ]
    assert not Activity.objects.exists()
    assert not BestEffort.objects.exists()
