"""Real websockets over loopback against the ASGI server (uvicorn in its own process) with
channels_redis: group chat throughput and delivery latency, and live runs with the snapshot
ticker against plain per-point fan-out. Needs PostgreSQL and Redis:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stride_realtime \\
    REDIS_URL=redis://127.0.0.1:6379/8 CELERY_BROKER_URL=redis://127.0.0.1:6379/8 \\
    .venv/bin/pytest bench/test_realtime_ws.py -p no:randomly -q -s

Sizes are environment variables (BENCH_CHAT_GROUPS, BENCH_LIVE_SESSIONS, ...); each phase is
bounded in time. The numbers are printed, never asserted (apart from "nothing was lost").
"""

import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from apps.core.websocket import ticket_issue
from apps.groups.models import (
    Conversation,
    Group,
    LiveParticipant,
    LiveSession,
    Membership,
    Role,
)

pytestmark = [pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[1]
CHAT_GROUPS = int(os.environ.get("BENCH_CHAT_GROUPS", 100))
GROUP_SIZE = int(os.environ.get("BENCH_GROUP_SIZE", 20))
CHAT_SECONDS = float(os.environ.get("BENCH_CHAT_SECONDS", 20))
CHAT_RATE = float(os.environ.get("BENCH_CHAT_RATE", 1.0))  # messages per second per group
LIVE_SESSIONS = int(os.environ.get("BENCH_LIVE_SESSIONS", 25))
LIVE_RUNNERS = int(os.environ.get("BENCH_LIVE_RUNNERS", 20))  # per session
LIVE_WATCHERS = int(os.environ.get("BENCH_LIVE_WATCHERS", 20))  # per session
LIVE_SECONDS = float(os.environ.get("BENCH_LIVE_SECONDS", 20))


def _need_real_services():
    if not (settings.USES_POSTGRES and settings.REDIS_URL):
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL (channels_redis)")


@pytest.fixture
def server():
    """uvicorn serving bench/realtime_asgi.py in its own process, on this test's database."""
    _need_real_services()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        DJANGO_SETTINGS_MODULE="config.settings.test",
        LOG_LEVEL="ERROR",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.realtime_asgi:application", "--port", str(port),
         "--ws", "websockets-sansio", "--lifespan", "off", "--log-level", "warning",
         "--ws-max-queue", "1024"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port, psutil.Process(process.pid)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # graceful shutdown waits for sockets still closing
        process.kill()
        process.wait(timeout=10)


def _people(n: int, prefix: str) -> list[int]:
    User = get_user_model()
    User.objects.bulk_create(
        [User(email=f"{prefix}{i}@bench.local", display_name=f"{prefix}{i}") for i in range(n)]
    )
    return list(
        User.objects.filter(email__endswith="@bench.local", email__startswith=prefix)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _groups(n: int, members: list[int], prefix: str) -> list[tuple[Group, list[int]]]:
    size = len(members) // n
    out = []
    for g in range(n):
        group = Group.objects.create(name=f"{prefix} {g}", slug=f"{prefix}-{g}")
        ids = members[g * size : (g + 1) * size]
        Membership.objects.bulk_create(
            [Membership(group=group, user_id=uid, role=Role.OWNER if i == 0 else Role.MEMBER)
             for i, uid in enumerate(ids)]
        )  # fmt: skip
        out.append((group, ids))
    return out


def _pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


async def _connect_all(urls, batch=100):
    """Open sockets in batches (a connect storm into one process times out)."""
    import websockets

    sockets = []
    for i in range(0, len(urls), batch):
        sockets += await asyncio.gather(
            *(websockets.connect(u, open_timeout=60, max_queue=None) for u in urls[i : i + batch])
        )
    return sockets


def test_chat_throughput_and_latency(server, capsys):
    port, proc = server
    people = _people(CHAT_GROUPS * GROUP_SIZE, "chat")
    groups = _groups(CHAT_GROUPS, people, "chat")
    conversations = {
        g.pk: Conversation.objects.create(kind="group", group=g).pk for g, _ids in groups
    }
    urls, owners = [], []
    for group, ids in groups:
        for uid in ids:
            ticket, _ = ticket_issue(user_id=uid)
            urls.append(f"ws://127.0.0.1:{port}/ws/chat/{conversations[group.pk]}/?ticket={ticket}")
            owners.append((group.pk, uid))
    settings_rate = settings.CHAT_RATE_LIMIT

    async def run():
        started = time.perf_counter()
        sockets = await _connect_all(urls)
        connect_s = time.perf_counter() - started
        latencies, received, errors = [], 0, 0
        sent: dict[str, float] = {}

        async def reader(ws):
            nonlocal received, errors
            async for raw in ws:
                frame = json.loads(raw)
                if frame["type"] == "message.created":
                    received += 1
                    latencies.append(time.perf_counter() - sent[frame["data"]["client_id"]])
                elif frame["type"] == "error":
                    errors += 1

        readers = [asyncio.create_task(reader(ws)) for ws in sockets]
        by_group: dict[int, list] = {}
        for ws, (gid, _uid) in zip(sockets, owners, strict=True):
            by_group.setdefault(gid, []).append(ws)

        async def talk(gid, members):
            n = 0
            await asyncio.sleep(random.random() / CHAT_RATE)
            end = time.perf_counter() + CHAT_SECONDS
            while time.perf_counter() < end:
                ws = members[n % len(members)]  # take turns: stays under the rate limit
                client_id = f"{gid}-{n}"
                sent[client_id] = time.perf_counter()
                await ws.send(json.dumps({"type": "message.send", "client_id": client_id,
                                          "body": "bench message"}))  # fmt: skip
                n += 1
                await asyncio.sleep(1 / CHAT_RATE)
            return n

        cpu0 = sum(proc.cpu_times()[:2])
        t0 = time.perf_counter()
        counts = await asyncio.gather(*(talk(g, m) for g, m in by_group.items()))
        expected = sum(counts) * GROUP_SIZE
        drain_end = time.perf_counter() + 30
        while received < expected and time.perf_counter() < drain_end:
            await asyncio.sleep(0.1)
        wall = time.perf_counter() - t0
        cpu = sum(proc.cpu_times()[:2]) - cpu0
        for task in readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        return connect_s, sum(counts), expected, received, errors, latencies, wall, cpu

    connect_s, messages, expected, received, errors, latencies, wall, cpu = asyncio.run(run())
    with capsys.disabled():
        print(
            f"\nchat: {CHAT_GROUPS} groups x {GROUP_SIZE} sockets ({len(urls)}), connected in "
            f"{connect_s:.1f} s; {messages} messages in {CHAT_SECONDS:.0f} s "
            f"({messages / CHAT_SECONDS:.0f} msg/s stored, {received / wall:.0f} deliveries/s); "
            f"delivered {received}/{expected}, errors {errors}; latency p50 "
            f"{_pct(latencies, 0.5):.0f} ms, p99 {_pct(latencies, 0.99):.0f} ms; server CPU "
            f"{cpu:.1f} s over {wall:.1f} s (rate limit {settings_rate})"
        )
    assert received == expected  # nothing lost


def _live_setup():
    runners = _people(LIVE_SESSIONS * LIVE_RUNNERS, "runner")
    watchers = _people(LIVE_SESSIONS * LIVE_WATCHERS, "watcher")
    sessions = []
    for s, (group, ids) in enumerate(_groups(LIVE_SESSIONS, runners, "live")):
        w = watchers[s * LIVE_WATCHERS : (s + 1) * LIVE_WATCHERS]
        Membership.objects.bulk_create([Membership(group=group, user_id=u) for u in w])
        session = LiveSession.objects.create(group=group, title=f"run {s}", status="live")
        LiveParticipant.objects.bulk_create(
            [LiveParticipant(session=session, user_id=u, role="runner") for u in ids]
            + [LiveParticipant(session=session, user_id=u, role="watcher") for u in w]
        )
        sessions.append((session.pk, ids, w))
    return sessions


async def _live_run(port, proc, sessions, path):
    urls_r, urls_w = [], []
    for sid, runners, watchers in sessions:
        for uid in runners:
            ticket, _ = await asyncio.to_thread(ticket_issue, user_id=uid)
            urls_r.append(f"ws://127.0.0.1:{port}/ws/{path}/{sid}/?role=runner&ticket={ticket}")
        for uid in watchers:
            ticket, _ = await asyncio.to_thread(ticket_issue, user_id=uid)
            urls_w.append(f"ws://127.0.0.1:{port}/ws/{path}/{sid}/?role=watcher&ticket={ticket}")
    watchers = await _connect_all(urls_w)
    runners = await _connect_all(urls_r)
    frames, latencies, rejected = 0, [], 0

    async def watch(ws):
        nonlocal frames
        async for raw in ws:
            frame = json.loads(raw)
            if frame["type"] in ("snapshot", "point"):
                frames += 1
                latencies.append(time.time() - frame["data"]["t"])

    async def run(ws, k):
        nonlocal rejected
        t0 = time.time() - LIVE_SECONDS - 5
        await asyncio.sleep(random.random())
        for i in range(int(LIVE_SECONDS)):
            await ws.send(json.dumps({"type": "point", "t": t0 + i, "lat": 48 + i * 3e-5,
                                      "lng": 11.5 + k * 1e-4, "accuracy": 5}))  # fmt: skip
            await asyncio.sleep(1)

    async def errors(ws):
        nonlocal rejected
        async for raw in ws:
            if json.loads(raw)["type"] == "error":
                rejected += 1

    tasks = [asyncio.create_task(watch(ws)) for ws in watchers]
    tasks += [asyncio.create_task(errors(ws)) for ws in runners]
    cpu0 = sum(proc.cpu_times()[:2])
    t0 = time.perf_counter()
    await asyncio.gather(*(run(ws, k) for k, ws in enumerate(runners)))
    await asyncio.sleep(2)
    wall = time.perf_counter() - t0
    cpu = sum(proc.cpu_times()[:2]) - cpu0
    for task in tasks:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in watchers + runners), return_exceptions=True)
    return frames, latencies, rejected, wall, cpu


def test_live_snapshots_against_per_point_fanout(server, capsys, settings):
    port, proc = server
    sessions = _live_setup()
    results = {}
    for mode, path in (("snapshot ticker", "live"), ("per-point fan-out", "live-fanout")):
        # Fresh runner state for each mode (the same points are sent again).
        from django.core.cache import cache

        cache.delete_many(
            [f"live:{sid}:r:{uid}" for sid, runners, _w in sessions for uid in runners]
        )
        results[mode] = asyncio.run(_live_run(port, proc, sessions, path))
    with capsys.disabled():
        print(
            f"\nlive: {LIVE_SESSIONS} sessions x ({LIVE_RUNNERS} runners at 1 Hz + "
            f"{LIVE_WATCHERS} watchers), {LIVE_SECONDS:.0f} s each mode"
        )
        for mode, (frames, latencies, rejected, wall, cpu) in results.items():
            watchers = LIVE_SESSIONS * LIVE_WATCHERS
            print(
                f"  {mode:18s}: {frames / watchers / wall:.1f} frames/s per watcher, latency p50 "
                f"{_pct(latencies, 0.5):.0f} ms p99 {_pct(latencies, 0.99):.0f} ms, server CPU "
                f"{cpu:.1f} s in {wall:.1f} s ({100 * cpu / wall:.0f} %), rejected {rejected}"
            )
        snap, fan = results["snapshot ticker"], results["per-point fan-out"]
        print(f"  per-point / snapshot: server CPU x{fan[4] / max(snap[4], 1e-9):.1f}, frames "
              f"x{fan[0] / max(snap[0], 1):.1f}")  # fmt: skip
