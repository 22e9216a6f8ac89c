"""List endpoints read a page in a fixed number of queries, whatever its size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.groups import services
from apps.groups.models import Membership
from tests.accounts.factories import UserFactory
from tests.groups.conftest import record_run

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # warm per-session caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grows(client, url, add) -> tuple[int, int]:
    add(1)
    few = _queries(client, url)
    add(6)
    return few, _queries(client, url)


def test_comments_kudos_members_groups_and_followers_lists(alice, token_client):
    client = token_client(alice)
    run = record_run(alice)
    group = services.group_create(owner=alice, name="Club")

    def comments(n):
        for _ in range(n):
            services.comment_create(author=UserFactory(), activity_id=run.pk, body="Nice")

    def kudos(n):
        for _ in range(n):
            services.kudos_give(user=UserFactory(), activity_id=run.pk)

    def members(n):
        for _ in range(n):
            Membership.objects.create(group=group, user=UserFactory())

    def groups(n):
        for i in range(n):
            services.group_create(owner=UserFactory(), name=f"Group {i}")

    def followers(n):
        for _ in range(n):
            services.follow_create(follower=UserFactory(), followee_id=alice.pk)

    for url, add in (
        (f"/api/v1/activities/{run.pk}/comments/", comments),
        (f"/api/v1/activities/{run.pk}/kudos/", kudos),
        (f"/api/v1/groups/{group.slug}/members/", members),
        ("/api/v1/groups/", groups),
        (f"/api/v1/people/{alice.pk}/followers/", followers),
    ):
        few, many = _grows(client, url, add)
        assert few == many, url
