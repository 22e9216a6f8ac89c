"""Writes: joining and leaving challenges, progress, completion (badge, points, notification),
badge awards and the leaderboard summary. Everything derived is recomputed from the owner's
activities, so any event may be replayed or delivered twice without changing the result."""

from __future__ import annotations

import itertools
import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts import selectors as accounts_selectors
from apps.challenges import badges, hooks, matching, selectors
from apps.challenges.exceptions import (
    ChallengeClosed,
    ChallengeNotEligible,
    SegmentInPrivacyZone,
    SegmentInvalid,
    SegmentNotYours,
)
from apps.challenges.models import (
    ActivityCell,
    ActivityContribution,
    Badge,
    BadgeAward,
    Challenge,
    FlaggedActivity,
    LeaderboardEntry,
    LeaderboardSettings,
    Metric,
    Participation,
    Period,
    Segment,
    SegmentEffort,
)
from apps.challenges.points import awarder
from apps.core.geo import haversine_m
from apps.experiments import selectors as experiment_selectors
from apps.experiments import services as experiments
from apps.notifications import services as notifications
from apps.training import selectors as training_selectors
from apps.training.services import MANUAL_BOUNDS

# Groups arrive with apps.groups (beside us in the layers): it registers how to tell whether a
# person belongs to a group (apps/challenges/hooks.py).
register_group_membership = hooks.register_group_membership


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _user_zone(user) -> ZoneInfo:
    return _zone(accounts_selectors.profile_for(user=user).timezone)


def today(zone: ZoneInfo) -> date:
    return timezone.now().astimezone(zone).date()


def _local_date(activity, zone: ZoneInfo | None = None) -> date:
    return activity.start_time.astimezone(zone or _zone(activity.timezone)).date()


# --- Plausibility ---------------------------------------------------------------------------


def implausible_speed(activity) -> float | None:
    """The average speed if it is beyond what the sport allows (the typed-in bounds of
    training), else None."""
    bounds = MANUAL_BOUNDS.get(activity.sport)
    if not bounds or not activity.distance_m or not activity.moving_s:
        return None
    speed = activity.distance_m / activity.moving_s
    return speed if speed > bounds[3] else None


def _flag_refresh(activity) -> bool:
    """Flag or unflag the activity; True if it is flagged (and so not counted)."""
    speed = implausible_speed(activity)
    if speed is None:
        FlaggedActivity.objects.filter(activity_id=activity.pk).delete()
        return False
    FlaggedActivity.objects.update_or_create(
        activity_id=activity.pk,
        defaults={
            "owner_id": activity.owner_id,
            "reason": "speed",
            "speed_mps": round(speed, 2),
            "flagged_at": timezone.now(),
        },
    )
    return True


def _counted(user_id: int):
    """The person's activities that count: not flagged, and not from a provider whose terms
    keep its data to its owner (Strava: its activities never reach what others see)."""
    flagged = FlaggedActivity.objects.filter(owner_id=user_id).values("activity_id")
    return (
        training_selectors.activity_list(owner=user_id)
        .exclude(pk__in=flagged)
        .exclude(provider__in=training_selectors.OWNER_ONLY_PROVIDERS)
    )


def _shown_to_others(user_id: int):
    """What public leaderboards may sum: counted activities that are not private."""
    return _counted(user_id).exclude(visibility="only_me")


# --- Challenges -----------------------------------------------------------------------------


def _eligible(challenge: Challenge, user) -> bool:
    profile = accounts_selectors.profile_for(user=user)
    if challenge.scope == "country":
        return str(profile.country) == challenge.country
    if challenge.scope == "region":
        return str(profile.country) == challenge.country and (
            (profile.region or "").casefold() == challenge.region.casefold()
        )
    if challenge.scope == "group":
        return hooks.is_group_member(challenge.group_id, user.pk)
    return True


# The conversion metric of a challenge's experiment.
METRIC_JOIN = "join"


def challenge_list_for(*, user):
    """Published challenges for a person. One rolled out to a variant of an experiment is
    listed to the people whose variant sees it; listing puts the person in the experiments of
    challenges still open (sticky, on the user: the same on web pages and in the API) and
    records one exposure each through apps.experiments. Experiments of only ended challenges
    put nobody in: people never in them get the control's list."""
    last_days = selectors.challenge_experiments()
    if not last_days:
        return selectors.challenge_list(user=user, variants={})
    day = today(_user_zone(user))
    open_keys = {key for key, last in last_days.items() if last >= day}
    variants = experiment_selectors.assigned_variants(
        experiment_keys=last_days.keys() - open_keys, user_id=user.pk
    )
    variants.update(experiments.variants_for(experiment_keys=open_keys, user=user))
    return selectors.challenge_list(user=user, variants=variants)


def challenge_join(*, challenge: Challenge, user) -> Participation:
    """Join (again: nothing changes) and count what was already done inside the window. A
    challenge of an experiment records the join as its conversion (once per person)."""
    if challenge.end_date < today(_user_zone(user)):
        raise ChallengeClosed()
    if not challenge.published or not _eligible(challenge, user):
        raise ChallengeNotEligible()
    with transaction.atomic():
        participation, _created = Participation.objects.get_or_create(
            challenge=challenge, user=user, defaults={"joined_at": timezone.now()}
        )
        participation_recompute(participation=participation)
    if challenge.experiment:
        experiments.convert(user, challenge.experiment, METRIC_JOIN)
    return participation


def challenge_leave(*, challenge: Challenge, user) -> None:
    """Leave; a finished challenge keeps its badge and points."""
    Participation.objects.filter(challenge=challenge, user=user).delete()


def _window(challenge: Challenge, zone: ZoneInfo) -> tuple[datetime, datetime]:
    first = datetime.combine(challenge.start_date, time.min, tzinfo=zone)
    after = datetime.combine(challenge.end_date + timedelta(days=1), time.min, tzinfo=zone)
    return first, after


def participation_recompute(*, participation: Participation) -> Participation:
    """Progress from the participant's counted activities inside the window (their calendar);
    completes the challenge when the target is reached."""
    challenge = participation.challenge
    zone = _user_zone(participation.user)
    first, after = _window(challenge, zone)
    qs = _counted(participation.user_id).filter(start_time__gte=first, start_time__lt=after)
    if challenge.sport:
        qs = qs.filter(sport=challenge.sport)
    if challenge.exclude_manual:
        qs = qs.exclude(source="manual")
    rows = list(qs.values_list("start_time", "distance_m", "moving_s", "elevation_gain_m"))
    if challenge.metric == Metric.DISTANCE:
        progress = sum(r[1] or 0 for r in rows)
    elif challenge.metric == Metric.TIME:
        progress = sum(r[2] or 0 for r in rows)
    elif challenge.metric == Metric.ELEVATION:
        progress = sum(r[3] or 0 for r in rows)
    elif challenge.metric == Metric.ACTIVITIES:
        progress = len(rows)
    else:
        progress = badges.longest_streak(r[0].astimezone(zone).date() for r in rows)
    progress = round(float(progress), 1)
    if progress != participation.progress or len(rows) != participation.activities:
        participation.progress, participation.activities = progress, len(rows)
        Participation.objects.filter(pk=participation.pk).update(
            progress=progress, activities=len(rows)
        )
    if progress >= challenge.target and participation.completed_at is None:
        _complete(participation)
    return participation


def _complete(participation: Participation) -> None:
    """Exactly once per participation (a conditional update decides): one badge, one points
    award, one notification."""
    now = timezone.now()
    with transaction.atomic():
        won = Participation.objects.filter(pk=participation.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        if not won:
            return
        participation.completed_at = now
        challenge = participation.challenge
        BadgeAward.objects.get_or_create(
            user_id=participation.user_id,
            badge=challenge.badge or _finisher_badge(challenge),
            defaults={"awarded_at": now},
        )
        if challenge.points:
            awarder().award(
                user_id=participation.user_id,
                points=challenge.points,
                reason=f"challenge:{challenge.pk}",
            )
        user = participation.user
        with translation.override(getattr(user, "language", None) or None):
            title = challenge.title_text
        notifications.notify(
            user,
            "challenge_completed",
            {"challenge": title, "challenge_id": challenge.pk},
            collapse_key=f"challenge:{challenge.pk}",
        )


def _finisher_badge(challenge: Challenge) -> Badge:
    """A challenge without a badge of its own gets a finisher badge made for it, so that
    finishing two challenges gives two badges."""
    badge, _created = Badge.objects.get_or_create(
        slug=f"finisher-{challenge.slug}"[:60],
        defaults={
            "criterion": "challenge",
            "title": challenge.title,
            "description": challenge.description,
            "image": "challenges/badges/finisher.svg",
        },
    )
    return badge


def challenge_rebuild(*, challenge: Challenge) -> int:
    """Recompute every participant's progress from scratch; returns how many."""
    count = 0
    for participation in challenge.participations.select_related("challenge", "user"):
        participation_recompute(participation=participation)
        count += 1
    return count


# --- Leaderboard summary --------------------------------------------------------------------


def _period_recompute(*, user, sport: str, period: str, start: date, country: str) -> None:
    """One person's totals for one sport and period, from their counted activities."""
    end = start + timedelta(days=7) if period == Period.WEEK else _next_month(start)
    rows = [
        a
        for a in _shown_to_others(user.pk)
        .filter(
            sport=sport,
            start_time__gte=datetime.combine(
                start - timedelta(days=1), time.min, tzinfo=ZoneInfo("UTC")
            ),
            start_time__lt=datetime.combine(
                end + timedelta(days=1), time.min, tzinfo=ZoneInfo("UTC")
            ),
        )
        .only("start_time", "timezone", "distance_m", "moving_s", "elevation_gain_m")
        if start <= _local_date(a) < end
    ]
    if not rows:
        LeaderboardEntry.objects.filter(
            user=user, sport=sport, period=period, period_start=start
        ).delete()
        return
    LeaderboardEntry.objects.update_or_create(
        user=user,
        sport=sport,
        period=period,
        period_start=start,
        defaults={
            "country": country,
            "distance_m": round(sum(a.distance_m or 0 for a in rows), 1),
            "moving_s": sum(a.moving_s or 0 for a in rows),
            "elevation_m": round(sum(a.elevation_gain_m or 0 for a in rows), 1),
            "activities": len(rows),
        },
    )


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


# --- The handler of every activity event ----------------------------------------------------


def activity_changed(*, owner_id: int, activity_id: int) -> None:
    """React to an activity recorded, edited or deleted: re-derive its flag, the leaderboard
    periods it left and joined, the challenges around it and the badges. Idempotent."""
    user = get_user_model().objects.filter(pk=owner_id).first()
    if user is None:
        return
    with transaction.atomic():
        # One person's events one at a time (two workers racing would both insert the same
        # summary row); other people's run in parallel.
        get_user_model().objects.select_for_update().filter(pk=owner_id).first()
        activity = training_selectors.activity_owned(owner=user, activity_id=activity_id)
        before = ActivityContribution.objects.filter(activity_id=activity_id).first()
        touched: set[tuple[str, date]] = set()
        if before is not None:
            touched.add((before.sport, before.local_date))
        if activity is not None and not _flag_refresh(activity):
            day = _local_date(activity)
            touched.add((activity.sport, day))
            ActivityContribution.objects.update_or_create(
                activity_id=activity_id,
                defaults={"user": user, "sport": activity.sport, "local_date": day},
            )
        else:
            ActivityContribution.objects.filter(activity_id=activity_id).delete()
        country = str(accounts_selectors.profile_for(user=user).country or "")
        periods = {
            (sport, period, selectors.period_start(period=period, day=day))
            for sport, day in touched
            for period in Period.values
        }
        for sport, period, start in sorted(periods):
            _period_recompute(user=user, sport=sport, period=period, start=start, country=country)
        if touched:
            days = [day for _s, day in touched]
            for participation in selectors.participations_touching(
                user_id=owner_id, first=min(days), last=max(days)
            ):
                participation_recompute(participation=participation)
        badges_evaluate(user=user)
        if activity is not None:  # a deleted activity's efforts went with it (cascade)
            segment_efforts_recompute(activity=activity)


def user_rebuild(*, user) -> None:
    """Every derived row of one person, from scratch (management command, repairs)."""
    ids = set(training_selectors.activity_list(owner=user).values_list("pk", flat=True))
    ids |= set(ActivityContribution.objects.filter(user=user).values_list("activity_id", flat=True))
    for activity_id in sorted(ids):
        activity_changed(owner_id=user.pk, activity_id=activity_id)


# --- Badges ---------------------------------------------------------------------------------


def badges_evaluate(*, user) -> list[BadgeAward]:
    """Award every catalog badge whose rule the person now meets; never twice (a unique
    constraint), never taken back."""
    have = set(BadgeAward.objects.filter(user=user).values_list("badge_id", flat=True))
    given = []
    for badge in Badge.objects.exclude(pk__in=have).exclude(criterion="challenge"):
        rule = badges.RULES.get(badge.criterion)
        if rule is None or not rule(user, badge.threshold, _counted(user.pk)):
            continue
        award, created = BadgeAward.objects.get_or_create(
            user=user, badge=badge, defaults={"awarded_at": timezone.now()}
        )
        if created:
            given.append(award)
            with translation.override(getattr(user, "language", None) or None):
                name = badge.title_text
            notifications.notify(user, "badge_awarded", {"badge": name, "slug": badge.slug})
    return given


def leaderboard_visibility_set(*, user, hidden: bool) -> LeaderboardSettings:
    row, _created = LeaderboardSettings.objects.update_or_create(
        user=user, defaults={"hidden": hidden}
    )
    return row


# --- Segments -------------------------------------------------------------------------------

MIN_SEGMENT_M = 100.0
OWNER_RULES = training_selectors.ViewerRules(True, frozenset(), None)


def _track(activity) -> dict[str, list]:
    return training_selectors.activity_streams(
        activity=activity, rules=OWNER_RULES, keys={"lat", "lng", "time"}
    )


def segment_create(*, owner, activity_id: int, start_index: int, end_index: int, name: str):
    """Cut a segment from samples start_index..end_index of one of the owner's GPS activities
    (never through their privacy zones), and match that activity to it."""
    activity = training_selectors.activity_owned(owner=owner, activity_id=activity_id)
    if activity is None:
        raise SegmentInvalid()
    streams = _track(activity)
    lat, lng = streams.get("lat") or [], streams.get("lng") or []
    if not 0 <= start_index < end_index < len(lat):
        raise SegmentInvalid()
    points = [
        [la, ln]
        for la, ln in zip(
            lat[start_index : end_index + 1], lng[start_index : end_index + 1], strict=True
        )
        if la is not None and ln is not None
    ]
    distance = sum(haversine_m(*a, *b) for a, b in itertools.pairwise(points))
    if len(points) < 2 or distance < MIN_SEGMENT_M:
        raise SegmentInvalid()
    hidden = accounts_selectors.track_privacy_filter(user_id=owner.pk, activity_id=activity.pk)
    if hidden is not None and any(hidden(la, ln) for la, ln in points):
        raise SegmentInPrivacyZone()
    step = max(1, math.ceil(len(points) / Segment.MAX_POINTS))
    kept = points[::step]
    if kept[-1] != points[-1]:
        kept.append(points[-1])
    segment = Segment.objects.create(
        owner=owner,
        name=name[:120],
        sport=activity.sport,
        points=[[round(la, 6), round(ln, 6)] for la, ln in kept],
        distance_m=round(distance, 1),
        start_cell=matching.cell(*kept[0]),
        source_activity_id=activity.pk,
    )
    segment_efforts_recompute(activity=activity)
    from apps.challenges.tasks import segment_backfill_task

    transaction.on_commit(lambda: segment_backfill_task.delay(segment_id=segment.pk))
    return segment


BACKFILL_LIMIT = 2000


def segment_backfill(*, segment_id: int) -> int:
    """Match everyone's earlier activities of the segment's sport whose track passes near its
    start (newest first, at most BACKFILL_LIMIT; found through the cells index) to a new
    segment; returns how many were looked at. Privacy is applied per effort as for new runs."""
    segment = Segment.objects.filter(pk=segment_id).first()
    if segment is None:
        return 0
    ids = selectors.activities_near(
        cells=matching.cells_around(*segment.points[0]),
        sport=segment.sport,
        exclude_id=segment.source_activity_id,
        limit=BACKFILL_LIMIT,
    )
    activities = training_selectors.activities_by_ids(ids=ids)
    for activity in activities:
        segment_efforts_recompute(activity=activity)
    return len(activities)


def segment_create_between(
    *, owner, activity_id: int, from_m: float, to_m: float, name: str
) -> Segment:
    """Cut a segment by distance along the activity (from the page: "from km 2.1 to km 3.4")."""
    activity = training_selectors.activity_owned(owner=owner, activity_id=activity_id)
    if activity is None or not 0 <= from_m < to_m:
        raise SegmentInvalid()
    distance = (
        training_selectors.activity_streams(
            activity=activity, rules=OWNER_RULES, keys={"distance"}
        ).get("distance")
        or []
    )
    marks = [(i, d) for i, d in enumerate(distance) if d is not None]
    start = next((i for i, d in marks if d >= from_m), None)
    end = next((i for i, d in reversed(marks) if d <= to_m), None)
    if start is None or end is None or end <= start:
        raise SegmentInvalid()
    return segment_create(
        owner=owner, activity_id=activity_id, start_index=start, end_index=end, name=name
    )


def segment_rename(*, segment: Segment, user, name: str) -> Segment:
    if segment.owner_id != user.pk:
        raise SegmentNotYours()
    name = name.strip()[:120]
    if not name:
        raise SegmentInvalid(_("A segment needs a name."))
    segment.name = name
    segment.save(update_fields=["name", "modified"])
    return segment


@transaction.atomic
def segment_delete(*, segment: Segment) -> None:
    segment.delete()  # its efforts go with it


def segment_efforts_recompute(*, activity) -> list[SegmentEffort]:
    """The activity's efforts from scratch: candidate segments from the grid index (same
    sport, starting in a cell the track crosses), then the exact match."""
    with transaction.atomic():
        SegmentEffort.objects.filter(activity_id=activity.pk).delete()
        ActivityCell.objects.filter(activity_id=activity.pk).delete()
        streams = _track(activity)
        lat, lng, times = streams.get("lat"), streams.get("lng"), streams.get("time")
        if not lat or not lng or not times:
            return []
        ActivityCell.objects.bulk_create(
            ActivityCell(
                activity_id=activity.pk,
                cell=key,
                sport=activity.sport,
                start_time=activity.start_time,
            )
            for key in matching.crossed_cells(lat, lng)
        )
        cells = matching.track_cells(lat, lng)
        candidates = Segment.objects.filter(start_cell__in=cells, sport=activity.sport).only(
            "pk", "points"
        )
        track = matching.Track.build(lat, lng, times)
        in_zone = accounts_selectors.track_privacy_filter(
            user_id=activity.owner_id, activity_id=activity.pk
        )
        # Private runs and Strava-sourced ones (its terms) count for the athlete alone; a
        # followers-only run shows its time on the board, never its track.
        private = (
            activity.visibility == "only_me"
            or activity.provider in training_selectors.OWNER_ONLY_PROVIDERS
        )
        profile = accounts_selectors.profile_for(user=activity.owner)
        efforts = []
        for segment in candidates:
            for m in matching.match(track, segment.points):
                passes_zone = in_zone is not None and any(
                    in_zone(la, ln) for la, ln in segment.points
                )
                efforts.append(
                    SegmentEffort(
                        segment=segment,
                        activity_id=activity.pk,
                        user_id=activity.owner_id,
                        elapsed_s=round(m.elapsed_s, 1),
                        start_index=m.start_index,
                        end_index=m.end_index,
                        started_at=activity.start_time
                        + timedelta(seconds=track.time[m.start_index]),
                        hidden=private or passes_zone,
                        sex=profile.sex or "",
                        birth_year=profile.birth_year,
                    )
                )
        return SegmentEffort.objects.bulk_create(efforts)
