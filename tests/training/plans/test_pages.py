"""Plan pages: catalog, plan, my schedule with its forms, in en, ru and de."""

from datetime import timedelta

import pytest

from apps.training.plans import selectors, services
from apps.training.plans.models import PlanAdaptation, PlanEnrollment
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def enrollment(member):
    return services.plan_enroll(owner=member, plan_slug="10k").enrollment


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Training plans"), ("ru", "Планы тренировок"), ("de", "Trainingspläne")],
)
def test_the_catalog_is_public_and_translated(client, language, heading):
    response = client.get("/plans/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_a_plan_page_shows_its_weeks_and_asks_strangers_to_sign_in(client):
    response = client.get("/plans/10k/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Week 8" in page
    assert "Interval: 5 × 400 m, hard, heart-rate zone 4" in page
    assert "to follow this plan" in page
    assert client.get("/plans/marathon/").status_code == 404


def test_enrolling_from_the_plan_page(client, member):
    start = selectors.local_today("UTC") + timedelta(days=2)

    response = client.post("/plans/10k/enroll/", {"start_date": start.isoformat()})

    enrollment = PlanEnrollment.objects.get(owner=member)
    assert response.status_code == 302
    assert response["Location"] == f"/plans/mine/{enrollment.pk}/"
    assert enrollment.start_date == start


def test_a_refused_enrollment_says_why(client, member):
    race = selectors.local_today("UTC") + timedelta(days=5)

    response = client.post("/plans/10k/enroll/", {"race_date": race.isoformat()}, follow=True)

    assert "This plan takes 56 days" in response.content.decode()
    assert not PlanEnrollment.objects.filter(owner=member).exists()


@pytest.mark.parametrize("language", ["en", "ru", "de"])
def test_my_schedule_shows_the_week_compliance_and_adaptations(client, enrollment, language):
    PlanAdaptation.objects.create(
        enrollment=enrollment,
        week=1,
        adapter="rules",
        decision="repeat",
        reason="low_compliance",
        compliance=0.5,
        planned_load=200,
        actual_load=100,
        factor_before=1.0,
        factor_after=0.9,
    )

    response = client.get(f"/plans/mine/{enrollment.pk}/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    page = response.content.decode()
    assert enrollment.calendar_token in page
    assert page.count('class="plan-session ') == 4
    if language == "en":
        assert "You did 50 % of last week&#x27;s sessions" in page
        assert "No session due yet." in page


def test_skip_and_move_from_the_schedule(client, enrollment):
    intervals = enrollment.sessions.get(index=1)
    tomorrow = enrollment.start_date + timedelta(days=1)
    base = f"/plans/mine/{enrollment.pk}/sessions/{intervals.pk}"

    moved = client.post(f"{base}/move/", {"date": tomorrow.isoformat()})
    taken = client.post(f"{base}/move/", {"date": enrollment.start_date.isoformat()}, follow=True)
    skipped = client.post(f"{base}/skip/")

    intervals.refresh_from_db()
    assert (moved.status_code, skipped.status_code) == (302, 302)
    assert "Another session of this plan is already on that day." in taken.content.decode()
    assert (intervals.date, intervals.status) == (tomorrow, "skipped")


def test_new_calendar_address_and_stopping(client, enrollment):
    old = enrollment.calendar_token

    client.post(f"/plans/mine/{enrollment.pk}/calendar/")
    response = client.post(f"/plans/mine/{enrollment.pk}/stop/")

    enrollment.refresh_from_db()
    assert enrollment.calendar_token != old
    assert (response.status_code, enrollment.status) == (302, "abandoned")


def test_another_users_schedule_is_not_found(client, member):
    theirs = services.plan_enroll(owner=UserFactory(), plan_slug="10k").enrollment
    session = theirs.sessions.get(index=0)

    assert client.get(f"/plans/mine/{theirs.pk}/").status_code == 404
    assert client.post(f"/plans/mine/{theirs.pk}/sessions/{session.pk}/skip/").status_code == 404
    assert client.post(f"/plans/mine/{theirs.pk}/stop/").status_code == 404
    session.refresh_from_db()
    theirs.refresh_from_db()
    assert (session.status, theirs.status) == ("planned", "active")


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/plans/mine/1/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_pages_carry_no_inline_script(client, enrollment):
    for url in ("/plans/", "/plans/10k/", f"/plans/mine/{enrollment.pk}/"):
        page = client.get(url).content.decode()
        assert "<script>" not in page and "onclick=" not in page, url


def test_a_session_is_offered_only_the_free_days_of_its_week(client, enrollment):
    page = client.get(f"/plans/mine/{enrollment.pk}/").content.decode()
    start = enrollment.start_date
    intervals = enrollment.sessions.get(index=1)
    select = page[page.index(f'id="move-{intervals.pk}"') :]
    select = select[: select.index("</select>")]

    offered = [part.split('"')[0] for part in select.split('value="')[1:]]

    assert offered == [(start + timedelta(days=n)).isoformat() for n in (1, 3, 5)]
