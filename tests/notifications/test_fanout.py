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
