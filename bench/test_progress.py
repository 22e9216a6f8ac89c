"""The dashboard and /api/v1/progress/ of an athlete with 3,000 activities (about eight years
of training): time per request and the number of queries, which must not grow with history.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stride_bench make bench

Activities are inserted in bulk (their figures, not their samples: progress reads only
figures); the same request is then timed over rounds.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.training.models import Activity
from tests.accounts.factories import UserFactory

ACTIVITIES = 3000
ROUNDS = 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.benchmark(group=f"progress: {ACTIVITIES} activities"),
]


@pytest.fixture
def athlete():
    user = UserFactory()
    now = timezone.now()
    Activity.objects.bulk_create(
        [
            Activity(
                owner=user,
                sport="run" if i % 4 else "ride",
                start_time=now - timedelta(hours=23 * i + 1),
                elapsed_s=3000,
                moving_s=2900,
                distance_m=9000.0 + i % 7 * 500,
                elevation_gain_m=40.0,
                training_load=55.0 + i % 5,
                source="provider",
                visibility="followers",
            )
            for i in range(ACTIVITIES)
        ],
        batch_size=500,
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/dashboard/", "/api/v1/progress/?period=year"])
def test_progress_pages(benchmark, athlete, url, bench_medians):
    with CaptureQueriesContext(connection) as queries:
        assert athlete.get(url).status_code == 200
    count = len(queries)  # now: the next request resets the connection's query log
    benchmark.extra_info.update({"queries": count, "database": connection.vendor})
    benchmark.pedantic(athlete.get, args=(url,), rounds=ROUNDS, warmup_rounds=1)
    if benchmark.stats is not None:
        bench_medians[f"progress {url}"] = (benchmark.stats.stats.median, count)
