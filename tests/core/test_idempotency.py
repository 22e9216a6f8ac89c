"""Idempotency-Key on POST: replay on retry, 422 on reuse with another body, per-user scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core import analytics
from apps.core.models import AnalyticsEvent, IdempotencyRecord
from tests.accounts.factories import UserFactory

URL = "/api/v1/analytics/events/"
BATCH = {"events": [{"name": "run.started"}, {"name": "run.finished"}]}


def _written() -> int:
    analytics.flush()
    return AnalyticsEvent.objects.count()


@pytest.mark.django_db(transaction=True)
def test_a_retry_replays_the_first_response_without_doing_it_twice(token_client, user):
    client = token_client(user)
    first = client.post(URL, BATCH, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = client.post(URL, BATCH, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == retry.status_code == 202
    assert retry.json() == first.json() == {"accepted": 2}
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert _written() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_key_with_another_body_is_422(token_client, user):
    client = token_client(user)
    client.post(URL, BATCH, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = client.post(
        URL, {"events": [{"name": "run.paused"}]}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )

    assert other.status_code == 422
    assert other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert _written() == 2


@pytest.mark.django_db(transaction=True)
def test_a_key_still_in_progress_is_409(token_client, user):
    from apps.core.api.idempotency import fingerprint  # noqa: F401 - same module under test

    client = token_client(user)
    IdempotencyRecord.objects.create(
        scope=f"user:{user.pk}", key="k-3", fingerprint="x" * 64, state="in_progress"
    )
    response = client.post(URL, BATCH, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    # A different fingerprint wins over "in progress": the body is what the client controls.
    assert response.status_code == 422

    record = IdempotencyRecord.objects.get(key="k-3")
    client.post(URL, BATCH, format="json", HTTP_IDEMPOTENCY_KEY="k-3b")
    fp = IdempotencyRecord.objects.get(key="k-3b").fingerprint
    record.fingerprint = fp
    record.save()
    response = client.post(URL, BATCH, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert response.status_code == 409
    assert response.json()["code"] == "IDEMPOTENCY_REQUEST_IN_PROGRESS"


@pytest.mark.django_db(transaction=True)
def test_keys_are_scoped_per_user(token_client):
    alice, bob = UserFactory(), UserFactory()
    token_client(alice).post(URL, BATCH, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    response = token_client(bob).post(
        URL, {"events": [{"name": "bob.event"}]}, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )

    assert response.status_code == 202
    assert "Idempotent-Replayed" not in response
    analytics.flush()
    assert AnalyticsEvent.objects.filter(user_id=bob.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_failed_validation_is_not_stored_so_a_fixed_retry_works(token_client, user):
    client = token_client(user)
    bad = client.post(URL, {"events": []}, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="k-4").exists()


@pytest.mark.django_db(transaction=True)
def test_an_expired_key_can_be_used_again(token_client, user, settings):
    client = token_client(user)
    client.post(URL, BATCH, format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    IdempotencyRecord.objects.filter(key="k-5").update(
        created=timezone.now() - settings.IDEMPOTENCY_KEY_TTL - timedelta(minutes=1)
    )
    response = client.post(
        URL, {"events": [{"name": "new.one"}]}, format="json", HTTP_IDEMPOTENCY_KEY="k-5"
    )
    assert response.status_code == 202
    assert "Idempotent-Replayed" not in response


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "ünïcode"])
def test_a_malformed_key_is_400(token_client, user, key):
    response = token_client(user).post(
        URL, BATCH, format="json", HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1")
    )
    assert response.status_code == 400
    assert response.json()["code"] == "IDEMPOTENCY_KEY_INVALID"


@pytest.mark.django_db(transaction=True)
def test_old_records_are_purged(user, settings):
    from apps.core.tasks import purge_idempotency_keys_task

    old = IdempotencyRecord.objects.create(scope="s", key="old", fingerprint="f", state="done")
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created=timezone.now() - settings.IDEMPOTENCY_KEY_TTL - timedelta(seconds=1)
    )
    IdempotencyRecord.objects.create(scope="s", key="new", fingerprint="f", state="done")

    assert purge_idempotency_keys_task.apply().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
