"""A year of training for the demo members: runs and rides with GPS tracks (loops from home,
recorded every 5 s like a watch's smart recording), heart rate and hills, and yoga sessions.

Deterministic (seeded per person), recorded through `record_activity` like any import, and
skipped for a person who already has demo activities, so `seed_demo` can run again."""

from __future__ import annotations

import math
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from apps.accounts import selectors as accounts_selectors
from apps.accounts import services as accounts_services
from apps.core import demo
from apps.core.exceptions import StrideError
from apps.core.geo import EARTH_RADIUS_M
from apps.training import services
from apps.training.models import Activity
from apps.training.types import NormalizedActivity, NormalizedStreams

SAMPLE_S = 5
DAYS = 365

# email -> (home lat, lng, time zone, easy pace s/km, resting, max heart rate)
ATHLETES = {
    "anna@stride.local": (48.1374, 11.5755, "Europe/Berlin", 320, 52, 188),
    "ivan@stride.local": (55.7558, 37.6173, "Europe/Moscow", 370, 60, 182),
    "maya@stride.local": (41.3874, 2.1686, "Europe/Madrid", 345, 56, 191),
}


def _loop(
    rng: random.Random,
    home: tuple[float, float],
    distance_m: float,
    speed: float,
    hr: tuple[float, float],
    hilly: float,
) -> NormalizedStreams:
    """A loop that starts and ends near home, with pace, heart-rate drift and hills."""
    radius = distance_m / (2 * math.pi)
    bearing = rng.uniform(0, 2 * math.pi)
    # The loop's centre lies `radius` away from home, so the loop passes through home.
    c_lat = home[0] + math.degrees(radius * math.cos(bearing) / EARTH_RADIUS_M)
    c_lng = home[1] + math.degrees(
        radius * math.sin(bearing) / (EARTH_RADIUS_M * math.cos(math.radians(home[0])))
    )
    start_angle = bearing + math.pi
    rest, top = hr
    t = d = 0.0
    time_s, lat, lng, alt, heart = [], [], [], [], []
    while d <= distance_m:
        angle = start_angle + 2 * math.pi * d / distance_m
        dy, dx = radius * math.cos(angle), radius * math.sin(angle)
        lat.append(c_lat + math.degrees(dy / EARTH_RADIUS_M) + rng.gauss(0, 2e-6))
        lng.append(
            c_lng
            + math.degrees(dx / (EARTH_RADIUS_M * math.cos(math.radians(c_lat))))
            + rng.gauss(0, 2e-6)
        )
        alt.append(520 + hilly * math.sin(3 * angle) + rng.gauss(0, 0.4))
        effort = min(1.0, 0.55 + 0.35 * speed / 4.5 + 0.1 * t / 3600)
        heart.append(round(rest + (top - rest) * effort + rng.gauss(0, 2)))
        time_s.append(t)
        step = speed * rng.uniform(0.92, 1.08) * SAMPLE_S
        t += SAMPLE_S
        d += step
    return NormalizedStreams(time=time_s, lat=lat, lng=lng, altitude=alt, heart_rate=heart)


def _week_plan(rng: random.Random) -> list[tuple[int, str]]:
    """(weekday, kind) of the sessions in a week: three or four runs, a ride, yoga."""
    sessions = [(1, "easy"), (3, "tempo"), (6, "long")]
    if rng.random() < 0.5:
        sessions.append((4, "easy"))
    if rng.random() < 0.6:
        sessions.append((5, "ride"))
    if rng.random() < 0.7:
        sessions.append((0, "yoga"))
    return sessions


def _activity(rng, kind: str, start: datetime, athlete) -> NormalizedActivity:
    lat, lng, tz, easy_pace, rest, top = athlete
    if kind == "yoga":
        return NormalizedActivity(
            sport="yoga",
            start_time=start,
            elapsed_s=rng.choice([30, 45, 60]) * 60,
            perceived_effort=rng.choice([2, 3, 4]),
            title="Yoga",
            timezone=tz,
            source="provider",
            provider="demo",
        )
    if kind == "ride":
        distance = rng.uniform(25_000, 60_000)
        streams = _loop(rng, (lat, lng), distance, rng.uniform(6.5, 8.0), (rest, top - 15), 25)
        sport, title = "ride", "Ride"
    else:
        distance = {"easy": 7000, "tempo": 9000, "long": 16000}[kind] * rng.uniform(0.8, 1.2)
        pace = easy_pace * {"easy": 1.0, "tempo": 0.88, "long": 1.06}[kind]
        streams = _loop(rng, (lat, lng), distance, 1000 / pace, (rest, top), 15)
        sport, title = "run", {"easy": "Easy run", "tempo": "Tempo run", "long": "Long run"}[kind]
    return NormalizedActivity(
        sport=sport,
        start_time=start,
        title=title,
        timezone=tz,
        source="provider",
        provider="demo",
        device_name="Demo Watch 2",
        streams=streams,
    )


@demo.register(order=40)
def seed_activities() -> list[str]:
    lines = []
    users = get_user_model().objects.filter(email__in=list(ATHLETES))
    for user in users:
        if Activity.objects.filter(owner=user, provider="demo").exists():
            lines.append(f"{user.email}: activities already there")
            continue
        athlete = ATHLETES[user.email]
        lat, lng, tz, *_rest = athlete
        zone = ZoneInfo(tz)
        profile = accounts_selectors.profile_for(user=user)
        if profile.timezone != tz:
            accounts_services.profile_update(
                user=user, timezone=tz, sports=["running", "cycling", "yoga"]
            )
        if not accounts_selectors.privacy_zone_list(user=user).exists():
            accounts_services.privacy_zone_create(
                user=user, name="Home", latitude=lat, longitude=lng, radius_m=200
            )
        rng = random.Random(user.email)  # noqa: S311 - demo data, repeatable by design
        today = datetime.now(zone).date()
        first_monday = today - timedelta(days=DAYS + today.weekday())
        count = 0
        for week in range(DAYS // 7 + 1):
            monday = first_monday + timedelta(weeks=week)
            for weekday, kind in _week_plan(rng):
                day = monday + timedelta(days=weekday)
                if day >= today or rng.random() < 0.12:  # the future, or a missed day
                    continue
                hour = 7 if kind != "long" else 9
                start = datetime.combine(day, time(hour, rng.choice([0, 15, 30, 45])), zone)
                activity = _activity(rng, kind, start, athlete)
                activity.external_id = f"demo-{day.isoformat()}-{kind}"
                activity.visibility = "public" if kind in ("long", "ride") else "followers"
                services.record_activity(owner=user, activity=activity)
                count += 1
        lines.append(f"{user.email}: {count} activities over the last year")
    return lines


@demo.register(order=45)
def seed_plan_enrollments() -> list[str]:
    """Anna trains for a 10 km race, Maya follows the yoga series: their schedules show today."""
    from apps.training.plans import services as plan_services

    lines = []
    for email, slug in (("anna@stride.local", "10k"), ("maya@stride.local", "yoga-30-days")):
        user = get_user_model().objects.filter(email=email).first()
        if user is None:
            continue
        try:
            enrolled = plan_services.plan_enroll(owner=user, plan_slug=slug)
        except StrideError as exc:  # e.g. a template renamed: the rest of the seed goes on
            lines.append(f"{email}: could not enroll in {slug}: {exc}")
            continue
        state = "enrolled" if enrolled.created else "already enrolled"
        lines.append(f"{email}: {state} in the {slug} plan")
    return lines
