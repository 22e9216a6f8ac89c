"""Live runs: point checks, privacy zones applied live, the one-ticker-per-session lock,
resuming a runner, the API, share links and the purge of raw positions."""

import asyncio
import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts import services as accounts_services
from apps.core.websocket import ticket_issue
from apps.groups import live, realtime
from apps.groups import services as group_services
from apps.groups.models import LivePoint, LiveSession
from config.asgi import application
from tests.accounts.factories import UserFactory


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def run(db, alice, bob):
    group = group_services.group_create(owner=alice, name="Run Club")
    group_services.group_join(user=bob, group=group)
    session = live.session_create(actor=alice, group=group, title="Tempo")
    live.session_start(actor=alice, session=session)
    live.session_join(user=bob, session=session, role="runner")
    return session


def _point(t, lat=48.0, lng=11.5, **extra):
    return {"type": "point", "t": t, "lat": lat, "lng": lng, "accuracy": 5, **extra}


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ({"t": 0, "lat": 91, "lng": 0}, "outside the valid range"),
        ({"t": 0, "lat": "48", "lng": 0}, "lat must be a number"),
        ({"t": 3600, "lat": 48, "lng": 11}, "in the future"),
        ({"t": -7 * 3600, "lat": 48, "lng": 11}, "too old"),
        ({"t": 0, "lat": 48, "lng": 11, "accuracy": 500}, "too imprecise"),
        ({"t": 0, "lat": 48, "lng": 11, "hr": 400}, "heart rate"),
    ],
)
def test_points_out_of_range_are_rejected_with_a_reason(frame, reason):
    now = time.time()
    frame = dict(frame, t=now + frame["t"])
    with pytest.raises(live.PointRejected) as raised:
        live.point_parse(frame, now=now)
    assert reason in raised.value.message


def test_time_must_move_forward_and_speed_be_plausible(run, bob):
    t = time.time() - 60
    live.point_accept(session_id=run.pk, user_id=bob.pk, frame=_point(t))
    with pytest.raises(live.PointRejected, match="not newer"):
        live.point_accept(session_id=run.pk, user_id=bob.pk, frame=_point(t))
    with pytest.raises(live.PointRejected, match="too far"):  # 1.1 km in a second
        live.point_accept(session_id=run.pk, user_id=bob.pk, frame=_point(t + 1, lat=48.01))
    state = live.point_accept(session_id=run.pk, user_id=bob.pk, frame=_point(t + 1, lat=48.00003))
    assert state["n"] == 2 and state["d"] == pytest.approx(3.3, abs=0.1)
    assert live.resume_info(session_id=run.pk, user_id=bob.pk) == {
        "last_t": t + 1,
        "distance_m": pytest.approx(3.3, abs=0.1),
    }


def test_points_are_written_in_batches(run, bob, settings):
    settings.LIVE_FLUSH_POINTS = 10
    t = time.time() - 60
    for i in range(25):
        live.point_accept(
            session_id=run.pk, user_id=bob.pk, frame=_point(t + i, lat=48 + i * 0.00003)
        )
    assert LivePoint.objects.count() == 20
    live.runner_flush(session_id=run.pk, user_id=bob.pk)
    assert LivePoint.objects.count() == 25


def test_a_position_inside_the_runner_s_privacy_zone_is_never_in_a_snapshot(run, bob):
    accounts_services.privacy_zone_create(
        user=bob, name="Home", latitude=48.0, longitude=11.5, radius_m=200
    )
    hidden = live.privacy_filter(session_id=run.pk, user_id=bob.pk)
    t = time.time() - 1200
    live.point_accept(session_id=run.pk, user_id=bob.pk, frame=_point(t), hidden=hidden)
    (runner,) = live.snapshot_build(session_id=run.pk)["runners"]
    assert runner["position"] is None
    # Far outside the zone (beyond any hidden disc: 1.4 km at most) the position shows again.
    lat = 48.0
    for i in range(1, 600):
        lat += 0.00003
        live.point_accept(
            session_id=run.pk, user_id=bob.pk, frame=_point(t + i, lat=lat), hidden=hidden
        )
    (runner,) = live.snapshot_build(session_id=run.pk)["runners"]
    assert runner["position"] == [pytest.approx(lat), 11.5]
    assert runner["distance_m"] > 1900


def test_only_one_process_ticks_a_session(run):
    assert live.ticker_claim(session_id=run.pk, owner="process-a", ttl=3)
    assert not live.ticker_claim(session_id=run.pk, owner="process-b", ttl=3)
    assert live.ticker_claim(session_id=run.pk, owner="process-a", ttl=3)  # renewed
    live.ticker_release(session_id=run.pk, owner="process-a")  # e.g. its last socket closed
    assert live.ticker_claim(session_id=run.pk, owner="process-b", ttl=3)


def test_the_async_hot_path_shares_its_state_with_the_sync_readers(run, bob, settings):
    """The sockets fold points and tick from the event loop (apps.core.acache); what they
    write is what the sync code (snapshots, resume, finalize) reads, and the other way round."""
    settings.LIVE_FLUSH_POINTS = 3
    t = time.time() - 60
    due = []

    async def flush(**kwargs):  # the consumer runs live.points_flush in a worker thread
        due.append(kwargs)

    async def fold_four():
        for i in range(4):
            await live.apoint_accept(
                session_id=run.pk, user_id=bob.pk, frame=_point(t + i, lat=48 + i * 3e-5),
                flush=flush,
            )  # fmt: skip
        with pytest.raises(live.PointRejected):  # time must move forward here too
            await live.apoint_accept(
                session_id=run.pk, user_id=bob.pk, frame=_point(t + 1), flush=flush
            )
        roster = await live.aroster_cached(session_id=run.pk)
        names, sharing_hr = roster or ({}, set())
        return roster, await live.asnapshot_build(
            session_id=run.pk, names=names, sharing_hr=sharing_hr
        )

    live.roster(session_id=run.pk)  # cached by the sync side, read by the async one
    roster, snapshot = asyncio.run(fold_four())

    assert roster == ({bob.pk: "Bob"}, {bob.pk})
    assert [len(call["buffer"]) for call in due] == [3]  # one batch of three, not per point
    state = live.runner_state(session_id=run.pk, user_id=bob.pk)
    assert state["n"] == 4 and len(state["buf"]) == 1 and state["d"] > 9
    assert live.resume_info(session_id=run.pk, user_id=bob.pk)["last_t"] == t + 3
    expected = live.snapshot_build(session_id=run.pk)
    assert snapshot["runners"] == expected["runners"]
    live.point_accept(session_id=run.pk, user_id=bob.pk, frame=_point(t + 4, lat=48 + 4 * 3e-5))
    assert asyncio.run(live.aresume_info(session_id=run.pk, user_id=bob.pk))["last_t"] == t + 4

    # One ticker per session whichever side asks.
    assert live.ticker_claim(session_id=run.pk, owner="sync", ttl=3)
    assert not asyncio.run(live.aticker_claim(session_id=run.pk, owner="async", ttl=3))
    live.ticker_release(session_id=run.pk, owner="sync")
    assert asyncio.run(live.aticker_claim(session_id=run.pk, owner="async", ttl=3))
    asyncio.run(live.aticker_release(session_id=run.pk, owner="async"))
    assert live.ticker_claim(session_id=run.pk, owner="sync", ttl=3)


def test_the_api_plans_starts_joins_and_ends_a_run(
    db, alice, bob, carol, django_capture_on_commit_callbacks
):
    group = group_services.group_create(owner=alice, name="API Club")
    group_services.group_join(user=bob, group=group)
    created = _client(bob).post(f"/api/v1/live/groups/{group.slug}/", {"title": "Hills"})
    assert created.status_code == 201
    session_id = created.json()["id"]
    assert created.json()["status"] == "planned"
    assert _client(carol).get(f"/api/v1/live/{session_id}/").status_code == 404
    assert _client(carol).post(f"/api/v1/live/groups/{group.slug}/").status_code == 404

    joined = _client(alice).post(f"/api/v1/live/{session_id}/join/", {"role": "runner"})
    assert joined.json() == {
        "session": session_id,
        "role": "runner",
        "resume": {"last_t": None, "distance_m": 0.0},
    }
    assert _client(bob).post(f"/api/v1/live/{session_id}/start/").json()["status"] == "live"
    share = _client(alice).post(f"/api/v1/live/{session_id}/share/")
    assert share.status_code == 201
    token = share.json()["token"]
    assert live.share_link_get(token=token) is not None

    t = time.time() - 30
    for i in range(10):
        live.point_accept(
            session_id=session_id, user_id=alice.pk, frame=_point(t + i, lat=48 + i * 0.00003)
        )
    with django_capture_on_commit_callbacks(execute=True):
        ended = _client(bob).post(f"/api/v1/live/{session_id}/end/")
    assert ended.json()["status"] == "ended"
    summary = _client(alice).get(f"/api/v1/live/{session_id}/").json()["summary"]
    (row,) = summary["runners"]
    assert row["points"] == 10 and row["activity_id"] and row["rank"] == 1
    # The share link died with the session.
    assert live.share_link_get(token=token) is None
    listing = _client(alice).get(f"/api/v1/live/groups/{group.slug}/").json()
    assert [s["id"] for s in listing["results"]] == [session_id]


def test_raw_positions_are_purged_after_the_retention(
    run, alice, bob, settings, django_capture_on_commit_callbacks
):
    t = time.time() - 60
    for i in range(3):
        live.point_accept(session_id=run.pk, user_id=bob.pk, frame=_point(t + i, lat=48 + i * 1e-5))
    with django_capture_on_commit_callbacks(execute=True):
        live.session_end(actor=alice, session=run)
    assert LivePoint.objects.count() == 3
    assert live.points_purge() == 0
    later = timezone.now() + timedelta(seconds=settings.LIVE_POINTS_RETENTION_SECONDS + 60)
    assert live.points_purge(now=later) == 1
    assert LivePoint.objects.count() == 0
    run.refresh_from_db()
    assert run.points_purged_at is not None
    assert run.summary["runners"][0]["points"] == 3  # the summary stays


@pytest.mark.django_db(transaction=True)
async def test_a_runner_reconnects_and_resumes_and_a_safety_contact_follows(settings):
    settings.LIVE_TICK_SECONDS = 0.05

    @sync_to_async
    def setup():
        owner = UserFactory(display_name="Owner")
        runner = UserFactory(display_name="Rita")
        group = group_services.group_create(owner=owner, name="Night Owls")
        group_services.group_join(user=runner, group=group)
        session = live.session_create(actor=owner, group=group)
        live.session_start(actor=owner, session=session)
        live.session_join(user=runner, session=session, role="runner")
        link = live.share_link_create(runner=runner, session=session)
        return session, runner, link

    session, runner, link = await setup()

    async def connect():
        ticket, _ = await sync_to_async(ticket_issue)(user_id=runner.pk)
        socket = WebsocketCommunicator(
            application, f"/ws/live/{session.pk}/?role=runner&ticket={ticket}"
        )
        assert (await socket.connect())[0]
        return socket, await socket.receive_json_from(timeout=3)

    t = time.time() - 60
    socket, hello = await connect()
    assert hello["data"]["resume"] == {"last_t": None, "distance_m": 0.0}
    for i in range(5):
        await socket.send_json_to(_point(t + i, lat=48 + i * 0.00003))
    await asyncio.sleep(0.2)
    await socket.disconnect()
    socket, hello = await connect()
    assert hello["data"]["resume"]["last_t"] == t + 4
    await socket.send_json_to(_point(t + 5, lat=48 + 5 * 0.00003))

    contact = WebsocketCommunicator(
        application, f"/ws/live/share/{link.token}/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    assert (await contact.connect())[0]
    frame = await contact.receive_json_from(timeout=3)
    while frame["data"]["runners"][0]["distance_m"] < 16:
        frame = await contact.receive_json_from(timeout=3)
    assert [r["name"] for r in frame["data"]["runners"]] == ["Rita"]
    assert (
        await sync_to_async(LivePoint.objects.filter(runner=runner).count)() == 5
    )  # flushed on close
    await socket.disconnect()
    await contact.disconnect()
    # After the end the link answers nothing.
    await sync_to_async(LiveSession.objects.filter(pk=session.pk).update)(status="ended")
    late = WebsocketCommunicator(
        application, f"/ws/live/share/{link.token}/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    assert (await late.connect()) == (False, realtime.CLOSE_NOT_FOUND)
