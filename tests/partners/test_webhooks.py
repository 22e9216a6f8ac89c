import datetime as dt
import json
import time

import pytest
from django.test import Client
from django.utils import timezone

from apps.notifications.models import Notification
from apps.partners import services, signing
from apps.partners.models import (
    Change,
    DeliveryAttempt,
    WebhookDelivery,
    WebhookEvent,
)
from apps.partners.registry import event_types, get_event_type, register_event_type
from apps.training import services as training_services
from apps.training.types import NormalizedActivity
from tests.accounts.factories import UserFactory
from tests.partners.factories import make_partner
from tests.partners.helpers import Receiver, authorize, running

pytestmark = pytest.mark.django_db


def _run(owner, external_id="r1", day=1):
    return training_services.record_activity(
        owner=owner,
        activity=NormalizedActivity(
            sport="run",
            start_time=dt.datetime(2026, 5, day, 7, tzinfo=dt.UTC),
            elapsed_s=1800,
            distance_m=5000,
            provider="test",
            external_id=external_id,
        ),
    ).activity


_CREDENTIALS = {}


def _credentials_of(partner):
    return _CREDENTIALS[partner.pk]


def _authorized_partner(url="http://127.0.0.1:9/hooks"):
    partner, creds = make_partner()
    _CREDENTIALS[partner.pk] = (creds.client_id, creds.client_secret)
    owner = partner.owners.get()
    authorize(owner, creds.client_id, creds.client_secret, "activities:read")
    endpoint, secret = services.endpoint_create(partner=partner, url=url)
    return partner, owner, endpoint, secret


def test_signature_is_standard_webhooks():
    # The Standard Webhooks reference vector.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    sig = signing.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert sig == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    headers = signing.headers([secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    signing.verify(secret, headers, body, now=1614265330)
    with pytest.raises(signing.SignatureError):
        signing.verify(secret, headers, body, now=1614265330 + 600)
    with pytest.raises(signing.SignatureError):
        signing.verify(signing.generate_secret(), headers, body, now=1614265330)


def test_outbox_rows_are_written_in_the_transaction_of_the_change():
    _partner, owner, endpoint, _ = _authorized_partner()
    activity = _run(owner)

    event = WebhookEvent.objects.get()
    assert event.type == "activity.created"
    assert event.data["activity_id"] == activity.pk
    assert event.envelope()["id"] == event.webhook_id
    assert event.envelope()["schema_version"] == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.status) == (endpoint, "pending")
    assert Change.objects.get().object_id == activity.pk


def test_a_rolled_back_change_leaves_no_outbox_row():
    from django.db import transaction

    _partner, owner, _endpoint, _ = _authorized_partner()
    with pytest.raises(RuntimeError), transaction.atomic():
        _run(owner)
        raise RuntimeError
    assert not WebhookEvent.objects.exists()
    assert not Change.objects.exists()


def test_people_who_did_not_authorize_produce_no_events():
    _authorized_partner()
    _run(UserFactory())
    assert not WebhookEvent.objects.exists()


def test_delivery_is_signed_and_logged(django_capture_on_commit_callbacks):
    receiver = Receiver()
    with running(receiver):
        _partner, owner, endpoint, secret = _authorized_partner()
        endpoint.url = receiver.url
        endpoint.save()
        receiver.secret = secret
        with django_capture_on_commit_callbacks(execute=True):
            activity = _run(owner)

    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got["body"]["type"] == "activity.created"
    assert got["body"]["data"]["activity_id"] == activity.pk
    assert got["headers"]["webhook-id"] == got["body"]["id"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    attempt = DeliveryAttempt.objects.get()
    assert attempt.response_status == 200
    assert attempt.response_body == '{"duplicate": false}'
    assert secret not in json.dumps(attempt.request_headers)


def test_failures_back_off_then_disable_the_endpoint_and_tell_the_owner():
    _partner, owner, endpoint, _ = _authorized_partner(url="http://127.0.0.1:1/closed")
    _run(owner)
    delivery = WebhookDelivery.objects.get()

    services.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=3)
    total = dt.timedelta(0)
    for _ in range(services.MAX_ATTEMPTS - 1):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        services.delivery_attempt(delivery_id=delivery.pk)
    total = dt.timedelta(seconds=sum(services.BACKOFF_S))
    assert dt.timedelta(days=2.5) < total < dt.timedelta(days=3.5)

    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempt_log.count() == services.MAX_ATTEMPTS
    assert not endpoint.is_active
    note = Notification.objects.get(user=owner)
    assert note.kind == "partner_endpoint_disabled"


def test_due_deliveries_are_found_by_the_dispatcher():
    _partner, owner, _endpoint, _ = _authorized_partner()
    _run(owner)
    assert services.deliveries_due_ids() == [WebhookDelivery.objects.get().pk]


def test_replay_sends_the_same_event_id_again(token_client, django_capture_on_commit_callbacks):
    receiver = Receiver()
    with running(receiver):
        _partner, owner, endpoint, secret = _authorized_partner()
        endpoint.url = receiver.url
        endpoint.save()
        receiver.secret = secret
        with django_capture_on_commit_callbacks(execute=True):
            _run(owner)
        delivery = WebhookDelivery.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            response = token_client(owner).post(
                f"/api/v1/partners/deliveries/{delivery.pk}/replay/"
            )
    assert response.status_code == 202
    assert response.json()["event_id"] == delivery.event.webhook_id
    assert WebhookDelivery.objects.count() == 2
    assert len(receiver.seen) == 1  # same webhook-id both times: the receiver deduped


def test_rotation_signs_with_both_secrets_for_a_day():
    _partner, _owner, endpoint, old = _authorized_partner()
    new = services.endpoint_rotate_secret(endpoint=endpoint)
    endpoint.refresh_from_db()
    body = b"{}"
    headers = signing.headers(services._secrets(endpoint), "evt_1", int(time.time()), body)
    signing.verify(old, headers, body)
    signing.verify(new, headers, body)
    assert len(headers["webhook-signature"].split(" ")) == 2


def test_test_event_is_a_real_signed_delivery(token_client):
    receiver = Receiver()
    with running(receiver):
        _partner, owner, endpoint, secret = _authorized_partner()
        endpoint.url = receiver.url
        endpoint.save()
        receiver.secret = secret
        response = token_client(owner).post(f"/api/v1/partners/endpoints/{endpoint.pk}/test/")
    assert response.status_code == 200
    assert response.json()["status"] == "succeeded"
    assert response.json()["last_response_status"] == 200
    assert receiver.received[0]["body"]["type"] == "webhook.test"


def test_registry_lets_higher_apps_add_event_types():
    spec = register_event_type(
        "parcel.sent",
        schema_version=2,
        build_data=lambda p: {"parcel_id": p["parcel_id"]},
        user_id=lambda p: p["user_id"],
        scope="profile:read",
        example={"parcel_id": 1},
    )
    try:
        assert get_event_type("parcel.sent") is spec
        _partner, owner, _endpoint, _ = _authorized_partner()
        # The athlete granted only activities:read: a profile:read event does not go out.
        assert (
            services.webhook_event_emit("parcel.sent", data={"parcel_id": 1}, user_id=owner.pk)
            is None
        )
    finally:
        from apps.partners import registry

        registry._types.pop("parcel.sent")
    assert "parcel.sent" not in {t.name for t in event_types()}


def test_changes_feed_orders_by_update_with_tombstones_scoped_to_the_token(
    django_assert_max_num_queries,
):
    partner, owner, _endpoint, _ = _authorized_partner()
    keep = _run(owner, "a", day=1)
    gone = _run(owner, "b", day=2)
    gone_id = gone.pk
    _run(UserFactory(), "c", day=3)  # someone who never authorized the partner
    training_services.delete_activity(activity=gone)
    training_services.update_activity(activity=keep, title="New title")

    from tests.partners.helpers import client_credentials

    user_token = authorize(owner, *_credentials_of(partner), "activities:read")
    for token in (user_token, client_credentials(*_credentials_of(partner))):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
        with django_assert_max_num_queries(8):
            page = client.get("/api/v1/changes/?page_size=1").json()
        rows = page["results"]
        assert [(r["object_id"], r["action"]) for r in rows] == [(gone_id, "delete")]
        rest = client.get(page["next"]).json()["results"]
        assert [(r["object_id"], r["action"]) for r in rest] == [(keep.pk, "upsert")]


def test_an_endpoint_gets_only_the_event_types_it_asked_for():
    partner, owner, endpoint, _ = _authorized_partner()
    deletions, _ = services.endpoint_create(
        partner=partner, url="http://127.0.0.1:9/deleted", event_types=["activity.deleted"]
    )
    activity = _run(owner)
    training_services.delete_activity(activity=activity)

    got = sorted(WebhookDelivery.objects.values_list("endpoint_id", "event__type"))
    assert got == sorted(
        [
            (endpoint.pk, "activity.created"),
            (endpoint.pk, "activity.deleted"),
            (deletions.pk, "activity.deleted"),
        ]
    )


def test_unknown_event_types_are_refused():
    partner, _ = make_partner()
    from apps.partners.exceptions import EndpointInvalid

    with pytest.raises(EndpointInvalid) as error:
        services.endpoint_create(partner=partner, url="https://x.example/h", event_types=["nope"])
    assert error.value.fields == {"event_types": ["Unknown event types: nope."]}
