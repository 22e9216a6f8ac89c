"""Stride load test: a mix of what members do, with think times.

Run through bench/load/run.sh (starts the stack, seeds, runs headless, samples CPU/memory).
Each simulated member is one of the seeded people (bench/load/seed_users.py, `members.json`):
the API with `X-Session-Token`, pages with the same token as the session cookie, websockets
(uvicorn, `LOAD_WS_URL`) with a single-use ticket from `POST /api/v1/ws-tickets/`, as the
mobile app connects.

The mix, per member (weights below; think time 1-5 s between actions):

- reading: dashboard page, the feed (API and page), my activities (list, detail), an
  activity's social page from the feed, notifications, progress;
- writing: a manual activity (Idempotency-Key), a GPX upload (processed by Celery);
- chat: stay 30-60 s (`LOAD_SOCKET_SECONDS`) in the club's chat socket, post every 10-20 s;
- live run: stay 30-60 s in the club's live run, as a runner sending a GPS point every second
  (one simulated runner per person: a runner's track is one line) or as a watcher;
- coupon: look at my offers, then the shop checks the coupon `LOADRUN` for me and reports the
  paid order with it (the shop API: client-credentials token, signed bodies).

Websocket figures are reported as locust request events of type `WS`, so they sit in the same
table: `connect` (TCP + upgrade + the server's first frame or accept), `message ack` (send to
the server's ack: stored), `own message back` (send to the broadcast of it: the full fan-out
path), `message received` (others' messages: delivery lag from the server's `created`),
`snapshot received` (live snapshots: lag from the server's tick time `t`), `ping round trip`.
A frame the server refuses (`error`), a missing ack or a socket closed by the server is a
failure. A coupon the shop refuses because a limit is reached is reported as its own request
name (not a failure; the seeded capacity makes it unexpected, so it must be visible).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import websocket  # websocket-client (pinned through locust); gevent makes it cooperative
from locust import HttpUser, between, task
from locust.clients import HttpSession

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from apps.partners import signing  # plain hmac helpers, no Django needed

_out = Path(os.environ.get("LOAD_OUT", Path(__file__).parent))
MEMBERS = json.loads(Path(os.environ.get("LOAD_MEMBERS", _out / "members.json")).read_text())
SHOP = json.loads(Path(os.environ.get("LOAD_SHOP", _out / "shop.json")).read_text())
WS_URL = os.environ.get("LOAD_WS_URL", "ws://127.0.0.1:8614")
STAY_MIN, STAY_MAX = (  # seconds a member stays in a chat or a live run
    float(s) for s in os.environ.get("LOAD_SOCKET_SECONDS", "30,60").split(",")
)
_local_slots = itertools.count()

GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="stride-load" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>Load run</name><trkseg>{points}</trkseg></trk></gpx>"""

RUN_SPEED_MPS = 3.0  # a runner circles a 400 m radius around a point of their own
RUN_RADIUS_M = 400.0


def gpx_file(start: datetime) -> bytes:
    points = []
    for i in range(0, 600, 5):  # a 10-minute run, a point every 5 s
        t = (start + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        points.append(
            f'<trkpt lat="{52.52 + i * 0.00002:.6f}" lon="{13.40 + i * 0.00002:.6f}">'
            f"<ele>{34 + (i % 20) / 10:.1f}</ele><time>{t}</time></trkpt>"
        )
    return GPX.format(points="".join(points)).encode()


def position(index: int, t: float) -> tuple[float, float]:
    """Where person `index` is at time `t`: a function of time only, so points sent in any
    session of theirs, now or in a later run, join up at a running speed."""
    lat0, lng0 = 52.40 + (index % 40) * 0.01, 13.20 + (index // 40) * 0.01
    angle = (t * RUN_SPEED_MPS / RUN_RADIUS_M) % (2 * math.pi)
    dlat = RUN_RADIUS_M * math.sin(angle) / 111_320
    dlng = RUN_RADIUS_M * math.cos(angle) / (111_320 * math.cos(math.radians(lat0)))
    return round(lat0 + dlat, 7), round(lng0 + dlng, 7)


FIRST_ACTIONS = (
    "redeem_coupon",
    "chat",
    "live_run",
    "feed_activity_page",
    "upload_file",
    "record_manual_activity",
    "feed_page",
    "activity_detail",
    "dashboard",
    "notifications",
    "progress",
)


class Member(HttpUser):
    wait_time = between(1, 5)  # think time between actions

    def on_start(self):
        # One slot per simulated member across all locust processes (`--processes`).
        runner = self.environment.runner
        processes = max(getattr(self.environment.parsed_options, "processes", None) or 1, 1)
        slot = next(_local_slots) * processes + max(getattr(runner, "worker_index", 0), 0)
        self.member = MEMBERS[slot % len(MEMBERS)]
        self.may_run_live = slot < len(MEMBERS)  # the person's only runner session
        self.client.headers["X-Session-Token"] = self.member["token"]
        self.client.cookies.set("sessionid", self.member["token"])
        self.activity_ids: list[int] = []
        self.feed_ids: list[int] = []
        self.shop = HttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )
        # Members start with a different scenario each, in turn, so even the 20-member smoke
        # run covers all of them; afterwards the weights decide.
        getattr(self, FIRST_ACTIONS[slot % len(FIRST_ACTIONS)])()

    # --- reading ---------------------------------------------------------------------------
    @task(8)
    def dashboard(self):
        self.client.get("/dashboard/", name="page: dashboard")

    @task(12)
    def feed(self):
        with self.client.get("/api/v1/feed/", name="api: feed", catch_response=True) as r:
            if r.status_code == 200:
                self.feed_ids = [a["id"] for a in r.json()["results"]][:20]

    @task(5)
    def feed_page(self):
        self.client.get("/feed/", name="page: feed")

    @task(8)
    def feed_activity_page(self):
        if not self.feed_ids:
            return self.feed()
        activity_id = random.choice(self.feed_ids)
        self.client.get(f"/feed/activities/{activity_id}/", name="page: feed activity")

    @task(10)
    def activity_list(self):
        with self.client.get(
            "/api/v1/activities/", name="api: activity list", catch_response=True
        ) as r:
            if r.status_code == 200:
                self.activity_ids = [a["id"] for a in r.json()["results"]][:20]

    @task(8)
    def activity_detail(self):
        if not self.activity_ids:
            return self.activity_list()
        activity_id = random.choice(self.activity_ids)
        self.client.get(f"/api/v1/activities/{activity_id}/", name="api: activity detail")

    @task(6)
    def notifications(self):
        self.client.get("/api/v1/notifications/", name="api: notifications")

    @task(4)
    def progress(self):
        self.client.get("/api/v1/progress/", name="api: progress")

    # --- recording -------------------------------------------------------------------------
    @task(2)
    def record_manual_activity(self):
        start = datetime.now(UTC) - timedelta(
            days=random.randint(0, 300), minutes=random.randint(0, 1440)
        )
        elapsed = random.randint(900, 5400)
        pace_m_s = random.uniform(2.2, 4.2)  # a plausible running pace (the API refuses others)
        self.client.post(
            "/api/v1/activities/",
            json={
                "sport": "run",
                "start_time": start.isoformat(),
                "elapsed_s": elapsed,
                "distance_m": round(elapsed * pace_m_s),
                "title": "Lunch run",
            },
            headers={"Idempotency-Key": uuid.uuid4().hex},
            name="api: record manual activity",
        )

    @task(1)
    def upload_file(self):
        start = datetime.now(UTC) - timedelta(
            days=random.randint(0, 300), minutes=random.randint(0, 1440)
        )
        self.client.post(
            "/api/v1/uploads/",
            files={"file": ("run.gpx", gpx_file(start), "application/gpx+xml")},
            headers={"Idempotency-Key": uuid.uuid4().hex},
            name="api: upload a GPX file",
        )

    # --- websockets ------------------------------------------------------------------------
    def _ws_event(self, name: str, started: float | None = None, *, ms=None, size=0, error=None):
        if ms is None:
            ms = (time.perf_counter() - started) * 1000 if started is not None else 0
        self.environment.events.request.fire(
            request_type="WS",
            name=name,
            response_time=ms,
            response_length=size,
            exception=error,
            context={},
        )

    def _ws_open(self, kind: str, path: str, *, first_frame: bool) -> websocket.WebSocket | None:
        with self.client.post(
            "/api/v1/ws-tickets/", name="api: ws ticket", catch_response=True
        ) as r:
            if r.status_code != 201:
                r.failure(f"ticket: {r.status_code}")
                return None
            ticket = r.json()["ticket"]
        sep = "&" if "?" in path else "?"
        started = time.perf_counter()
        try:
            ws = websocket.create_connection(f"{WS_URL}{path}{sep}ticket={ticket}", timeout=10)
            hello = ws.recv() if first_frame else None
        except Exception as error:  # refused, closed with a code, timed out
            self._ws_event(f"{kind}: connect", started, error=error)
            return None
        if first_frame and not hello:
            self._ws_event(f"{kind}: connect", started, error=ConnectionError("closed at once"))
            return None
        self._ws_event(f"{kind}: connect", started, size=len(hello or ""))
        return ws

    def _ws_recv(self, ws: websocket.WebSocket, timeout: float) -> dict | None:
        ws.settimeout(max(timeout, 0.05))
        try:
            raw = ws.recv()
        except websocket.WebSocketTimeoutException:
            return None
        if not raw:
            raise ConnectionError("closed by the server")
        frame = json.loads(raw)
        frame["_size"] = len(raw)
        return frame

    def _ping(self, ws, kind: str, pending: dict) -> None:
        pending["ping"] = time.perf_counter()
        ws.send(json.dumps({"type": "ping"}))

    @task(2)
    def chat(self):
        """A while in the club's chat: post now and then, read what the others post."""
        ws = self._ws_open(
            "ws chat", f"/ws/chat/{self.member['conversation_id']}/", first_frame=False
        )
        if ws is None:
            return
        me = self.member["user_id"]
        now = time.monotonic()
        end = now + random.uniform(STAY_MIN, STAY_MAX)
        next_send = now + random.uniform(1, 5)
        acks: dict[str, float] = {}  # client_id -> when sent, until acknowledged
        echoes: dict[str, float] = {}  # client_id -> when sent, until broadcast back to me
        pings: dict[str, float] = {}
        self._ping(ws, "ws chat", pings)
        try:
            while (now := time.monotonic()) < end or acks or echoes:
                if now > end + 10:  # the server owes an answer for too long
                    for name, left in (("message ack", acks), ("own message back", echoes)):
                        for _ in left:
                            self._ws_event(f"ws chat: {name}", error=TimeoutError("no answer"))
                    break
                if now >= next_send and now < end:
                    client_id = uuid.uuid4().hex
                    body = random.choice(["On my way", "Who runs tonight?", "Nice pace!", "7 km"])
                    ws.send(
                        json.dumps({"type": "message.send", "client_id": client_id, "body": body})
                    )
                    acks[client_id] = echoes[client_id] = time.perf_counter()
                    next_send = now + random.uniform(10, 20)
                frame = self._ws_recv(ws, min(next_send, end) - now if now < end else 1.0)
                if frame is None:
                    continue
                kind, data = frame["type"], frame.get("data") or {}
                if kind == "ack":
                    sent = acks.pop(data.get("client_id"), None)
                    if sent is not None:
                        self._ws_event("ws chat: message ack", sent, size=frame["_size"])
                elif kind == "message.created":
                    sent = echoes.pop(data.get("client_id"), None)
                    if sent is not None and data["sender"]["id"] == me:
                        self._ws_event("ws chat: own message back", sent, size=frame["_size"])
                    else:
                        lag = time.time() - datetime.fromisoformat(data["created"]).timestamp()
                        self._ws_event(
                            "ws chat: message received", ms=max(lag, 0) * 1000, size=frame["_size"]
                        )
                elif kind == "pong" and "ping" in pings:
                    self._ws_event(
                        "ws chat: ping round trip", pings.pop("ping"), size=frame["_size"]
                    )
                elif kind == "error":
                    acks.pop(data.get("client_id"), None)
                    echoes.pop(data.get("client_id"), None)
                    self._ws_event(
                        f"ws chat: refused {data.get('code')}",
                        error=RuntimeError(data.get("message")),
                    )
        except Exception as error:
            self._ws_event("ws chat: socket", error=error)
        finally:
            ws.close()

    @task(1)
    def live_run(self):
        """A while in the club's live run: a runner sends a point a second, everyone gets a
        snapshot a second."""
        role = "runner" if self.may_run_live else "watcher"
        session_id = self.member["live_session_id"]
        ws = self._ws_open(
            f"ws live {role}", f"/ws/live/{session_id}/?role={role}", first_frame=True
        )
        if ws is None:
            return
        now = time.monotonic()
        end = now + random.uniform(STAY_MIN, STAY_MAX)
        next_point = now
        pings: dict[str, float] = {}
        self._ping(ws, "ws live", pings)
        try:
            while (now := time.monotonic()) < end:
                if role == "runner" and now >= next_point:
                    t = time.time()
                    lat, lng = position(self.member["index"], t)
                    point = {"type": "point", "t": round(t, 3), "lat": lat, "lng": lng}
                    ws.send(json.dumps({**point, "accuracy": 5, "hr": 150}))
                    next_point = now + 1.0
                wait = (next_point if role == "runner" else end) - now
                frame = self._ws_recv(ws, min(wait, end - now))
                if frame is None:
                    continue
                kind, data = frame["type"], frame.get("data") or {}
                if kind == "snapshot":
                    lag = max(time.time() - float(data["t"]), 0)
                    self._ws_event("ws live: snapshot received", ms=lag * 1000, size=frame["_size"])
                elif kind == "pong" and "ping" in pings:
                    self._ws_event(
                        "ws live: ping round trip", pings.pop("ping"), size=frame["_size"]
                    )
                elif kind == "error":
                    self._ws_event(
                        f"ws live: refused {data.get('code')}",
                        error=RuntimeError(data.get("message")),
                    )
                elif kind == "session.ended":
                    self._ws_event("ws live: socket", error=RuntimeError("the run was ended"))
                    break
        except Exception as error:
            self._ws_event("ws live: socket", error=error)
        finally:
            ws.close()

    # --- shopping --------------------------------------------------------------------------
    def _shop_post(self, path: str, body: dict, name: str, key: str = ""):
        raw = json.dumps(body).encode()
        headers = signing.headers(
            [SHOP["secret"]], f"msg_{uuid.uuid4().hex}", int(time.time()), raw
        )
        headers |= {"Authorization": f"Bearer {SHOP['token']}", "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        return self.shop.post(path, data=raw, headers=headers, name=name, catch_response=True)

    @task(1)
    def redeem_coupon(self):
        """Offers in the app, then checkout at the shop: check the code, report the order."""
        self.client.get("/api/v1/promos/offers/", name="api: offers")
        me, code = self.member["user_id"], SHOP["coupon"]
        with self._shop_post(
            "/api/v1/shop/coupons/validate/", {"code": code, "user_id": me}, "shop: check coupon"
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return
            check = r.json()
            if not check["valid"] and check["reason"] not in (
                "COUPON_LIMIT_REACHED",
                "COUPON_EXHAUSTED",
            ):
                r.failure(f"coupon refused: {check['reason']}")
                return
        order_id = f"load-{uuid.uuid4().hex}"
        order = {"order_id": order_id, "user_id": me, "total": "59.90", "currency": "EUR"}
        if check["valid"]:
            order["coupon_code"] = code
            name = "shop: order with coupon"
        else:  # the person or the coupon used up: buy without it, and show it in the table
            name = f"shop: order, coupon refused ({check['reason']})"
        with self._shop_post("/api/v1/shop/orders/", order, name, key=order_id) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code}: {r.text[:200]}")
            elif check["valid"] and r.json()["coupon_code"] != code:
                r.failure("the order was stored without its coupon")
