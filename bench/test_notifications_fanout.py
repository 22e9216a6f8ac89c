"""A notification to N_USERS people, enqueued and delivered in-app and by e-mail to a local
SMTP sink (aiosmtpd on 127.0.0.1): throughput and database queries per recipient.

    make bench                                                                  # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stride_bench make bench     # PostgreSQL

`notify_many()` runs inside one transaction (the "enqueue" phase: recipients' facts read, rows
written); on commit the delivery batches run (eager Celery, in this process, as a worker would:
claim, read facts, render in the person's language, send over one SMTP connection per batch,
push in-app over the channel layer, mark sent). Every message must arrive at the sink.
"""

import socket
import subprocess
import sys
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.notifications import hooks, services
from apps.notifications.models import Delivery, Notification

N_USERS = 10_000
LANGUAGES = ("en", "ru", "de")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.benchmark(group=f"notifications: fan-out to {N_USERS} people"),
]


SINK = """
import sys, threading
from aiosmtpd.controller import Controller

class Counter:
    count = 0
    lock = threading.Lock()
    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            Counter.count += len(envelope.rcpt_tos)
        return "250 OK"

controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
for line in sys.stdin:  # "count" asks for the number received so far
    print(Counter.count, flush=True)
controller.stop()
"""


class Sink:
    """An SMTP sink in its own process (aiosmtpd), so it does not share this one's GIL."""

    def __init__(self, port: int):
        self.process = subprocess.Popen(
            [sys.executable, "-c", SINK, str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    @property
    def count(self) -> int:
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture
def smtp_sink(settings):
    with socket.socket() as probe:  # a free port (aiosmtpd's start-up check cannot use 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink(port)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    yield sink
    sink.close()


@pytest.fixture
def audience(monkeypatch):
    monkeypatch.setattr(hooks, "_marketing_consent", lambda ids: set(ids))  # all agreed
    user_model = get_user_model()
    user_model.objects.bulk_create(
        [
            user_model(
                email=f"bench{i}@example.com",
                display_name=f"Runner {i}",
                language=LANGUAGES[i % 3],
                password="!",  # noqa: S106 - an unusable password
            )
            for i in range(N_USERS)
        ],
        batch_size=2000,
    )
    return list(user_model.objects.order_by("pk").values_list("pk", flat=True))


def test_fan_out_in_app_and_email(benchmark, smtp_sink, audience):
    result = {}

    def run():
        Delivery.objects.all().delete()
        Notification.objects.all().delete()
        before = smtp_sink.count
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            with transaction.atomic():
                reached = services.notify_many(
                    user_ids=audience,
                    kind="announcement",
                    context={"title": "Spring challenge", "body": "Join us on Sunday."},
                )
                enqueued_at = time.perf_counter()
                enqueue_queries = len(queries)
            delivered_at = time.perf_counter()  # on commit the batches ran
        result.update(
            mails=smtp_sink.count - before,
            reached=reached,
            enqueue_s=enqueued_at - started,
            deliver_s=delivered_at - enqueued_at,
            enqueue_queries=enqueue_queries,
            deliver_queries=len(queries) - enqueue_queries,
        )

    benchmark.pedantic(run, rounds=1, iterations=1)

    assert result["reached"] == N_USERS
    assert result["mails"] == N_USERS
    assert Delivery.objects.filter(status="sent").count() == 2 * N_USERS
    total = result["enqueue_s"] + result["deliver_s"]
    info = {
        "database": connection.vendor,
        "recipients": N_USERS,
        "enqueue_seconds": round(result["enqueue_s"], 2),
        "deliver_seconds": round(result["deliver_s"], 2),
        "recipients_per_second": round(N_USERS / total),
        "enqueue_queries_per_recipient": round(result["enqueue_queries"] / N_USERS, 4),
        "deliver_queries_per_recipient": round(result["deliver_queries"] / N_USERS, 4),
    }
    benchmark.extra_info.update(info)
    print("\nnotifications fan-out:", info)
