"""Reads on activities, always through who is looking: visibility, hidden fields and privacy
zones are applied here, so every page, API response, map and export gets them the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polyline
from django.db.models import Min, Q, QuerySet

from apps.accounts import selectors as accounts_selectors
from apps.accounts.models import Visibility
from apps.training import metrics, streams
from apps.training.models import Activity, ActivitySource, ActivityStreams, BestEffort

# Followers arrive with the community app, which sits above training: it registers here
# how to tell whether `viewer` follows `owner`, and which owners a viewer follows.
_follows: Callable[[int, int], bool] | None = None
_followed_ids: Callable[[int], QuerySet] | None = None


def register_follow_lookup(
    follows: Callable[[int, int], bool], followed_ids: Callable[[int], QuerySet]
) -> None:
    global _follows, _followed_ids
    _follows, _followed_ids = follows, followed_ids


# Blocks arrive with the community app too: two people where one blocked the other see none of
# each other's activities. `blocked(viewer_id, owner_id)` answers for one pair,
# `blocked_ids(viewer_id)` gives everyone hidden from the viewer.
_blocked: Callable[[int, int], bool] | None = None
_blocked_ids: Callable[[int], set[int]] | None = None


def register_block_lookup(
    blocked: Callable[[int, int], bool], blocked_ids: Callable[[int], set[int]]
) -> None:
    global _blocked, _blocked_ids
    _blocked, _blocked_ids = blocked, blocked_ids


# Moderation arrives with the community app too: an activity a moderator hid is shown to its
# owner (who is told and may appeal) and to staff only, on every page, API response and map.
# `hidden(activity_id)` answers for one activity, `hidden_ids()` gives every hidden activity's
# id (a queryset of ids is best: it stays one subquery).
_hidden: Callable[[int], bool] | None = None
_hidden_ids: Callable[[], QuerySet] | None = None


def register_moderation_lookup(
    hidden: Callable[[int], bool] | None, hidden_ids: Callable[[], QuerySet] | None
) -> None:
    global _hidden, _hidden_ids
    _hidden, _hidden_ids = hidden, hidden_ids


def moderation_lookup() -> tuple[Callable | None, Callable | None]:
    """The registered moderation lookup (for tests that replace it and put it back)."""
    return _hidden, _hidden_ids


def _is_staff(viewer) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_staff)


# Providers whose terms allow showing their data to its owner only (Strava's API agreement):
# their activities are never shown to anyone else, whatever the visibility says, and stay out
# of feeds, leaderboards and challenges of others.
OWNER_ONLY_PROVIDERS = frozenset({"strava"})


def can_view(*, viewer, activity: Activity) -> bool:
    if viewer is not None and viewer.is_authenticated and viewer.pk == activity.owner_id:
        return True
    if activity.provider in OWNER_ONLY_PROVIDERS:
        return False
    if _hidden is not None and not _is_staff(viewer) and _hidden(activity.pk):
        return False
    if (
        viewer is not None
        and viewer.is_authenticated
        and _blocked is not None
        and _blocked(viewer.pk, activity.owner_id)
    ):
        return False
    if activity.visibility == Visibility.PUBLIC:
        return True
    if activity.visibility == Visibility.FOLLOWERS and viewer is not None:
        return bool(
            viewer.is_authenticated
            and _follows is not None
            and _follows(viewer.pk, activity.owner_id)
        )
    return False


def visible_activities(*, viewer, owner_id: int | None = None) -> QuerySet[Activity]:
    """Activities `viewer` may see (of one owner if given), newest first: shared with them, not
    of someone blocked either way, not hidden by a moderator (unless theirs, or they are
    staff)."""
    qs = Activity.objects.all()
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    shared = ~Q(provider__in=OWNER_ONLY_PROVIDERS)
    allowed = Q(visibility=Visibility.PUBLIC) & shared
    if viewer is not None and viewer.is_authenticated:
        allowed |= Q(owner_id=viewer.pk)
        if _followed_ids is not None:
            allowed |= (
                Q(visibility=Visibility.FOLLOWERS, owner_id__in=_followed_ids(viewer.pk)) & shared
            )
        if _blocked_ids is not None:
            hidden = _blocked_ids(viewer.pk)
            if hidden:
                allowed &= ~Q(owner_id__in=hidden)
    if _hidden_ids is not None and not _is_staff(viewer):
        moderated = ~Q(pk__in=_hidden_ids())
        if viewer is not None and viewer.is_authenticated:
            moderated |= Q(owner_id=viewer.pk)
        allowed &= moderated
    return qs.filter(allowed).order_by("-start_time", "-id")


def activity_list(*, owner) -> QuerySet[Activity]:
    return Activity.objects.filter(owner=owner).order_by("-start_time", "-id")


def activity_get(*, viewer, activity_id: int) -> Activity | None:
    """The activity if `viewer` may see it; None for missing and forbidden alike."""
    activity = Activity.objects.select_related("owner").filter(pk=activity_id).first()
    if activity is None or not can_view(viewer=viewer, activity=activity):
        return None
    return activity


def activity_by_source(*, owner, provider: str, external_id: str) -> Activity | None:
    """The owner's activity one of whose sources a provider knows by this id."""
    if not external_id:
        return None
    source = (
        ActivitySource.objects.filter(owner=owner, provider=provider, external_id=external_id)
        .select_related("activity")
        .first()
    )
    return source.activity if source is not None else None


def activity_sources(*, activity: Activity) -> list[ActivitySource]:
    """Where the activity came from, the primary first, then in the order they arrived
    (for its owner only: which platforms someone uses is theirs to know)."""
    return list(
        ActivitySource.objects.filter(activity=activity)
        .defer("packed_streams", "summary")
        .order_by("-is_primary", "received_at", "pk")
    )


def activities_by_ids(*, ids: list[int]) -> list[Activity]:
    """Activities by id in the order given (for apps that keep their own indexes of them)."""
    found = Activity.objects.select_related("owner").in_bulk(ids)
    return [found[i] for i in ids if i in found]


def activity_owned(*, owner, activity_id: int) -> Activity | None:
    return Activity.objects.filter(pk=activity_id, owner=owner).first()


@dataclass
class ViewerRules:
    """What of an activity a viewer who is not its owner must not get."""

    is_owner: bool
    hidden_fields: frozenset[str]
    point_hidden: Callable[[float, float], bool] | None

    @property
    def hide_heart_rate(self) -> bool:
        return not self.is_owner and "heart_rate" in self.hidden_fields

    @property
    def hide_pace(self) -> bool:
        return not self.is_owner and "pace" in self.hidden_fields

    @property
    def hide_calories(self) -> bool:
        return not self.is_owner and "calories" in self.hidden_fields

    @property
    def hide_start_time(self) -> bool:
        return not self.is_owner and "start_time" in self.hidden_fields


def viewer_rules(*, viewer, activity: Activity) -> ViewerRules:
    if viewer is not None and viewer.is_authenticated and viewer.pk == activity.owner_id:
        return ViewerRules(True, frozenset(), None)
    profile = accounts_selectors.profile_for(user=activity.owner)
    return ViewerRules(
        False,
        frozenset(profile.hidden_fields or ()),
        accounts_selectors.track_privacy_filter(user_id=activity.owner_id, activity_id=activity.pk),
    )


def viewer_rules_many(*, viewer, activities: list[Activity]) -> dict[int, ViewerRules]:
    """`viewer_rules` for a page of activities of many owners in a fixed number of queries
    (select `owner__profile` with the activities)."""
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    others = {a.owner_id for a in activities if a.owner_id != viewer_id}
    zones = accounts_selectors.privacy_zones_by_user(user_ids=others) if others else {}
    rules: dict[int, ViewerRules] = {}
    for activity in activities:
        if activity.owner_id == viewer_id:
            rules[activity.pk] = ViewerRules(True, frozenset(), None)
            continue
        profile = accounts_selectors.profile_for(user=activity.owner)
        rules[activity.pk] = ViewerRules(
            False,
            frozenset(profile.hidden_fields or ()),
            accounts_selectors.track_privacy_filter(
                user_id=activity.owner_id, activity_id=activity.pk, zones=zones[activity.owner_id]
            ),
        )
    return rules


def summary_points(activity: Activity, rules: ViewerRules) -> list[list[tuple[float, float]]]:
    """The map outline: runs of visible points, broken where a privacy zone cut the track (a
    line drawn across the gap would point into the hidden area)."""
    if not activity.summary_polyline:
        return []
    points = polyline.decode(activity.summary_polyline, 5)
    if rules.point_hidden is None:
        return [points]
    runs: list[list[tuple[float, float]]] = [[]]
    for lat, lng in points:
        if rules.point_hidden(lat, lng):
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((lat, lng))
    return [run for run in runs if run]


PUBLIC_STREAMS = (
    "time",
    "lat",
    "lng",
    "altitude",
    "heart_rate",
    "cadence",
    "power",
    "speed",
    "temperature",
)


def activity_streams(
    *, activity: Activity, rules: ViewerRules, keys: set[str] | None = None, resolution: int = 0
) -> dict[str, list]:
    """The streams a viewer may get, optionally downsampled to `resolution` samples. For others,
    samples inside privacy zones are dropped from every stream (not only positions: the other
    streams would line up with them), and time and distance start at the first visible sample,
    so they do not tell how far away the hidden start was."""
    row = ActivityStreams.objects.filter(activity=activity).first()
    if row is None:
        return {}
    wanted = set(PUBLIC_STREAMS) | {"distance"}
    if keys:
        wanted &= keys
    if rules.hide_heart_rate:
        wanted.discard("heart_rate")
    if rules.hide_pace:
        wanted -= {"speed", "time"}
    decoded = streams.unpack(bytes(row.data), wanted | {"lat", "lng", "time"})
    n = row.samples
    keep = list(range(n))
    if rules.point_hidden is not None and "lat" in decoded and "lng" in decoded:
        lat, lng = decoded["lat"], decoded["lng"]
        keep = [
            i
            for i in keep
            if lat[i] is None or lng[i] is None or not rules.point_hidden(lat[i], lng[i])
        ]
    if resolution:
        keep = [keep[i] for i in metrics.downsample(len(keep), resolution)]
    out = {name: [values[i] for i in keep] for name, values in decoded.items() if name in wanted}
    if not rules.is_owner:
        for name in ("time", "distance"):
            if out.get(name):
                first = out[name][0] or 0.0
                out[name] = [None if v is None else round(v - first, 1) for v in out[name]]
    return out


def personal_records(*, owner) -> list[BestEffort]:
    """The owner's fastest effort per standard distance, in the order of the distances."""
    best = dict(
        BestEffort.objects.filter(owner=owner)
        .values("distance")
        .annotate(best=Min("elapsed_s"))
        .values_list("distance", "best")
    )
    efforts = (
        BestEffort.objects.filter(owner=owner)
        .filter(Q(*[Q(distance=d, elapsed_s=t) for d, t in best.items()], _connector=Q.OR))
        .select_related("activity")
        .order_by("achieved_at")
        if best
        else []
    )
    chosen: dict[str, BestEffort] = {}
    for effort in efforts:
        chosen.setdefault(effort.distance, effort)  # the first time it was run that fast
    return [chosen[key] for key in metrics.BEST_EFFORTS if key in chosen]


def sport_mix(*, owner_id: int, since=None) -> dict[str, int]:
    """How many activities of each sport the owner recorded (since a time): the sport mix."""
    from django.db.models import Count

    qs = Activity.objects.filter(owner_id=owner_id)
    if since is not None:
        qs = qs.filter(start_time__gte=since)
    return dict(qs.values_list("sport").annotate(n=Count("id")).order_by())
