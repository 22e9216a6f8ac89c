"""Heart rate in live runs: broadcast in the snapshots when the runner's app sends it and the
runner shares it (not hidden in the profile's hidden fields, as on shown activities); off
means not sent; checked like the other fields of a point (a plausible bpm)."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache

from apps.accounts import selectors as accounts_selectors
from apps.core.websocket import ticket_issue
from apps.groups import live
from apps.groups import services as group_services
from config.asgi import application
from tests.accounts.factories import UserFactory


def _point(t, lat=48.0, lng=11.5, **extra):
    return {"type": "point", "t": t, "lat": lat, "lng": lng, "accuracy": 5, **extra}


def _hide_heart_rate(user, hidden=True):
    profile = accounts_selectors.profile_for(user=user)
    profile.hidden_fields = ["heart_rate"] if hidden else []
    profile.save()


@pytest.fixture
def run(db, alice, bob, carol):
    group = group_services.group_create(owner=alice, name="HR Club")
    group_services.group_join(user=bob, group=group)
    group_services.group_join(user=carol, group=group)
    session = live.session_create(actor=alice, group=group, title="Intervals")
    live.session_start(actor=alice, session=session)
    live.session_join(user=bob, session=session, role="runner")
    live.session_join(user=carol, session=session, role="runner")
    return session


def _runners(session):
    return {r["name"]: r for r in live.snapshot_build(session_id=session.pk)["runners"]}


def test_heart_rate_is_in_the_snapshot_only_for_runners_who_share_it(run, bob, carol):
    _hide_heart_rate(carol)
    live.session_join(user=carol, session=run, role="runner")  # fresh lookups, as after 5 s
    t = time.time() - 30
    live.point_accept(session_id=run.pk, user_id=bob.pk, frame=_point(t, hr=151.6))
    live.point_accept(session_id=run.pk, user_id=carol.pk, frame=_point(t, hr=140))
    runners = _runners(run)
    assert runners["Bob"]["hr"] == 151
    assert runners["Carol"]["hr"] is None
    # A point without a heart rate clears it (no stale value shown as live).
    live.point_accept(session_id=run.pk, user_id=bob.pk, frame=_point(t + 1, lat=48.00002))
    assert _runners(run)["Bob"]["hr"] is None


def test_turning_sharing_off_stops_the_broadcast_once_the_short_cache_expires(run, bob):
    t = time.time() - 30
    live.point_accept(session_id=run.pk, user_id=bob.pk, frame=_point(t, hr=150))
    assert _runners(run)["Bob"]["hr"] == 150
    _hide_heart_rate(bob)
    cache.delete(f"live:{run.pk}:hr")  # what the 5 s timeout does
    assert _runners(run)["Bob"]["hr"] is None
    _hide_heart_rate(bob, hidden=False)
    cache.delete(f"live:{run.pk}:hr")
    assert _runners(run)["Bob"]["hr"] == 150


def test_the_sharing_lookup_is_one_query_per_refresh(run, bob, carol, django_assert_num_queries):
    cache.delete(f"live:{run.pk}:hr")
    with django_assert_num_queries(1):
        assert live.hr_sharing_ids(session_id=run.pk) == {bob.pk, carol.pk}
    with django_assert_num_queries(0):
        live.hr_sharing_ids(session_id=run.pk)


@pytest.mark.parametrize(
    ("hr", "accepted"),
    [(19, False), (20, True), (250, True), (251, False), (True, False), ("150", False)],
)
def test_heart_rate_must_be_a_plausible_bpm(hr, accepted):
    now = time.time()
    frame = {"t": now, "lat": 48.0, "lng": 11.5, "hr": hr}
    if accepted:
        assert live.point_parse(frame, now=now).hr == hr
    else:
        with pytest.raises(live.PointRejected):
            live.point_parse(frame, now=now)


@pytest.mark.django_db(transaction=True)
async def test_a_watcher_sees_the_runner_s_heart_rate_live_and_a_rejected_one_is_an_error(
    settings,
):
    settings.LIVE_TICK_SECONDS = 0.05

    @sync_to_async
    def setup():
        owner = UserFactory(display_name="Owner")
        runner = UserFactory(display_name="Rita")
        group = group_services.group_create(owner=owner, name="Heart Club")
        group_services.group_join(user=runner, group=group)
        session = live.session_create(actor=owner, group=group)
        live.session_start(actor=owner, session=session)
        return session, owner, runner

    session, owner, runner = await setup()

    async def connect(user, role):
        ticket, _ = await sync_to_async(ticket_issue)(user_id=user.pk)
        socket = WebsocketCommunicator(
            application, f"/ws/live/{session.pk}/?role={role}&ticket={ticket}"
        )
        assert (await socket.connect())[0]
        assert (await socket.receive_json_from(timeout=3))["type"] == "hello"
        return socket

    runner_socket = await connect(runner, "runner")
    watcher = await connect(owner, "watcher")
    t = time.time() - 10
    await runner_socket.send_json_to(_point(t, hr=300))
    error = await runner_socket.receive_json_from(timeout=3)
    while error["type"] != "error":
        error = await runner_socket.receive_json_from(timeout=3)
    assert error["data"]["code"] == "POINT_REJECTED"
    assert error["data"]["t"] == t
    await runner_socket.send_json_to(_point(t, hr=162))
    frame = await watcher.receive_json_from(timeout=3)
    for _ in range(100):
        if frame["type"] == "snapshot" and frame["data"]["runners"][0]["hr"] is not None:
            break
        frame = await watcher.receive_json_from(timeout=3)
    (rita,) = frame["data"]["runners"]
    assert (rita["name"], rita["hr"]) == ("Rita", 162)
    await runner_socket.disconnect()
    await watcher.disconnect()
    await asyncio.sleep(0)
