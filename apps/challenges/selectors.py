"""Reads: challenges with the reader's progress, the badge cabinet and leaderboards read from
the summary table (never summed from activities per request)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.challenges import hooks
from apps.challenges.exceptions import GroupBoardForbidden
from apps.challenges.models import (
    BadgeAward,
    Challenge,
    LeaderboardEntry,
    LeaderboardSettings,
    Participation,
    Period,
)
from apps.core.db_router import replica_safe
from apps.experiments import selectors as experiment_selectors
from apps.training import selectors as training_selectors

METRIC_FIELDS = {"distance": "distance_m", "time": "moving_s", "elevation": "elevation_m"}
LEADERBOARD_SCOPES = ("global", "country", "following", "group", "challenge")
# Age groups of segment boards: age this year (birth year based), inclusive bounds.
AGE_GROUPS = {
    "under-20": (0, 19),
    "20-29": (20, 29),
    "30-39": (30, 39),
    "40-49": (40, 49),
    "50-59": (50, 59),
    "60-plus": (60, 130),
}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def period_start(*, period: str, day: date) -> date:
    return week_start(day) if period == Period.WEEK else month_start(day)


def _challenges(*, user) -> QuerySet[Challenge]:
    qs = Challenge.objects.filter(published=True).select_related("badge")
    if user is not None and user.is_authenticated:
        qs = qs.prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(user=user),
                to_attr="mine",
            )
        )
    return qs.order_by("-end_date", "id")


def _arm_filter(variants: dict[str, str | None], user) -> Q:
    shown = Q(experiment="")
    if variants and user is not None and user.is_authenticated:  # what you joined stays listed
        shown |= Q(pk__in=Participation.objects.filter(user=user).values("challenge_id"))
    for key, variant in sorted(variants.items()):
        arms = experiment_selectors.shown_arms(experiment_key=key, variant=variant)
        if arms:
            shown |= Q(experiment=key, variant__in=sorted(arms))
    return shown


def challenge_list(*, user, variants: dict[str, str | None] | None = None) -> QuerySet[Challenge]:
    """Published challenges, those still running first, each with the reader's participation
    prefetched (`mine`: a list of zero or one). A challenge rolled out to a variant of an
    experiment is listed only when `variants` ({experiment key: the reader's variant}, from
    `services.challenge_list_for`) says the reader's variant sees it, or the reader joined it
    (say through a shared link, or before the experiment stopped)."""
    return _challenges(user=user).filter(_arm_filter(variants or {}, user))


def challenge_experiments() -> dict[str, date]:
    """The experiments published challenges are rolled out with, each with the last day of
    its latest challenge. One query."""
    rows = (
        Challenge.objects.filter(published=True)
        .exclude(experiment="")
        .values("experiment")
        .annotate(last=Max("end_date"))
        .order_by()
    )
    return {row["experiment"]: row["last"] for row in rows}


def challenge_get(*, challenge_id: int, user=None) -> Challenge | None:
    """One published challenge by id (also one of an experiment: a shared link works)."""
    return _challenges(user=user).filter(pk=challenge_id).first()


def participation_get(*, challenge, user) -> Participation | None:
    return Participation.objects.filter(challenge=challenge, user=user).first()


def participations_touching(*, user_id: int, first: date, last: date) -> QuerySet[Participation]:
    """The person's participations whose window overlaps [first, last] (a day of slack on each
    side for time zones)."""
    return Participation.objects.filter(
        user_id=user_id,
        challenge__start_date__lte=last + timedelta(days=1),
        challenge__end_date__gte=first - timedelta(days=1),
    ).select_related("challenge", "challenge__badge")


def badge_cabinet(*, user) -> QuerySet[BadgeAward]:
    return BadgeAward.objects.filter(user=user).select_related("badge").order_by("-awarded_at")


def hidden_user_ids() -> QuerySet:
    return LeaderboardSettings.objects.filter(hidden=True).values("user_id")


def is_hidden(*, user) -> bool:
    return LeaderboardSettings.objects.filter(user=user, hidden=True).exists()


def _followed_ids(viewer_id: int):
    """The people `viewer` follows, through the hook the community app registers in training
    (None until follows exist)."""
    lookup = training_selectors._followed_ids
    return None if lookup is None else lookup(viewer_id)


@dataclass(frozen=True)
class Row:
    rank: int
    user_id: int
    display_name: str
    value: float


@dataclass(frozen=True)
class Board:
    rows: list[Row]
    me: Row | None
    total: int


def _display(user) -> str:
    return str(user.public_name)


@replica_safe
def _rank_rows(qs: QuerySet, value_field: str, limit: int, viewer) -> Board:
    """Top `limit` of `qs` by value (ties: lower user id first) and the viewer's own row; the
    viewer's rank is one count, not a scan of the board. Replica-safe (boards may lag a little;
    who may read a group board is decided before, on the primary)."""
    opened = qs.exclude(user_id__in=hidden_user_ids())
    ordered = opened.select_related("user").order_by(F(value_field).desc(), "user_id")
    top = list(ordered[:limit])
    rows = [
        Row(i + 1, r.user_id, _display(r.user), float(getattr(r, value_field)))
        for i, r in enumerate(top)
    ]
    me = None
    if viewer is not None and viewer.is_authenticated:
        mine = next((row for row in rows if row.user_id == viewer.pk), None)
        if mine is None:
            own = opened.filter(user_id=viewer.pk).first()
            if own is not None:
                value = getattr(own, value_field)
                ahead = opened.filter(
                    Q(**{f"{value_field}__gt": value})
                    | Q(**{value_field: value, "user_id__lt": viewer.pk})
                ).count()
                mine = Row(ahead + 1, viewer.pk, _display(viewer), float(value))
        me = mine
    return Board(rows, me, opened.count())


def leaderboard(
    *,
    viewer,
    sport: str,
    period: str,
    day: date | None = None,
    metric: str = "distance",
    scope: str = "global",
    country: str = "",
    group_id: int | None = None,
    limit: int = 50,
) -> Board:
    """A weekly or monthly board for one sport; scope global, country (the reader's unless
    given), following (the people the reader follows, and the reader) or group (its members;
    only members may read it: raises GroupBoardForbidden otherwise)."""
    day = day or timezone.localdate()
    field = METRIC_FIELDS[metric]
    qs = LeaderboardEntry.objects.filter(
        sport=sport, period=period, period_start=period_start(period=period, day=day)
    ).filter(**{f"{field}__gt": 0})
    if scope == "country":
        qs = qs.filter(country=country)
    elif scope == "following":
        followed = _followed_ids(viewer.pk) if viewer is not None else None
        allowed = Q(user_id=viewer.pk) if viewer is not None else Q(pk__in=[])
        if followed is not None:
            allowed |= Q(user_id__in=followed)
        qs = qs.filter(allowed)
    elif scope == "group":
        viewer_id = viewer.pk if viewer is not None else None
        if not hooks.is_group_member(group_id, viewer_id) or hooks.group_member_ids is None:
            raise GroupBoardForbidden()
        qs = qs.filter(user_id__in=hooks.group_member_ids(group_id))
    return _rank_rows(qs, field, limit, viewer)


def challenge_leaderboard(*, viewer, challenge, limit: int = 50) -> Board:
    qs = Participation.objects.filter(challenge=challenge, progress__gt=0)
    return _rank_rows(qs, "progress", limit, viewer)


def segments_of(*, owner) -> QuerySet:
    from apps.challenges.models import Segment

    return Segment.objects.filter(owner=owner).order_by("-created", "-id")


def activities_near(*, cells: set[int], sport: str, exclude_id: int | None, limit: int) -> list:
    """Ids of the activities of `sport` whose track crosses one of `cells`, newest first."""
    from apps.challenges.models import ActivityCell

    rows = (
        ActivityCell.objects.filter(cell__in=cells, sport=sport)
        .exclude(activity_id=exclude_id)
        .order_by("-start_time", "-activity_id")
        .values_list("activity_id", flat=True)
    )
    ids: dict[int, None] = {}  # ordered, unique
    for activity_id in rows.iterator(chunk_size=500):
        ids[activity_id] = None
        if len(ids) >= limit:
            break
    return list(ids)


def segment_source_activities(*, owner, limit: int = 30) -> list:
    """The owner's recent activities with a GPS track: what a new segment may be cut from."""
    return list(
        training_selectors.activity_list(owner=owner)
        .exclude(summary_polyline="")
        .only("pk", "start_time", "title", "sport")[:limit]
    )


def segment_get(*, segment_id: int):
    from apps.challenges.models import Segment

    return Segment.objects.filter(pk=segment_id).first()


@replica_safe
def segment_leaderboard(
    *,
    viewer,
    segment,
    year: int | None = None,
    scope: str = "all",
    sex: str = "",
    age_group: str = "",
    limit: int = 50,
) -> Board:
    """Each athlete's best time on the segment (all time or one year; everyone or the people
    the viewer follows), fastest first, ties by user id; hidden efforts count only for their
    athlete; the viewer's own rank even outside the top. Replica-safe: read by GET pages and
    the API only (a page that renamed the segment first reads the primary: read-your-writes)."""
    from django.db.models import Min

    from apps.challenges.models import SegmentEffort

    qs = SegmentEffort.objects.filter(segment=segment)
    if viewer is not None and viewer.is_authenticated:
        qs = qs.filter(Q(hidden=False) | Q(user_id=viewer.pk))
    else:
        qs = qs.filter(hidden=False)
    if year is not None:
        qs = qs.filter(started_at__year=year)
    if sex:
        qs = qs.filter(sex=sex)
    if age_group:
        youngest, oldest = AGE_GROUPS[age_group]
        this_year = timezone.localdate().year
        qs = qs.filter(birth_year__lte=this_year - youngest, birth_year__gte=this_year - oldest)
    if scope == "following":
        followed = _followed_ids(viewer.pk)
        allowed = Q(user_id=viewer.pk)
        if followed is not None:
            allowed |= Q(user_id__in=followed)
        qs = qs.filter(allowed)
    best = qs.values("user_id").annotate(best=Min("elapsed_s")).order_by("best", "user_id")
    top = list(best[:limit])
    users = {u.pk: u for u in _users([r["user_id"] for r in top])}
    rows = [
        Row(i + 1, r["user_id"], str(users[r["user_id"]].public_name), r["best"])
        for i, r in enumerate(top)
    ]
    me = None
    if viewer is not None and viewer.is_authenticated:
        me = next((row for row in rows if row.user_id == viewer.pk), None)
        if me is None:
            mine = qs.filter(user_id=viewer.pk).aggregate(best=Min("elapsed_s"))["best"]
            if mine is not None:
                ahead = best.filter(Q(best__lt=mine) | Q(best=mine, user_id__lt=viewer.pk)).count()
                me = Row(ahead + 1, viewer.pk, str(viewer.public_name), mine)
    return Board(rows, me, best.count())


def _users(ids: list[int]):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=ids)


def segment_personal_bests(*, user, segment, limit: int = 10):
    from apps.challenges.models import SegmentEffort

    return SegmentEffort.objects.filter(segment=segment, user=user).order_by(
        "elapsed_s", "started_at"
    )[:limit]


def completed_challenge_ids(*, user) -> QuerySet:
    """Ids of the challenges the person finished (for apps above: promos segments)."""
    return Participation.objects.filter(user=user, completed_at__isnull=False).values_list(
        "challenge_id", flat=True
    )


def participation_history(*, since=None) -> QuerySet:
    """(user_id, challenge_id, joined_at) of every participation, oldest first (for the
    recommendations app: who joins what)."""
    qs = Participation.objects.all()
    if since is not None:
        qs = qs.filter(joined_at__gte=since)
    return qs.order_by("joined_at", "pk").values_list("user_id", "challenge_id", "joined_at")
