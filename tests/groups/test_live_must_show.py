"""Must show: a live run with three runners and a watcher ends with three activities
recorded (through the consumer with WebsocketCommunicator and the real ASGI stack)."""

import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from apps.core.websocket import ticket_issue
from apps.groups import live, realtime
from apps.groups import services as group_services
from apps.groups.models import LiveParticipant, LivePoint
from apps.training.models import Activity
from config.asgi import application
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAT0, LNG = 48.0, 11.5
STEP = 0.00003  # about 3.3 m of latitude: 3.3 m/s at one point a second


@sync_to_async
def _session():
    coach = UserFactory(display_name="Coach")
    group = group_services.group_create(owner=coach, name="Morning Crew")
    runners = []
    for name in ("Ann", "Ben", "Cid"):
        person = UserFactory(display_name=name)
        group_services.group_join(user=person, group=group)
        runners.append(person)
    session = live.session_create(actor=coach, group=group, title="Sunday long run")
    live.session_start(actor=coach, session=session)
    return session, coach, runners


async def _socket(user, session_id, role):
    ticket, _seconds = await sync_to_async(ticket_issue)(user_id=user.pk)
    socket = WebsocketCommunicator(
        application, f"/ws/live/{session_id}/?role={role}&ticket={ticket}"
    )
    connected, code = await socket.connect()
    assert connected, code
    hello = await socket.receive_json_from(timeout=3)
    assert hello["type"] == "hello"
    return socket, hello


async def _drain(socket, until_type, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = await socket.receive_json_from(timeout=timeout)
        if frame["type"] == until_type:
            return frame
    raise AssertionError(f"no {until_type}")


async def test_three_runners_and_a_watcher_end_with_three_activities(settings):
    settings.LIVE_TICK_SECONDS = 0.05
    settings.LIVE_FLUSH_POINTS = 25
    session, coach, runners = await _session()
    watcher, _ = await _socket(coach, session.pk, "watcher")
    sockets = [(await _socket(r, session.pk, "runner"))[0] for r in runners]

    t0 = time.time() - 120
    for i in range(60):
        for k, socket in enumerate(sockets):
            # Ann runs fastest, Cid slowest: the ranking follows.
            lat = LAT0 + i * STEP * (1.2 - 0.1 * k)
            await socket.send_json_to(
                {"type": "point", "t": t0 + i, "lat": lat, "lng": LNG + k * 0.001, "accuracy": 5}
            )

    # A bad point is answered with an error frame, not dropped silently.
    await sockets[0].send_json_to({"type": "point", "t": t0 + 61, "lat": 95, "lng": LNG})
    error = await _drain(sockets[0], "error")
    assert error["data"]["code"] == "POINT_REJECTED"
    # Each socket handles its frames in order: a pong means its points before it are in.
    for socket in sockets:
        await socket.send_json_to({"type": "ping"})
        await _drain(socket, "pong")
    # Not a DB write per point: 60 points each, written in batches of 25 (50 so far).
    assert await sync_to_async(LivePoint.objects.count)() == 3 * 50

    snapshot = await _drain(watcher, "snapshot")
    while any(r["distance_m"] == 0 for r in snapshot["data"]["runners"]) or (
        snapshot["data"]["runners"][0]["elapsed_s"] < 59
    ):
        snapshot = await _drain(watcher, "snapshot")
    ranking = [(r["name"], r["rank"]) for r in snapshot["data"]["runners"]]
    assert ranking == [("Ann", 1), ("Ben", 2), ("Cid", 3)]
    ann = snapshot["data"]["runners"][0]
    assert ann["position"] == pytest.approx([LAT0 + 59 * STEP * 1.2, LNG])
    assert ann["distance_m"] == pytest.approx(59 * 4.0, rel=0.02)
    assert ann["pace_s_per_km"] == pytest.approx(59 / (ann["distance_m"] / 1000), rel=0.01)

    await watcher.send_json_to({"type": "end"})
    ended = await _drain(watcher, "session.ended")
    summary = ended["data"]["summary"]
    assert [r["name"] for r in summary["runners"]] == ["Ann", "Ben", "Cid"]
    assert [r["points"] for r in summary["runners"]] == [60, 60, 60]
    assert summary["watchers"] == 1
    assert (await watcher.receive_output(timeout=3))["type"] == "websocket.close"

    activities = await sync_to_async(list)(
        Activity.objects.filter(owner__in=runners).order_by("owner_id")
    )
    assert len(activities) == 3
    assert {a.owner_id for a in activities} == {r.pk for r in runners}
    assert all(a.sport == "run" and a.elapsed_s == 59 for a in activities)
    linked = await sync_to_async(
        lambda: set(
            LiveParticipant.objects.filter(session=session, role="runner").values_list(
                "activity_id", flat=True
            )
        )
    )()
    assert linked == {a.pk for a in activities}
    for socket in sockets:
        await socket.disconnect()


async def test_a_non_member_cannot_watch():
    session, _coach, _runners = await _session()
    stranger = await sync_to_async(UserFactory)()
    ticket, _seconds = await sync_to_async(ticket_issue)(user_id=stranger.pk)
    socket = WebsocketCommunicator(application, f"/ws/live/{session.pk}/?ticket={ticket}")
    assert (await socket.connect()) == (False, realtime.CLOSE_FORBIDDEN)
