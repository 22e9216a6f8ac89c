"""Stride load test: a mix of what members do, with think times.

Run through bench/load/run.sh (starts the stack, seeds, runs headless, samples CPU/memory).
Each simulated member uses one of the seeded session tokens (bench/load/seed_users.py): the
API with `X-Session-Token`, pages with the same token as the session cookie.

Weights are per member session: mostly reading (dashboard, activities, notifications,
progress), sometimes recording an activity by hand or uploading a GPX file.

Slots for the apps being built alongside (TODO list in bench/load/README.md): feed, chat, live
group runs, coupon redemption. Each is a task with weight 0 until its endpoint exists; give it
a weight and fill in the request when the app lands.
"""

import itertools
import json
import os
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from locust import HttpUser, between, task

TOKENS = json.loads(
    Path(os.environ.get("LOAD_TOKENS", Path(__file__).with_name(".tokens.json"))).read_text()
)
_next_token = itertools.cycle(TOKENS)

GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="stride-load" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>Load run</name><trkseg>{points}</trkseg></trk></gpx>"""


def gpx_file(start: datetime) -> bytes:
    points = []
    for i in range(0, 600, 5):  # a 10-minute run, a point every 5 s
        t = (start + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        points.append(
            f'<trkpt lat="{52.52 + i * 0.00002:.6f}" lon="{13.40 + i * 0.00002:.6f}">'
            f"<ele>{34 + (i % 20) / 10:.1f}</ele><time>{t}</time></trkpt>"
        )
    return GPX.format(points="".join(points)).encode()


class Member(HttpUser):
    wait_time = between(1, 5)  # think time between actions

    def on_start(self):
        self.token = next(_next_token)
        self.client.headers["X-Session-Token"] = self.token
        self.client.cookies.set("sessionid", self.token)
        self.activity_ids: list[int] = []

    # --- what exists now -------------------------------------------------------------------
    @task(10)
    def dashboard(self):
        self.client.get("/dashboard/", name="page: dashboard")

    @task(15)
    def activity_list(self):
        with self.client.get(
            "/api/v1/activities/", name="api: activity list", catch_response=True
        ) as r:
            if r.status_code == 200:
                self.activity_ids = [a["id"] for a in r.json()["results"]][:20]

    @task(12)
    def activity_detail(self):
        if not self.activity_ids:
            return self.activity_list()
        activity_id = random.choice(self.activity_ids)
        self.client.get(f"/api/v1/activities/{activity_id}/", name="api: activity detail")

    @task(8)
    def notifications(self):
        self.client.get("/api/v1/notifications/", name="api: notifications")

    @task(5)
    def progress(self):
        self.client.get("/api/v1/progress/", name="api: progress")

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

    # --- slots for the apps being built alongside (weight 0 until they land) ----------------
    @task(0)
    def feed(self):
        # TODO(feed): GET the activity feed of people I follow / my groups.
        pass

    @task(0)
    def chat(self):
        # TODO(chat): open a group chat (websocket) or post a message through the API.
        pass

    @task(0)
    def live_run(self):
        # TODO(live runs): join a live group run and send position updates over the websocket.
        pass

    @task(0)
    def redeem_coupon(self):
        # TODO(promos): redeem a partner coupon (POST, with an Idempotency-Key).
        pass
