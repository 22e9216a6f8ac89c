"""The training pages: typing in an activity in one's own units and time zone, the activity page
as owner and as someone else, and the dashboard, in every language."""

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts import services as accounts_services
from apps.training import services
from apps.training.models import Activity
from tests.accounts.factories import UserFactory
from tests.training.tracks import meridian_run, run_activity

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["en", "ru", "de"])
def test_pages_render_in_every_language(language):
    user = UserFactory(language=language)
    activity = services.record_activity(
        owner=user, activity=run_activity(meridian_run(seconds=1500))
    ).activity
    client = _client(user)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}

    for url in ("/dashboard/", "/activities/", "/activities/new/", f"/activities/{activity.pk}/"):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()


def test_typing_in_a_run_in_miles_and_local_time():
    user = UserFactory()
    accounts_services.profile_update(user=user, units="imperial", timezone="Europe/Berlin")
    yesterday = (timezone.now() - timedelta(days=1)).date()

    response = _client(user).post(
        "/activities/new/",
        {
            "sport": "run",
            "date": yesterday.isoformat(),
            "time": "07:30",
            "duration": "0:45:00",
            "distance": "5.00",
            "visibility": "only_me",
            "title": "Morning miles",
        },
    )

    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/activities/{activity.pk}/"
    assert activity.distance_m == pytest.approx(8046.7, abs=0.1)  # 5 miles
    assert activity.elapsed_s == 2700
    local = timezone.localtime(activity.start_time, timezone=ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (7, 30)


def test_an_implausible_run_is_a_form_error_next_to_its_field():
    user = UserFactory()
    response = _client(user).post(
        "/activities/new/",
        {
            "sport": "run",
            "date": (timezone.now() - timedelta(days=1)).date().isoformat(),
            "time": "07:30",
            "duration": "10:00",
            "distance": "42.2",
            "visibility": "only_me",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "which is not plausible for this sport" in page
    assert not Activity.objects.exists()
    bad_duration = _client(user).post("/activities/new/", {"duration": "1:75:00"})
    assert "Enter the duration as h:mm:ss" in bad_duration.content.decode()


def test_the_owner_sees_and_edits_others_only_see():
    owner, other = UserFactory(), UserFactory()
    activity = services.record_activity(
        owner=owner,
        activity=run_activity(meridian_run(seconds=1500), visibility="public", title="<b>Hi</b>"),
    ).activity
    url = f"/activities/{activity.pk}/"

    mine = _client(owner).get(url).content.decode()
    theirs = _client(other).get(url).content.decode()

    assert "Delete this activity" in mine and "Delete this activity" not in theirs
    assert "&lt;b&gt;Hi&lt;/b&gt;" in theirs and "<b>Hi</b>" not in theirs
    assert '<svg class="map"' in theirs and "Splits" in theirs
    assert 'class="speed"' in mine and 'class="heart-rate"' in mine
    assert _client(other).post(url + "delete/").status_code == 404
    assert (
        _client(other)
        .post(url + "edit/", {"title": "x", "sport": "run", "visibility": "public"})
        .status_code
        == 404
    )
    _client(owner).post(
        url + "edit/", {"title": "Renamed", "sport": "run", "visibility": "only_me"}
    )
    activity.refresh_from_db()
    assert (activity.title, activity.visibility) == ("Renamed", "only_me")
    assert _client(other).get(url).status_code == 404
    assert Client().get(url)["Location"].startswith("/accounts/login/")
    _client(owner).post(url + "delete/")
    assert not Activity.objects.exists()


def test_the_dashboard_shows_the_week_records_and_fitness():
    user = UserFactory()
    services.record_activity(
        owner=user,
        activity=run_activity(
            meridian_run(seconds=3500), start_time=timezone.now() - timedelta(hours=2)
        ),
    )

    page = _client(user).get("/dashboard/").content.decode()

    assert "10.50 km" in page  # this week's run
    assert "Personal records" in page and "5 km" in page
    assert 'class="fitness"' in page


def test_routes_from_an_activity_and_from_gpx_on_the_pages():
    from tests.training.gpx import gpx_upload

    owner, other = UserFactory(), UserFactory()
    activity = services.record_activity(
        owner=owner, activity=run_activity(meridian_run(seconds=600))
    ).activity
    client = _client(owner)

    saved = client.post(f"/activities/{activity.pk}/route/", follow=True)
    assert "The route is saved." in saved.content.decode()
    uploaded = client.post("/routes/", {"gpx": gpx_upload(), "visibility": "only_me"}, follow=True)
    assert "Riverside" in uploaded.content.decode()
    listing = client.get("/routes/").content.decode()
    assert "Riverside" in listing and str(activity) in listing

    route_id = uploaded.redirect_chain[-1][0].rstrip("/").split("/")[-1]
    assert _client(other).get(f"/routes/{route_id}/").status_code == 404  # private
    assert _client(other).post(f"/routes/{route_id}/delete/").status_code == 404
    assert client.get(f"/routes/{route_id}/gpx/")["Content-Type"] == "application/gpx+xml"
    bad = client.post("/routes/", {"gpx": gpx_upload(b"nope"), "visibility": "only_me"})
    assert "This is not a GPX file we can read." in bad.content.decode()


def test_staff_find_activities_in_the_admin():
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    admin_client = _client(staff)
    user = UserFactory(email="runner@example.com")
    services.record_activity(owner=user, activity=run_activity(meridian_run(seconds=300)))

    listing = admin_client.get("/admin/training/activity/?q=runner@example.com")

    assert listing.status_code == 200
    assert "runner@example.com" in listing.content.decode()
    activity = Activity.objects.get()
    assert admin_client.get(f"/admin/training/activity/{activity.pk}/change/").status_code == 200


def test_the_demo_seed_gives_a_year_of_training_and_plans():
    from django.core.management import call_command

    from apps.training.plans.models import PlanEnrollment

    call_command("seed_demo", stdout=io.StringIO())
    anna = Activity.objects.filter(owner__email="anna@stride.local")

    assert anna.filter(sport="run").count() > 100
    assert anna.filter(sport="yoga", distance_m__isnull=True).exists()
    assert anna.exclude(summary_polyline="").exists()
    assert PlanEnrollment.objects.filter(owner__email="anna@stride.local", plan_slug="10k").exists()
    before = Activity.objects.count()
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing new
    assert Activity.objects.count() == before
