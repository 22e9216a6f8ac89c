"""Live group runs: reads and writes (services and selectors in one module of their own).

A runner's app sends about one GPS point a second. Each point is checked (ranges, time moving
forward, plausible speed), then folded into the runner's *state* in the shared cache (Redis
in production: every ASGI process sees it): latest position, distance, and a small buffer of
points not yet in the database. The buffer is written with one `bulk_create` every
`LIVE_FLUSH_POINTS` points or `LIVE_FLUSH_SECONDS` — never one insert per point. A ticker
(apps.groups.consumers) turns the states of a session into ONE snapshot per tick. When the
session ends, `session_finalize` writes what is left, turns each runner's track into an
activity through `training.services.record_activity` and keeps a summary.

Privacy zones apply live: a point inside the runner's zone updates the distance but the
position shown is `None` (it is never put where a snapshot could carry it)."""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts import selectors as accounts_selectors
from apps.core import acache
from apps.core.exceptions import StrideError
from apps.groups import exceptions, realtime, selectors
from apps.groups.models import (
    EventRSVP,
    Group,
    GroupEvent,
    LiveParticipant,
    LivePoint,
    LiveSession,
    LiveShareLink,
)

EARTH_RADIUS_M = 6_371_000.0
FUTURE_TOLERANCE_S = 30
MAX_AGE_S = 6 * 3600
HR_MIN_BPM, HR_MAX_BPM = 20, 250  # a plausible heart rate; outside it the sensor is wrong


class LiveInvalid(StrideError):
    code = "LIVE_INVALID"
    status = 400
    default_message = gettext_lazy("This is not possible for this live run.")


class LiveForbidden(StrideError):
    code = "LIVE_FORBIDDEN"
    status = 403
    default_message = gettext_lazy("Only members of the group can take part in its live runs.")


class LiveEnded(StrideError):
    code = "LIVE_ENDED"
    status = 409
    default_message = gettext_lazy("This live run has ended.")


class PointRejected(StrideError):
    code = "POINT_REJECTED"
    status = 400
    default_message = gettext_lazy("The point was not accepted.")


# --- points ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    t: float  # seconds since the epoch (UTC)
    lat: float
    lng: float
    accuracy: float | None = None
    hr: int | None = None


def _number(frame: dict, name: str, *, required: bool = True) -> float | None:
    value = frame.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PointRejected(_("%(field)s must be a number.") % {"field": name})
    return float(value)


def point_parse(frame: dict, *, now: float | None = None) -> Point:
    """A point from a runner's frame `{"lat", "lng", "t" (seconds since the epoch), "accuracy"
    (metres), "hr"?}`, or PointRejected with a reason the app can act on."""
    now = time.time() if now is None else now
    lat, lng, t = _number(frame, "lat"), _number(frame, "lng"), _number(frame, "t")
    accuracy = _number(frame, "accuracy", required=False)
    hr = _number(frame, "hr", required=False)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise PointRejected(_("The position is outside the valid range."))
    if t > now + FUTURE_TOLERANCE_S:
        raise PointRejected(_("The point's time is in the future; check the phone's clock."))
    if t < now - MAX_AGE_S:
        raise PointRejected(_("The point is too old."))
    if accuracy is not None and not 0 <= accuracy <= settings.LIVE_MAX_ACCURACY_M:
        raise PointRejected(_("The position is too imprecise."))
    if hr is not None and not HR_MIN_BPM <= hr <= HR_MAX_BPM:
        raise PointRejected(_("The heart rate is outside the valid range."))
    return Point(t, lat, lng, accuracy, None if hr is None else int(hr))


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def point_step(state: dict | None, point: Point) -> float:
    """The distance the point adds to the runner's state; PointRejected when time does not
    move forward or the speed from the last point is not plausible on foot."""
    if state is None or state.get("t") is None:
        return 0.0
    dt = point.t - state["t"]
    if dt <= 0:
        raise PointRejected(_("The point is not newer than the last one."))
    step = haversine_m(state["lat"], state["lng"], point.lat, point.lng)
    if step / dt > settings.LIVE_MAX_SPEED_MPS:
        raise PointRejected(_("The point is too far from the last one to be real."))
    return step


# --- the runner's state in the cache ----------------------------------------------------------


def _state_key(session_id: int, user_id: int) -> str:
    return f"live:{session_id}:r:{user_id}"


def _ended_key(session_id: int) -> str:
    return f"live:{session_id}:ended"


def _lock_key(session_id: int) -> str:
    return f"live:{session_id}:ticker"


def _state_ttl() -> int:
    return MAX_AGE_S


def runner_state(*, session_id: int, user_id: int) -> dict | None:
    return cache.get(_state_key(session_id, user_id))


def privacy_filter(*, session_id: int, user_id: int):
    """The runner's privacy zones as a predicate `(lat, lng) -> hidden` (None without zones)."""
    return accounts_selectors.track_privacy_filter(
        user_id=user_id, activity_id=f"live-{session_id}"
    )


def _flush(session_id: int, user_id: int, buffer: list) -> None:
    """Write buffered points in one statement (a repeat is ignored by the unique key)."""
    if not buffer:
        return
    LivePoint.objects.bulk_create(
        [
            LivePoint(
                session_id=session_id,
                runner_id=user_id,
                t=datetime.fromtimestamp(t, tz=UTC),
                lat=lat,
                lng=lng,
                accuracy=acc,
                heart_rate=hr,
            )
            for t, lat, lng, acc, hr in buffer
        ],
        ignore_conflicts=True,
    )


def points_flush(*, session_id: int, user_id: int, buffer: list) -> None:
    """Write a runner's buffered points (`apoint_accept` has the caller run this off the
    event loop)."""
    _flush(session_id, user_id, buffer)


def _fold(state: dict | None, point: Point, hidden, now: float) -> tuple[dict, bool]:
    """The runner's state with `point` folded in, and whether its buffer is due for writing."""
    step = point_step(state, point)
    if state is None:
        state = {"t0": point.t, "d": 0.0, "n": 0, "buf": [], "flushed": now}
    shown = None if hidden is not None and hidden(point.lat, point.lng) else (point.lat, point.lng)
    state.update(t=point.t, lat=point.lat, lng=point.lng, shown=shown, hr=point.hr, seen=now)
    state["d"] += step
    state["n"] += 1
    state["buf"].append((point.t, point.lat, point.lng, point.accuracy, point.hr))
    due = (
        len(state["buf"]) >= settings.LIVE_FLUSH_POINTS
        or now - state["flushed"] >= settings.LIVE_FLUSH_SECONDS
    )
    return state, due


def point_accept(*, session_id: int, user_id: int, frame: dict, hidden=None) -> dict:
    """Check a runner's point and fold it into their state (flushing the buffer when it is
    due); returns the new state. `hidden`: the runner's privacy predicate."""
    if cache.get(_ended_key(session_id)):
        raise LiveEnded()
    point = point_parse(frame)
    key = _state_key(session_id, user_id)
    now = time.time()
    state, due = _fold(cache.get(key), point, hidden, now)
    if due:
        _flush(session_id, user_id, state["buf"])
        state["buf"], state["flushed"] = [], now
    cache.set(key, state, timeout=_state_ttl())
    return state


async def apoint_accept(*, session_id: int, user_id: int, frame: dict, flush, hidden=None) -> dict:
    """`point_accept` for the socket's event loop: the cache is read (ended flag and state in
    one round trip) and written natively async, never through the process's one sync thread.
    `flush` is an async callable taking `points_flush`'s arguments (the consumer runs that in
    a worker thread); it is awaited only when the buffer is due, before the state is saved."""
    key, ended = _state_key(session_id, user_id), _ended_key(session_id)
    values = await acache.get_many([ended, key])
    if values.get(ended):
        raise LiveEnded()
    point = point_parse(frame)
    now = time.time()
    state, due = _fold(values.get(key), point, hidden, now)
    if due:
        await flush(session_id=session_id, user_id=user_id, buffer=state["buf"])
        state["buf"], state["flushed"] = [], now
    await acache.set(key, state, timeout=_state_ttl())
    return state


def runner_flush(*, session_id: int, user_id: int) -> None:
    """Write a runner's buffered points now (the socket closes)."""
    key = _state_key(session_id, user_id)
    state = cache.get(key)
    if state and state["buf"]:
        _flush(session_id, user_id, state["buf"])
        state["buf"], state["flushed"] = [], time.time()
        cache.set(key, state, timeout=_state_ttl())


def _resume(state: dict | None) -> dict:
    state = state or {}
    return {"last_t": state.get("t"), "distance_m": round(state.get("d", 0.0), 1)}


def resume_info(*, session_id: int, user_id: int) -> dict:
    """What a reconnecting runner's app needs to carry on: the last accepted point's time
    (resend what came after it) and the distance so far."""
    return _resume(runner_state(session_id=session_id, user_id=user_id))


async def aresume_info(*, session_id: int, user_id: int) -> dict:
    return _resume(await acache.get(_state_key(session_id, user_id)))


# --- the ticker ---------------------------------------------------------------------------


def ticker_claim(*, session_id: int, owner: str, ttl: float) -> bool:
    """Whether `owner` (one ASGI process) is the session's ticker: it takes a free lock or
    renews its own. The lock expires after `ttl` when its process dies, and another takes
    over. (get-then-set may let two processes tick for one overlap; snapshots carry a time,
    and a duplicate one is harmless.)"""
    key = _lock_key(session_id)
    timeout = max(1, math.ceil(ttl))
    if cache.add(key, owner, timeout=timeout):
        return True
    if cache.get(key) == owner:
        cache.set(key, owner, timeout=timeout)
        return True
    return False


def ticker_release(*, session_id: int, owner: str) -> None:
    key = _lock_key(session_id)
    if cache.get(key) == owner:
        cache.delete(key)


async def aticker_claim(*, session_id: int, owner: str, ttl: float) -> bool:
    """`ticker_claim` for the ticker's event loop (native async cache)."""
    key = _lock_key(session_id)
    timeout = max(1, math.ceil(ttl))
    if await acache.add(key, owner, timeout=timeout):
        return True
    if await acache.get(key) == owner:
        await acache.set(key, owner, timeout=timeout)
        return True
    return False


async def aticker_release(*, session_id: int, owner: str) -> None:
    key = _lock_key(session_id)
    if await acache.get(key) == owner:
        await acache.delete(key)


def _names_key(session_id: int) -> str:
    return f"live:{session_id}:names"


def _hr_key(session_id: int) -> str:
    return f"live:{session_id}:hr"


def runner_names(*, session_id: int) -> dict[int, str]:
    """The session's runners, id → public name, cached for a few seconds (the ticker asks
    every tick)."""
    key = _names_key(session_id)
    names = cache.get(key)
    if names is None:
        names = {
            p.user_id: str(p.user.public_name)
            for p in LiveParticipant.objects.filter(
                session_id=session_id, role=LiveParticipant.Role.RUNNER
            ).select_related("user")
        }
        cache.set(key, names, timeout=5)
    return names


def hr_sharing_ids(*, session_id: int) -> set[int]:
    """The session's runners whose heart rate may be broadcast: those who do not hide it from
    others (the profile's hidden fields, as training applies to shown activities). Cached for
    a few seconds like the names (the ticker asks every tick); turning it off therefore stops
    the broadcast within that time."""
    key = _hr_key(session_id)
    ids = cache.get(key)
    if ids is None:
        ids = {
            p.user_id
            for p in LiveParticipant.objects.filter(
                session_id=session_id, role=LiveParticipant.Role.RUNNER
            ).select_related("user__profile")
            if "heart_rate" not in (accounts_selectors.profile_for(user=p.user).hidden_fields or ())
        }
        cache.set(key, ids, timeout=5)
    return ids


def _pace(distance_m: float, elapsed_s: float) -> float | None:
    return round(elapsed_s / (distance_m / 1000), 1) if distance_m >= 10 else None


def snapshot_build(*, session_id: int) -> dict | None:
    """One snapshot of the session: every runner's shown position (None inside a privacy zone
    or before the first point), distance, elapsed time, pace, heart rate (None unless the
    runner's app sends it and the runner shares it) and rank (by distance)."""
    names = runner_names(session_id=session_id)
    if not names:
        return None
    return _snapshot(
        session_id,
        names,
        hr_sharing_ids(session_id=session_id),
        cache.get_many([_state_key(session_id, uid) for uid in names]),
    )


def roster(*, session_id: int) -> tuple[dict[int, str], set[int]]:
    """The runners' names and who of them shares their heart rate (each cached a few
    seconds; a query when not)."""
    return runner_names(session_id=session_id), hr_sharing_ids(session_id=session_id)


async def aroster_cached(*, session_id: int) -> tuple[dict[int, str], set[int]] | None:
    """`roster` as the cache holds it, in one native async round trip, or None when either
    part must be read again (a query: the caller runs `roster` in a worker thread)."""
    names_key, hr_key = _names_key(session_id), _hr_key(session_id)
    cached = await acache.get_many([names_key, hr_key])
    if names_key not in cached or hr_key not in cached:
        return None
    return cached[names_key], cached[hr_key]


async def asnapshot_build(
    *, session_id: int, names: dict[int, str], sharing_hr: set[int]
) -> dict | None:
    """`snapshot_build` for the ticker's event loop, with the roster already at hand: the
    states come in one native async round trip."""
    if not names:
        return None
    keys = [_state_key(session_id, uid) for uid in names]
    return _snapshot(session_id, names, sharing_hr, await acache.get_many(keys))


def _snapshot(session_id: int, names: dict[int, str], sharing_hr: set[int], states: dict) -> dict:
    now = time.time()
    runners = []
    for uid, name in names.items():
        state = states.get(_state_key(session_id, uid))
        if state is None:
            runners.append(
                {"id": uid, "name": name, "position": None, "distance_m": 0.0,
                 "elapsed_s": 0, "pace_s_per_km": None, "hr": None, "stale": True}
            )  # fmt: skip
            continue
        elapsed = state["t"] - state["t0"]
        runners.append(
            {
                "id": uid,
                "name": name,
                "position": list(state["shown"]) if state["shown"] else None,
                "distance_m": round(state["d"], 1),
                "elapsed_s": round(elapsed),
                "pace_s_per_km": _pace(state["d"], elapsed),
                "hr": state.get("hr") if uid in sharing_hr else None,
                "stale": now - state["seen"] > settings.LIVE_STALE_SECONDS,
            }
        )
    runners.sort(key=lambda r: (-r["distance_m"], r["id"]))
    for rank, runner in enumerate(runners, start=1):
        runner["rank"] = rank
    return {"session": session_id, "t": round(now, 3), "runners": runners}


# --- selectors ------------------------------------------------------------------------------


def session_get(*, session_id: int) -> LiveSession | None:
    return LiveSession.objects.select_related("group", "event").filter(pk=session_id).first()


def can_see(*, user, session: LiveSession) -> bool:
    """Only the group's members see its live sessions."""
    return bool(user and user.is_authenticated) and selectors.is_member(user, session.group_id)


def session_list(*, user, group: Group | None = None) -> QuerySet[LiveSession]:
    """Live sessions of the caller's groups (one group's with `group`), newest first."""
    qs = LiveSession.objects.filter(group_id__in=selectors.group_ids_of(user))
    if group is not None:
        qs = qs.filter(group=group)
    return qs.select_related("group").annotate(
        runner_count=Count("participants", filter=Q(participants__role="runner"))
    )


def participant_get(*, session: LiveSession, user) -> LiveParticipant | None:
    return LiveParticipant.objects.filter(session=session, user=user).first()


def share_link_get(*, token: str) -> LiveShareLink | None:
    """A share link that still works: not revoked and its session not over."""
    link = (
        LiveShareLink.objects.select_related("session", "runner")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if link is None or link.session.status == LiveSession.Status.ENDED:
        return None
    return link


# --- services -------------------------------------------------------------------------------


def _may_manage(user, session: LiveSession) -> bool:
    return session.created_by_id == user.pk or selectors.is_group_admin(user, session.group_id)


def session_create(
    *, actor, group: Group, title: str = "", event: GroupEvent | None = None
) -> LiveSession:
    """A planned live run of a group (or of one of its events); members only."""
    if not selectors.is_member(actor, group):
        raise LiveForbidden()
    if event is not None and event.group_id != group.pk:
        raise LiveInvalid(_("The event belongs to another group."))
    title = (title or (event.title if event else "") or _("Group run")).strip()[:120]
    with transaction.atomic():
        session = LiveSession.objects.create(
            group=group, event=event, title=title, created_by=actor
        )
        LiveParticipant.objects.create(
            session=session, user=actor, role=LiveParticipant.Role.WATCHER
        )
    return session


def session_start(*, actor, session: LiveSession) -> LiveSession:
    """The creator or a group admin starts the run (starting twice is a no-op)."""
    if not _may_manage(actor, session):
        raise exceptions.NotGroupAdmin(_("Only who planned the run or a group admin can start it."))
    if session.status == LiveSession.Status.ENDED:
        raise LiveEnded()
    _start(actor, session)
    return session


def _start(actor, session: LiveSession) -> None:
    """Planned → live, once: of two starts at the same time only the one whose update changed
    the row tells the sockets and the event's members."""
    if session.status != LiveSession.Status.PLANNED:
        return
    now = timezone.now()
    with transaction.atomic():
        changed = LiveSession.objects.filter(
            pk=session.pk, status=LiveSession.Status.PLANNED
        ).update(status=LiveSession.Status.LIVE, started_at=now, modified=now)
        session.refresh_from_db(fields=["status", "started_at", "modified"])
        if not changed:
            return
        if session.event_id is not None:
            _notify_event_rsvps(session, actor)
        transaction.on_commit(
            lambda: realtime.send(
                realtime.live_group(session.pk),
                realtime.relay("session.started", {"session": session.pk}),
            )
        )


def _notify_event_rsvps(session: LiveSession, actor) -> int:
    """Tell the members who answered the session's event "going" or "maybe" (not who started
    it) that its live run has started; delivered after the caller's commit."""
    from apps.notifications import services as notifications

    event = session.event
    user_ids = list(
        EventRSVP.objects.filter(
            event_id=session.event_id,
            answer__in=[EventRSVP.Answer.GOING, EventRSVP.Answer.MAYBE],
            user_id__in=selectors.active_member_ids(session.group_id),
        )
        .exclude(user_id=actor.pk)
        .values_list("user_id", flat=True)
    )
    if not user_ids:
        return 0
    return notifications.notify_many(
        user_ids=user_ids,
        kind="live_run_started",
        context={
            "event_title": event.title,
            "group_name": session.group.name,
            "url": reverse("groups:live", args=[session.pk]),
        },
    )


def may_start_event_run(*, user, event: GroupEvent) -> bool:
    """The event's organiser (while still a member) and the group's owner and admins."""
    if not selectors.is_member(user, event.group_id):
        return False
    return event.created_by_id == user.pk or selectors.is_group_admin(user, event.group_id)


def event_live_start(*, actor, event: GroupEvent) -> tuple[LiveSession, bool]:
    """The event's organiser or a group admin starts the event's live run: the event's session
    that is planned or live if there is one, else a new one linked to the event. Members who
    answered going or maybe are told once, when it starts. Returns the session and whether
    this call started it (repeating it, or two admins at once, starts nothing twice)."""
    if not selectors.is_member(actor, event.group_id):
        raise LiveForbidden()
    if not may_start_event_run(user=actor, event=event):
        raise exceptions.NotGroupAdmin(
            _("Only the event's organiser or a group admin can start its live run.")
        )
    if event.cancelled_at is not None:
        raise LiveInvalid(_("This event was cancelled."))
    with transaction.atomic():
        # One start at a time per event: the row lock makes the check-then-create safe.
        GroupEvent.objects.select_for_update().filter(pk=event.pk).first()
        session = (
            LiveSession.objects.select_related("group", "event")
            .filter(event=event)
            .exclude(status=LiveSession.Status.ENDED)
            .order_by("-pk")
            .first()
        )
        if session is None:
            session = session_create(actor=actor, group=event.group, event=event)
            session = LiveSession.objects.select_related("group", "event").get(pk=session.pk)
        if session.status == LiveSession.Status.LIVE:
            return session, False
        _start(actor, session)  # allowed above, even if another member planned the session
    return session, True


def event_sessions(*, event: GroupEvent) -> QuerySet[LiveSession]:
    """The live runs of an event, newest first."""
    return LiveSession.objects.filter(event=event).order_by("-created")


def session_join(*, user, session: LiveSession, role: str) -> LiveParticipant:
    """Join as a runner or a watcher; a watcher may become a runner (not back: their points
    stay theirs)."""
    if role not in LiveParticipant.Role.values:
        raise LiveInvalid(_("Join as a runner or as a watcher."))
    if not can_see(user=user, session=session):
        raise LiveForbidden()
    if session.status == LiveSession.Status.ENDED:
        raise LiveEnded()
    participant, created = LiveParticipant.objects.get_or_create(
        session=session, user=user, defaults={"role": role}
    )
    if not created and role == LiveParticipant.Role.RUNNER and participant.role != role:
        participant.role = role
        participant.save(update_fields=["role", "modified"])
    if participant.role == LiveParticipant.Role.RUNNER:
        cache.delete_many([_names_key(session.pk), _hr_key(session.pk)])
    return participant


def session_end(*, actor, session: LiveSession) -> LiveSession:
    """The creator or a group admin ends the run: no more points are taken, sockets are told,
    and each runner's track becomes an activity (a task). Ending twice is a no-op."""
    from apps.groups import live_tasks

    if not _may_manage(actor, session):
        raise exceptions.NotGroupAdmin(_("Only who planned the run or a group admin can end it."))
    if session.status == LiveSession.Status.ENDED:
        return session
    session.status, session.ended_at = LiveSession.Status.ENDED, timezone.now()
    session.started_at = session.started_at or session.ended_at
    session_id = session.pk

    def after_commit():
        cache.set(_ended_key(session_id), True, timeout=_state_ttl())
        LiveShareLink.objects.filter(session_id=session_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        live_tasks.live_session_finalize_task.delay(session_id)

    with transaction.atomic():
        session.save(update_fields=["status", "started_at", "ended_at", "modified"])
        transaction.on_commit(after_commit)
    return session


def _activity_from_points(session: LiveSession, user, points: list[LivePoint]):
    from apps.training.types import NormalizedActivity, NormalizedStreams

    start = points[0].t
    hr = [p.heart_rate for p in points]
    return NormalizedActivity(
        sport="run",
        start_time=start,
        source="provider",
        provider="stride_live",
        external_id=f"live-{session.pk}-{user.pk}",
        title=session.title,
        notes=_("Live run with %(group)s") % {"group": session.group.name},
        streams=NormalizedStreams(
            time=[(p.t - start).total_seconds() for p in points],
            lat=[p.lat for p in points],
            lng=[p.lng for p in points],
            heart_rate=[None if v is None else float(v) for v in hr] if any(hr) else None,
        ),
    )


def session_finalize(*, session_id: int) -> LiveSession:
    """After the end: write what the runners' buffers still hold, record one activity per
    runner with at least two points (idempotent: the activity's source id is the session and
    runner), and keep the summary."""
    from apps.training import services as training_services

    session = LiveSession.objects.select_related("group").get(pk=session_id)
    participants = list(
        LiveParticipant.objects.filter(session=session).select_related("user").order_by("pk")
    )
    rows = []
    for p in participants:
        if p.role != LiveParticipant.Role.RUNNER:
            continue
        state = cache.get(_state_key(session_id, p.user_id))
        if state and state["buf"]:
            _flush(session_id, p.user_id, state["buf"])
        points = list(LivePoint.objects.filter(session=session, runner=p.user).order_by("t"))
        distance = sum(
            haversine_m(a.lat, a.lng, b.lat, b.lng) for a, b in itertools.pairwise(points)
        )
        elapsed = (points[-1].t - points[0].t).total_seconds() if points else 0
        if len(points) >= 2 and p.activity_id is None:
            recorded = training_services.record_activity(
                owner=p.user, activity=_activity_from_points(session, p.user, points)
            )
            p.activity = recorded.activity
            p.save(update_fields=["activity", "modified"])
        rows.append(
            {
                "user_id": p.user_id,
                "name": str(p.user.public_name),
                "points": len(points),
                "distance_m": round(distance, 1),
                "elapsed_s": round(elapsed),
                "pace_s_per_km": _pace(distance, elapsed),
                "activity_id": p.activity_id,
            }
        )
    rows.sort(key=lambda r: (-r["distance_m"], r["user_id"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    session.summary = {
        "runners": rows,
        "watchers": sum(1 for p in participants if p.role == LiveParticipant.Role.WATCHER),
    }
    session.save(update_fields=["summary", "modified"])
    cache.delete_many([_state_key(session_id, p.user_id) for p in participants])
    summary = session.summary
    transaction.on_commit(
        lambda: realtime.send(
            realtime.live_group(session_id),
            realtime.relay("session.ended", {"session": session_id, "summary": summary}),
        )
    )
    return session


def share_link_create(*, runner, session: LiveSession) -> LiveShareLink:
    """A runner's link for safety contacts (one per runner and session)."""
    participant = participant_get(session=session, user=runner)
    if participant is None or participant.role != LiveParticipant.Role.RUNNER:
        raise LiveInvalid(_("Join the run as a runner to share your position."))
    if session.status == LiveSession.Status.ENDED:
        raise LiveEnded()
    link, _created = LiveShareLink.objects.get_or_create(session=session, runner=runner)
    return link


def share_link_revoke(*, runner, link: LiveShareLink) -> None:
    if link.runner_id != runner.pk:
        raise exceptions.NotFound()
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at", "modified"])


def points_purge(*, now: datetime | None = None) -> int:
    """Delete the raw positions of sessions that ended more than LIVE_POINTS_RETENTION ago
    (their activities keep the tracks); returns how many sessions were purged."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.LIVE_POINTS_RETENTION_SECONDS)
    ids = list(
        LiveSession.objects.filter(
            status=LiveSession.Status.ENDED, ended_at__lt=cutoff, points_purged_at__isnull=True
        ).values_list("pk", flat=True)[:500]
    )
    if ids:
        with transaction.atomic():
            LivePoint.objects.filter(session_id__in=ids).delete()
            LiveShareLink.objects.filter(session_id__in=ids, revoked_at__isnull=True).update(
                revoked_at=now
            )
            LiveSession.objects.filter(pk__in=ids).update(points_purged_at=now)
    return len(ids)
