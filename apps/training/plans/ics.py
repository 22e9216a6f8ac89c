"""The schedule of an enrollment as an iCalendar feed (RFC 5545), for calendar apps to
subscribe to at a private address.

Sessions are all-day events on their local date: a plan says "Tuesday", not "Tuesday 07:00",
and an all-day date means the same day wherever the athlete's calendar app is set. The feed
names the athlete's time zone (X-WR-TIMEZONE) for apps that show it. The words are in the
owner's language, whoever fetches the feed.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from apps.training.plans import catalog
from apps.training.plans.models import PlanEnrollment, PlanSession


def _language(enrollment: PlanEnrollment) -> str:
    return getattr(enrollment.owner, "language", "") or settings.LANGUAGE_CODE


def calendar_bytes(*, enrollment: PlanEnrollment, sessions: list[PlanSession]) -> bytes:
    plan = catalog.plan_get(enrollment.plan_slug)
    host = urlsplit(settings.SITE_URL).hostname or "stride"
    with translation.override(_language(enrollment)):
        cal = Calendar()
        cal.add("prodid", f"-//{settings.SITE_NAME}//Training plans//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        name = f"{settings.SITE_NAME}: {plan.name}" if plan else settings.SITE_NAME
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", enrollment.timezone)
        cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
        stamp = timezone.now()
        for session in sessions:
            event = Event()
            event.add("uid", f"plan-session-{session.pk}@{host}")
            event.add("dtstamp", stamp)
            event.add("dtstart", session.date)  # a date: an all-day event
            event.add("dtend", session.date + timedelta(days=1))
            summary = catalog.session_title(session.kind, session.focus)
            if session.status == PlanSession.Status.DONE:
                summary = _("%(session)s (done)") % {"session": summary}
            event.add("summary", summary)
            event.add("description", "\n".join(catalog.describe_step(s) for s in session.steps))
            event.add("transp", "TRANSPARENT")
            if session.status == PlanSession.Status.SKIPPED:
                event.add("status", "CANCELLED")
            else:
                event.add("status", "CONFIRMED")
            cal.add_component(event)
        return cal.to_ical()
