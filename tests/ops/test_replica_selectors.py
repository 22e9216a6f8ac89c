"""The selectors marked replica-safe (feed, leaderboards, segment boards, news, catalog) read
from the `replica` alias (a TEST MIRROR of the primary here); writes, transactions and reads
after a write in the same request or task use the primary."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts import selectors as accounts_selectors
from apps.challenges import selectors as challenge_selectors
from apps.challenges.exceptions import GroupBoardForbidden
from apps.challenges.models import Segment, SegmentEffort
from apps.core import db_router
from apps.core.tasks import _replica_reads_start_afresh
from apps.gear import selectors as gear_selectors
from apps.gear.models import Gear
from apps.groups import selectors as groups_selectors
from apps.groups import services as groups_services
from apps.promos import selectors as promos_selectors
from apps.promos.models import Article
from apps.training import services as training_services
from apps.training.types import NormalizedActivity
from tests.accounts.factories import UserFactory
from tests.gear.factories import feed_product, import_json

pytestmark = pytest.mark.django_db(databases=["default", "replica"], transaction=True)

JUNE_3 = datetime(2026, 6, 3, tzinfo=UTC).date()


def record(owner, *, km: float):
    """A run on 3 June 2026 (transactional test: its events run at commit, at once)."""
    return training_services.record_activity(
        owner=owner,
        activity=NormalizedActivity(
            sport="run",
            start_time=datetime(2026, 6, 3, 7, tzinfo=UTC),
            elapsed_s=km * 360,
            moving_s=km * 360,
            distance_m=km * 1000,
        ),
    ).activity


@pytest.fixture(autouse=True)
def replica_reads_on(settings):
    settings.DATABASE_REPLICA_READS = True  # off for the rest of the suite (config/settings/test)


class Queries:
    def __init__(self):
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])

    def __enter__(self):
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)

    def count(self) -> tuple[int, int]:
        return len(self.primary.captured_queries), len(self.replica.captured_queries)

    def replica_sql(self) -> list[str]:
        return self.sql("replica")

    def sql(self, alias: str) -> list[str]:
        context = self.replica if alias == "replica" else self.primary
        return [q["sql"] for q in context.captured_queries]


def _fresh(func):
    """Call `func` as a new request or task would: no write remembered, outside a transaction."""
    with db_router.primary_only(), Queries() as queries:
        result = func()
    return result, queries


@pytest.fixture
def people():
    me, friend, stranger = UserFactory(), UserFactory(), UserFactory()
    groups_services.follow_create(follower=me, followee_id=friend.pk)
    mine = record(me, km=5)
    theirs = record(friend, km=10)
    record(stranger, km=7)
    return me, friend, stranger, mine, theirs


def test_the_marked_selectors_carry_the_mark():
    for selector in (
        groups_selectors.feed,
        challenge_selectors._rank_rows,
        challenge_selectors.segment_leaderboard,
        promos_selectors.article_list,
        gear_selectors.brand_list,
        gear_selectors.product_list,
        gear_selectors.product_get,
    ):
        assert getattr(selector, "replica_safe", False) is True, selector.__name__
    # read-after-write and access checks stay unmarked
    for selector in (groups_selectors.person_activities, groups_selectors.is_member):
        assert not getattr(selector, "replica_safe", False), selector.__name__


def test_the_feed_reads_the_replica_with_its_subqueries(people):
    me, _friend, _stranger, mine, theirs = people
    ids, queries = _fresh(lambda: [a.pk for a in groups_selectors.feed(viewer=me)])
    assert set(ids) == {mine.pk, theirs.pk}  # not the stranger's
    # Blocks (a safety rule) are read on the primary; the feed query with its follows, mutes
    # and moderation subqueries on the replica.
    assert queries.count() == (2, 1)
    assert all("groups_block" in sql for sql in queries.sql("default"))


def test_a_feed_page_over_http_reads_the_feed_from_the_replica(client, people):
    me, _friend, _stranger, mine, theirs = people
    client.force_login(me)
    with Queries() as queries:
        response = client.get("/api/v1/feed/")
    assert response.status_code == 200
    assert {item["id"] for item in response.json()["results"]} == {mine.pk, theirs.pk}
    feed_reads = [sql for sql in queries.replica_sql() if '"training_activity"' in sql]
    assert len(feed_reads) == 1
    primary, replica = queries.count()
    assert replica == 1 and primary > 0  # session, user, viewer rules stay on the primary


def test_after_a_write_the_feed_reads_the_primary(people):
    me, _friend, _stranger, mine, theirs = people

    def kudos_then_feed():
        groups_services.kudos_give(user=me, activity_id=theirs.pk)
        return {a.pk: a.gave_kudos for a in groups_selectors.feed(viewer=me)}

    seen, queries = _fresh(kudos_then_feed)
    assert seen == {theirs.pk: True, mine.pk: False}  # my own kudos, read back
    assert queries.count()[1] == 0
    assert queries.count()[0] > 0


def test_inside_a_transaction_the_feed_reads_the_primary(people):
    me = people[0]

    def in_transaction():
        with transaction.atomic():
            return len(list(groups_selectors.feed(viewer=me)))

    count, queries = _fresh(in_transaction)
    assert count == 2
    assert queries.count()[1] == 0


def test_a_queryset_pinned_to_the_replica_stays_there_when_evaluated_later(people):
    me = people[0]
    with db_router.primary_only():
        feed = groups_selectors.feed(viewer=me)  # marked: pinned now, evaluated below
        with Queries() as queries:
            assert len(feed[:10]) == 2
    assert feed.db == "replica"
    assert queries.count() == (0, 1)


def test_the_kill_switch_sends_marked_reads_to_the_primary(settings, people):
    settings.DATABASE_REPLICA_READS = False
    me = people[0]
    count, queries = _fresh(lambda: len(list(groups_selectors.feed(viewer=me))))
    assert count == 2
    assert queries.count() == (3, 0)


def test_leaderboards_read_the_replica_after_the_access_check_on_the_primary():
    a, b = UserFactory(), UserFactory()
    record(a, km=10)
    record(b, km=8)
    board, queries = _fresh(
        lambda: challenge_selectors.leaderboard(viewer=b, sport="run", period="week", day=JUNE_3)
    )
    assert [(r.rank, r.user_id, r.value) for r in board.rows] == [
        (1, a.pk, 10000.0),
        (2, b.pk, 8000.0),
    ]
    assert board.me.rank == 2
    assert queries.count()[0] == 0
    assert queries.count()[1] >= 2  # the top rows and the total


def test_a_group_board_checks_membership_on_the_primary():
    owner, outsider = UserFactory(), UserFactory()
    group = groups_services.group_create(owner=owner, name="Club")
    record(owner, km=6)
    board, queries = _fresh(
        lambda: challenge_selectors.leaderboard(
            viewer=owner, sport="run", period="week", day=JUNE_3, scope="group", group_id=group.pk
        )
    )
    assert [(r.user_id, r.value) for r in board.rows] == [(owner.pk, 6000.0)]
    primary, replica = queries.count()
    assert primary >= 1  # is the viewer a member: never a stale answer
    assert replica >= 1
    with db_router.primary_only(), pytest.raises(GroupBoardForbidden):
        challenge_selectors.leaderboard(
            viewer=outsider,
            sport="run",
            period="week",
            day=JUNE_3,
            scope="group",
            group_id=group.pk,
        )


def test_the_segment_board_reads_the_replica():
    a, b = UserFactory(), UserFactory()
    run_a, run_b = record(a, km=3), record(b, km=3)
    segment = Segment.objects.create(
        owner=a,
        name="Hill",
        sport="run",
        points=[[52.5, 13.4], [52.51, 13.41]],
        distance_m=900,
        start_cell=1,
    )
    for user, run, seconds in ((a, run_a, 300.0), (b, run_b, 280.0)):
        SegmentEffort.objects.create(
            segment=segment,
            activity=run,
            user=user,
            elapsed_s=seconds,
            start_index=0,
            end_index=10,
            started_at=run.start_time,
        )
    board, queries = _fresh(
        lambda: challenge_selectors.segment_leaderboard(viewer=a, segment=segment)
    )
    assert [(r.rank, r.user_id, r.value) for r in board.rows] == [
        (1, b.pk, 280.0),
        (2, a.pk, 300.0),
    ]
    assert (board.me.rank, board.total) == (2, 2)
    assert queries.count()[0] == 0


def test_news_reads_the_replica():
    now = timezone.now()
    article = Article.objects.create(
        title={"en": "Trail season"},
        body={"en": "<p>Go.</p>"},
        published_at=now - timedelta(hours=1),
    )
    Article.objects.create(
        title={"en": "Later"}, body={"en": "<p>Soon.</p>"}, published_at=now + timedelta(days=1)
    )
    reader = UserFactory()
    accounts_selectors.profile_for(user=reader)  # made on first read: a write of its own
    titles, queries = _fresh(
        lambda: [a.pk for a in promos_selectors.article_list_for(user=reader, language="en")]
    )
    assert titles == [article.pk]
    assert [
        sql for sql in queries.replica_sql() if "promos_article" in sql
    ] == queries.replica_sql()
    assert queries.count()[1] == 1
    assert not [sql for sql in queries.sql("default") if "promos_article" in sql]


def test_the_catalog_reads_the_replica_with_its_prefetches():
    import_json([feed_product("A-1"), feed_product("A-2", brand="Hoka")])
    rows, queries = _fresh(
        lambda: [
            (p.sku, p.brand.name, [o.region for o in p.offers.all()])
            for p in gear_selectors.product_list()
        ]
    )
    assert sorted(rows) == [("A-1", "Asics", ["DE"]), ("A-2", "Hoka", ["DE"])]
    assert queries.count() == (0, 2)  # products with brands, then their offers
    brands, queries = _fresh(lambda: [b.name for b in gear_selectors.brand_list()])
    assert brands == ["Asics", "Hoka"]
    assert queries.count() == (0, 1)


def test_adding_gear_from_the_catalog_writes_to_the_primary(client):
    import_json([feed_product("A-1")])
    product = gear_selectors.product_list().get(sku="A-1")
    me = UserFactory()
    client.force_login(me)
    with Queries() as queries:
        response = client.post(reverse("gear-from-product", args=[product.pk]))
    assert response.status_code == 302
    assert Gear.objects.filter(owner=me, product=product).count() == 1
    written = [
        sql for sql in queries.replica_sql() if not sql.lstrip().upper().startswith("SELECT")
    ]
    assert written == []
    assert any(
        "INSERT" in q["sql"] and "gear_gear" in q["sql"] for q in queries.primary.captured_queries
    )


def test_a_task_starts_without_the_writes_of_the_task_before():
    with db_router.primary_only():
        UserFactory()  # a write in an earlier task of this worker
        assert db_router.replica_alias() == "default"
        _replica_reads_start_afresh()
        assert db_router.replica_alias() == "replica"
