"""notify_many(): the same notification to many people with a flat number of queries, each on
their own channels, sent once."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.notifications import hooks, services
from apps.notifications.models import Delivery, Notification
from apps.notifications.tasks import delivery_send_many_task
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone_consents(monkeypatch):
    monkeypatch.setattr(hooks, "_marketing_consent", lambda ids: set(ids))


def _announce(user_ids, capture):
    with capture(execute=True):
        return services.notify_many(
            user_ids=user_ids, kind="announcement", context={"title": "Hi", "body": "News"}
        )


def test_each_person_gets_their_channels_once(
    everyone_consents, django_capture_on_commit_callbacks
):
    plain, no_email, email_broken = UserFactory(), UserFactory(), UserFactory()
    services.preference_set(user=no_email, kind="announcement", channel="email", enabled=False)
    services.channel_disable(user=email_broken, channel="email", reason="refused")

    reached = _announce(
        [plain.pk, no_email.pk, email_broken.pk], django_capture_on_commit_callbacks
    )

    assert reached == 3
    assert [m.to for m in mail.outbox] == [[plain.email]]
    assert sorted(Delivery.objects.values_list("user_id", "channel", "status")) == sorted(
        [
            (plain.pk, "in_app", "sent"),
            (plain.pk, "email", "sent"),
            (no_email.pk, "in_app", "sent"),
            (email_broken.pk, "in_app", "sent"),
        ]
    )
    # A redelivered batch sends nothing again.
    delivery_send_many_task.apply(
        kwargs={"delivery_ids": list(Delivery.objects.values_list("pk", flat=True))}
    )
    assert len(mail.outbox) == 1


def test_queries_do_not_grow_with_the_audience(
    everyone_consents, django_capture_on_commit_callbacks
):
    small = [UserFactory().pk for _ in range(3)]
    large = [UserFactory().pk for _ in range(30)]

    with CaptureQueriesContext(connection) as few:
        _announce(small, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as many:
        _announce(large, django_capture_on_commit_callbacks)

    assert Notification.objects.count() == 33
    assert len(mail.outbox) == 33
    assert len(many) == len(few)


def test_notify_costs_a_fixed_number_of_queries(django_assert_num_queries):
    from tests.notifications.conftest import kudos

    reader, fan = UserFactory(), UserFactory(display_name="Fan")
    # Seven queries: the recipient (user, profile and links in one), preferences, disabled
    # channels, settings, the collapse lookup, one INSERT for the notification, one for its
    # deliveries; plus two savepoints (four statements).
    with django_assert_num_queries(11):
        kudos(reader, fan)
    # A collapse: the same reads, then the locked lookup, UPDATE, re-read, its deliveries'
    # rounds and open channels; no new delivery (the pending ones will carry the new count).
    with django_assert_num_queries(11):
        kudos(reader, fan)
    assert Delivery.objects.count() == 2  # in-app and e-mail, one each


def test_turning_the_digest_off_sends_what_was_held(django_capture_on_commit_callbacks):
    from tests.notifications.conftest import kudos

    reader, fan = UserFactory(), UserFactory(display_name="Fan")
    services.delivery_settings_update(user=reader, digest="daily")
    with django_capture_on_commit_callbacks(execute=True):
        kudos(reader, fan)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_settings_update(user=reader, digest="off")

    assert len(mail.outbox) == 1
    assert Delivery.objects.get(channel="email").status == "sent"
