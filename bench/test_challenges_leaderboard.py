"""A weekly running leaderboard over 100,000 participants.

Seeded (not timed): 100,000 people, each with one run this week, as `LeaderboardEntry` summary
rows (what the event handler maintains) and as `Activity` rows (what an aggregation would sum).
Timed:
- `read_summary`: `selectors.leaderboard(...)`, top 50 plus the reader's rank (the reader sits
  around rank 70,000, outside the top): an indexed top-N and one count;
- `read_aggregate`: the same answer computed per request by aggregating activities
  (GROUP BY owner over the week's runs, ordered, top 50, plus the reader's rank by a second
  aggregation): what the summary avoids;
- `update`: the work an `activity_recorded` event does for one new run
  (`services.activity_changed`: flag check, the week's and month's rows of that person recomputed
  from their own activities, challenge progress and badges).

    .venv/bin/pytest bench/test_challenges_leaderboard.py -p no:randomly --benchmark-only -q
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum

from apps.challenges import selectors, services
from apps.challenges.models import LeaderboardEntry
from apps.training import services as training
from apps.training.models import Activity
from apps.training.types import NormalizedActivity

N = 100_000
DAY = date(2026, 6, 3)
WEEK = date(2026, 6, 1)

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark(group="leaderboard: 100,000 people")]


@pytest.fixture(scope="module")
def board(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        User = get_user_model()
        User.objects.bulk_create(
            [User(email=f"lb{i}@bench.local", display_name=f"R{i}") for i in range(N)],
            batch_size=5000,
        )
        ids = list(User.objects.filter(email__endswith="@bench.local").values_list("pk", flat=True))
        start = datetime(2026, 6, 3, 7, tzinfo=UTC)
        Activity.objects.bulk_create(
            [
                Activity(
                    owner_id=uid,
                    sport="run",
                    start_time=start,
                    elapsed_s=1800,
                    moving_s=1800,
                    distance_m=1000 + (i * 7919) % 15000,
                    source="file",
                )
                for i, uid in enumerate(ids)
            ],
            batch_size=5000,
        )
        LeaderboardEntry.objects.bulk_create(
            [
                LeaderboardEntry(
                    user_id=uid,
                    sport="run",
                    period="week",
                    period_start=WEEK,
                    distance_m=1000 + (i * 7919) % 15000,
                    moving_s=1800,
                    activities=1,
                )
                for i, uid in enumerate(ids)
            ],
            batch_size=5000,
        )
        yield ids
        LeaderboardEntry.objects.all().delete()
        Activity.objects.all().delete()
        User.objects.filter(email__endswith="@bench.local").delete()


def _reader(ids):
    """Someone around rank 70,000."""
    entry = LeaderboardEntry.objects.order_by("-distance_m", "user_id")[70_000]
    return get_user_model().objects.get(pk=entry.user_id)


def _aggregate(reader):
    week = Activity.objects.filter(
        sport="run",
        start_time__gte=datetime(2026, 6, 1, tzinfo=UTC),
        start_time__lt=datetime(2026, 6, 8, tzinfo=UTC),
    )
    totals = week.values("owner_id").annotate(total=Sum("distance_m"))
    top = list(totals.order_by("-total", "owner_id")[:50])
    mine = week.filter(owner=reader).aggregate(total=Sum("distance_m"))["total"]
    ahead = totals.filter(Q(total__gt=mine) | Q(total=mine, owner_id__lt=reader.pk)).aggregate(
        n=Count("owner_id")
    )
    return top, ahead


def test_read_summary(benchmark, bench_medians, board):
    reader = _reader(board)
    result = benchmark.pedantic(
        selectors.leaderboard,
        kwargs={"viewer": reader, "sport": "run", "period": "week", "day": DAY},
        rounds=10,
        iterations=1,
        warmup_rounds=1,
    )
    assert len(result.rows) == 50
    assert result.me.rank == 70_001
    assert result.total == N
    if benchmark.stats is not None:
        bench_medians["lb_summary"] = benchmark.stats.stats.median


def test_read_aggregate(benchmark, bench_medians, board):
    reader = _reader(board)
    top, _ahead = benchmark.pedantic(
        _aggregate, args=(reader,), rounds=5, iterations=1, warmup_rounds=1
    )
    assert len(top) == 50
    summary = selectors.leaderboard(viewer=reader, sport="run", period="week", day=DAY)
    assert [r["owner_id"] for r in top] == [r.user_id for r in summary.rows]
    if benchmark.stats is not None:
        bench_medians["lb_aggregate"] = benchmark.stats.stats.median


def test_update_per_activity(benchmark, bench_medians, board):
    user = get_user_model().objects.get(pk=board[12345])
    new = training.record_activity(
        owner=user,
        activity=NormalizedActivity(
            sport="run",
            start_time=datetime(2026, 6, 4, 7, tzinfo=UTC) + timedelta(minutes=1),
            source="file",
            elapsed_s=1500,
            moving_s=1500,
            distance_m=5000,
        ),
    ).activity
    benchmark.pedantic(
        services.activity_changed,
        kwargs={"owner_id": user.pk, "activity_id": new.pk},
        rounds=20,
        iterations=1,
        warmup_rounds=1,
    )
    row = LeaderboardEntry.objects.get(user=user, period="week", period_start=WEEK)
    assert row.activities == 2
    if benchmark.stats is not None:
        bench_medians["lb_update"] = benchmark.stats.stats.median
