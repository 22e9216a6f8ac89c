"""The calendar feed: private token address, all-day events on local dates, regenerable."""

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from apps.accounts import services as accounts_services
from apps.training.plans import services
from tests.training.plans.conftest import MONDAY, athlete

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrollment(clock):
    user = athlete("Asia/Tokyo")
    return services.plan_enroll(owner=user, plan_slug="10k", start_date=MONDAY).enrollment


def _feed(client, enrollment):
    return client.get(f"/plans/calendar/{enrollment.calendar_token}.ics")


def test_the_feed_lists_every_session_as_an_all_day_event_without_sign_in(client, enrollment):
    services.session_skip(session=enrollment.sessions.get(index=2))

    response = _feed(client, enrollment)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Tokyo"
    assert str(calendar["X-WR-CALNAME"]) == "Stride: 10 km"
    events = calendar.walk("VEVENT")
    assert len(events) == 32
    first = events[0]
    assert (first.decoded("DTSTART"), first.decoded("DTEND")) == (
        date(2026, 6, 1),
        date(2026, 6, 2),
    )
    assert str(first["SUMMARY"]) == "Easy run"
    assert str(first["DESCRIPTION"]) == "Run: 5 km, easy, heart-rate zone 2"
    assert [str(e["STATUS"]) for e in events[:3]] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert len({str(e["UID"]) for e in events}) == 32
    assert str(first["UID"]) == f"plan-session-{enrollment.sessions.get(index=0).pk}@127.0.0.1"


def test_the_feed_is_in_the_owners_language(client, enrollment):
    enrollment.owner.language = "de"
    enrollment.owner.save(update_fields=["language"])

    calendar = Calendar.from_ical(_feed(client, enrollment).content)

    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "Lockerer Lauf"


def test_a_done_session_says_so(client, enrollment, clock, record):
    from apps.training.types import NormalizedActivity

    clock.set(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))  # 21:00 in Tokyo
    record(
        enrollment.owner,
        NormalizedActivity(
            sport="run",
            start_time=datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
            elapsed_s=1800,
            distance_m=5000,
        ),
    )

    calendar = Calendar.from_ical(_feed(client, enrollment).content)

    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "Easy run (done)"


def test_a_new_token_retires_the_old_address(client, enrollment):
    old = enrollment.calendar_token

    services.calendar_token_regenerate(enrollment=enrollment)

    assert len(enrollment.calendar_token) >= 43 and enrollment.calendar_token != old
    assert client.get(f"/plans/calendar/{old}.ics").status_code == 404
    assert _feed(client, enrollment).status_code == 200


def test_unknown_tokens_and_stopped_plans_have_no_feed(client, enrollment):
    assert client.get("/plans/calendar/guess.ics").status_code == 404
    services.enrollment_abandon(enrollment=enrollment)
    assert _feed(client, enrollment).status_code == 404


def test_time_zone_change_later_does_not_move_the_dates(client, enrollment):
    accounts_services.profile_update(user=enrollment.owner, timezone="America/Los_Angeles")

    calendar = Calendar.from_ical(_feed(client, enrollment).content)

    assert calendar.walk("VEVENT")[0].decoded("DTSTART") == date(2026, 6, 1)
