"""Activities in the GDPR export, gone after erasure, and re-imported into another Stride."""

import io
import json
import zipfile

import gpxpy
import pytest

from apps.accounts import services as accounts_services
from apps.accounts.models import DataExport
from apps.core import personal_data
from apps.training import routes, services
from apps.training.models import Activity, Route
from tests.accounts.archives import archive_upload
from tests.accounts.factories import UserFactory
from tests.training.gpx import gpx_upload
from tests.training.tracks import START, meridian_run, run_activity

pytestmark = pytest.mark.django_db(transaction=True)


def _export(user) -> zipfile.ZipFile:
    accounts_services.data_export_request(user=user)
    with DataExport.objects.get(user=user).file.open("rb") as f:
        return zipfile.ZipFile(io.BytesIO(f.read()))


def test_the_export_holds_every_activity_with_its_samples_and_gpx():
    user = UserFactory()
    run = services.record_activity(
        owner=user, activity=run_activity(meridian_run(seconds=600), title="Intervals")
    ).activity

    archive = _export(user)

    data = json.loads(archive.read("training.json"))
    assert [a["title"] for a in data["activities"]] == ["Intervals"]
    samples = json.loads(archive.read(f"files/training/streams/{run.pk}.json"))
    assert len(samples["time"]) == 601 and samples["heart_rate"][0] == 150
    csv_lines = archive.read("files/training/activities.csv").decode().splitlines()
    assert csv_lines[0].startswith("id,sport,title") and "Intervals" in csv_lines[1]
    gpx = gpxpy.parse(archive.read(f"files/training/gpx/{run.pk}.gpx").decode())
    assert len(gpx.tracks[0].segments[0].points) == 601
    assert gpx.tracks[0].segments[0].points[0].time is not None  # the owner's own times


def test_activities_move_to_another_stride_once(token_client):
    old = UserFactory()
    services.record_activity(owner=old, activity=run_activity(meridian_run(seconds=1200)))
    services.record_activity(
        owner=old,
        activity=run_activity(
            meridian_run(seconds=300),
            sport="walk",
            start_time=START.replace(day=5),
        ),
    )
    routes.route_from_gpx(owner=old, upload=gpx_upload(), name="Hill loop")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out, _export(old) as archive:
        for name in archive.namelist():
            out.writestr(name, archive.read(name))
    content = buffer.getvalue()
    new = UserFactory()
    client = token_client(new)

    first = client.post(
        "/api/v1/me/import/", {"archive": archive_upload(content)}, format="multipart"
    )
    again = client.post(
        "/api/v1/me/import/", {"archive": archive_upload(content)}, format="multipart"
    )

    assert first.json()["summary"]["training"] == {
        "activities": 2,
        "already_here": 0,
        "skipped": 0,
        "routes": 1,
    }
    assert again.json()["summary"]["training"] == {
        "activities": 0,
        "already_here": 2,
        "skipped": 0,
        "routes": 0,
    }
    assert Route.objects.get(owner=new).name == "Hill loop"
    moved = Activity.objects.filter(owner=new).order_by("start_time")
    original = Activity.objects.filter(owner=old).order_by("start_time")
    assert [(a.sport, a.distance_m, a.moving_s) for a in moved] == [
        (a.sport, a.distance_m, a.moving_s) for a in original
    ]
    assert moved[0].best_efforts.count() == original[0].best_efforts.count() > 0


def test_erasure_removes_every_activity():
    user = UserFactory()
    services.record_activity(owner=user, activity=run_activity(meridian_run(seconds=300)))

    for _name, erase in personal_data.erasers():
        erase(user.pk)

    assert not Activity.objects.exists()
