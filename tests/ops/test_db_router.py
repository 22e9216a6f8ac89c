"""The read-replica router: marked reads go to the replica alias (a TEST MIRROR of the
primary here), writes, transactions and reads after a write stay on the primary."""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.core import db_router
from apps.core.db_router import replica_alias, replica_reads, replica_safe
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(databases=["default", "replica"], transaction=True)


@pytest.fixture(autouse=True)
def replica_reads_on(settings):
    settings.DATABASE_REPLICA_READS = True  # off for the rest of the suite (config/settings/test)


def _aliases_used(func):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        result = func()
    return result, len(primary.captured_queries), len(replica.captured_queries)


def test_the_replica_alias_is_configured_as_a_mirror(settings):
    assert "replica" in settings.DATABASES
    assert settings.DATABASES["replica"]["TEST"]["MIRROR"] == "default"
    assert "apps.core.db_router.ReplicaRouter" in settings.DATABASE_ROUTERS


def test_unmarked_reads_go_to_the_primary():
    UserFactory(email="a@example.com")
    with db_router.primary_only():
        emails, primary, replica = _aliases_used(
            lambda: list(User.objects.values_list("email", flat=True))
        )
    assert emails == ["a@example.com"]
    assert (primary, replica) == (1, 0)


def test_marked_reads_go_to_the_replica_and_find_the_data():
    UserFactory(email="a@example.com")

    @replica_safe
    def emails():
        return list(User.objects.values_list("email", flat=True))

    with db_router.primary_only():
        found, primary, replica = _aliases_used(emails)
    assert found == ["a@example.com"]
    assert (primary, replica) == (0, 1)


def test_reads_inside_a_transaction_stay_on_the_primary():
    with db_router.primary_only(), replica_reads():
        with transaction.atomic():
            assert replica_alias() == "default"
            _, primary, replica = _aliases_used(lambda: User.objects.count())
        assert (primary, replica) == (1, 0)
        assert replica_alias() == "replica"


def test_after_a_write_reads_stay_on_the_primary():
    with db_router.primary_only(), replica_reads():
        User.objects.create_user(email="w@example.com", password="x" * 12)
        assert replica_alias() == "default"  # read-your-writes
        _, primary, replica = _aliases_used(lambda: User.objects.count())
    assert (primary, replica) == (1, 0)


def test_writes_and_migrations_go_to_the_primary():
    router = db_router.ReplicaRouter()
    assert router.db_for_write(User) == "default"
    assert router.allow_migrate("default", "accounts")
    assert not router.allow_migrate("replica", "accounts")


def test_each_request_starts_afresh(client):
    """A write in one request does not pin the next request of the same thread."""
    UserFactory()
    db_router._wrote.set(True)  # left over from an earlier request on this thread
    seen = {}

    def view(request):
        with replica_reads():
            seen["alias"] = replica_alias()
        from django.http import HttpResponse

        return HttpResponse()

    db_router.ReplicaRequestMiddleware(view)(None)
    assert seen["alias"] == "replica"
