"""Staff see the delivery log read-only and send announcements to a segment."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.test import Client

from apps.accounts import services as account_services
from apps.notifications.models import Announcement, Delivery, Notification
from tests.accounts.consents import agree_to_all, publish_documents
from tests.accounts.factories import UserFactory
from tests.notifications.conftest import kudos

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    staff = UserFactory(is_staff=True, is_superuser=True, language="en")
    TOTP.activate(staff, generate_totp_secret())
    client = Client()
    client.force_login(staff)
    return client


def test_the_delivery_log_is_listed_and_read_only(staff_client, recipient, actor):
    notification = kudos(recipient, actor)
    delivery = Delivery.objects.filter(notification=notification).first()

    listing = staff_client.get("/admin/notifications/delivery/?status__exact=pending")
    detail = staff_client.get(f"/admin/notifications/delivery/{delivery.pk}/change/")
    post = staff_client.post(
        f"/admin/notifications/delivery/{delivery.pk}/change/", {"status": "sent"}
    )

    assert listing.status_code == 200
    assert listing.content.decode().count('<td class="field-user nowrap">Lena</td>') == 2
    assert detail.status_code == 200
    assert post.status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert staff_client.get("/admin/notifications/delivery/add/").status_code == 403


def test_an_announcement_goes_to_its_segment_once(staff_client, django_capture_on_commit_callbacks):
    publish_documents()
    german_in_at = UserFactory(language="de")
    account_services.profile_update(user=german_in_at, country="AT")
    german_in_de = UserFactory(language="de")
    account_services.profile_update(user=german_in_de, country="DE")
    russian_in_at = UserFactory(language="ru")
    account_services.profile_update(user=russian_in_at, country="AT")
    for person in (german_in_at, german_in_de, russian_in_at):
        agree_to_all(person, marketing=True)
    announcement = Announcement.objects.create(
        title="Wien-Lauf am Sonntag", body="Komm mit!", language="de", country="AT"
    )

    for _ in range(2):  # sending twice reaches nobody twice
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                "/admin/notifications/announcement/",
                {"action": "send", "_selected_action": [announcement.pk]},
            )
        assert response.status_code == 302

    announcement.refresh_from_db()
    assert announcement.recipients == 1 and announcement.sent_at is not None
    assert list(Notification.objects.values_list("user_id", "kind")) == [
        (german_in_at.pk, "announcement")
    ]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([german_in_at.email], "Wien-Lauf am Sonntag")
    ]
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
