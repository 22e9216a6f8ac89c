"""Account deletion: scheduled after a grace period the person can use to cancel, then erased
by every app's eraser, leaving no row that still holds their e-mail, name or coordinates."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts import services, tasks
from apps.accounts.models import DataExport, ErasureRequest, User
from apps.core import analytics
from apps.training.models import Activity
from tests.accounts.consents import agree_to_all, publish_documents
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.images import jpeg_with_gps, upload
from tests.conftest import session_token

pytestmark = pytest.mark.django_db(transaction=True)  # tasks and file removal run on commit

EMAIL = "zoe.quartermaine@example.org"
NAME = "Zoë Quartermaine"
HOME = (48.137154, 11.576124)


def _later(monkeypatch, days: float) -> None:
    moment = timezone.now() + timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def athlete():
    publish_documents()
    user = UserFactory(email=EMAIL, display_name=NAME, language="ru")
    agree_to_all(user)
    return user


def test_wrong_password_schedules_nothing(athlete, token_client):
    response = token_client(athlete).delete("/api/v1/me/", {"password": "nope"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "WRONG_PASSWORD"
    assert not ErasureRequest.objects.exists()


def test_deletion_is_scheduled_once_announced_and_can_be_cancelled(athlete, token_client):
    client = token_client(athlete)

    first = client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    again = client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")

    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()  # a retry changes nothing
    erasure = ErasureRequest.objects.get()
    assert erasure.scheduled_for - timezone.now() > timedelta(days=13, hours=23)
    assert client.get("/api/v1/me/deletion/").json()["scheduled_for"] is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Ваш аккаунт Stride будет удалён"  # their language
    assert "/accounts/delete/" in mail.outbox[0].body

    assert client.delete("/api/v1/me/deletion/").status_code == 204
    assert client.get("/api/v1/me/deletion/").json() == {"scheduled_for": None}
    erasure.refresh_from_db()
    assert erasure.status == "cancelled"
    assert tasks.erase_due_accounts_task.delay().get() == 0
    assert User.objects.filter(pk=athlete.pk).exists()


def test_too_many_wrong_passwords_are_refused_with_retry_after(athlete, token_client):
    client = token_client(athlete)
    for _ in range(10):
        assert client.delete("/api/v1/me/", {"password": "nope"}, format="json").status_code == 400

    response = client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert response.json()["code"] == "RATE_LIMITED"
    assert int(response["Retry-After"]) > 0
    assert not ErasureRequest.objects.exists()


def test_people_without_a_password_confirm_by_being_signed_in(athlete):
    athlete.set_unusable_password()
    athlete.save()
    client = APIClient()
    client.force_authenticate(athlete)

    assert client.delete("/api/v1/me/", {}, format="json").status_code == 202


def test_nothing_is_erased_before_the_grace_period_ends(athlete, monkeypatch):
    erasure = services.account_deletion_request(user=athlete)

    services.account_erase(erasure_id=erasure.pk)
    _later(monkeypatch, days=13)
    assert tasks.erase_due_accounts_task.delay().get() == 0

    assert User.objects.filter(pk=athlete.pk).exists()
    assert ErasureRequest.objects.get().status == "scheduled"


def test_the_web_pages_schedule_and_cancel(athlete):
    client = Client()
    client.force_login(athlete)

    wrong = client.post("/accounts/delete/", {"password": "nope"})
    assert wrong.status_code == 200
    assert "That is not your password" in wrong.content.decode()
    assert not ErasureRequest.objects.exists()

    scheduled = client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)
    assert "Your account will be deleted on" in scheduled.content.decode()
    assert "Cancel the deletion" in scheduled.content.decode()

    cancelled = client.post("/accounts/delete/cancel/", follow=True)
    assert "The deletion is cancelled" in cancelled.content.decode()
    assert ErasureRequest.objects.get().status == "cancelled"


def test_signing_in_during_the_grace_period_reminds_and_offers_to_stay(athlete):
    services.account_deletion_request(user=athlete)
    client = Client()

    response = client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD}, follow=True)

    page = response.content.decode()
    assert "Your account will be deleted on" in page
    assert 'href="/accounts/delete/">Keep my account</a>' in page


def _give_the_athlete_a_full_life(athlete) -> list:
    """Data in every place accounts and core keep it; returns the files that must go."""
    services.profile_update(user=athlete, region="Bavaria", weight_kg=Decimal("61.5"))
    services.profile_avatar_set(user=athlete, upload=upload(jpeg_with_gps()))
    SocialAccount.objects.create(
        user=athlete, provider="google", uid="1234", extra_data={"email": EMAIL, "name": NAME}
    )
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=session_token(client, EMAIL))
    TOTP.activate(athlete, generate_totp_secret())
    zone = client.post(
        "/api/v1/me/privacy-zones/",
        {"name": f"{NAME}'s home", "latitude": HOME[0], "longitude": HOME[1], "radius_m": 200},
        format="json",
        HTTP_IDEMPOTENCY_KEY="zone-1",  # its stored response repeats the coordinates
    )
    assert zone.status_code == 201, zone.content
    web = Client()
    web.force_login(athlete)
    LogEntry.objects.log_actions(
        user_id=UserFactory(is_staff=True).pk,
        queryset=[athlete],
        action_flag=CHANGE,
        change_message=f"Changed display name to {NAME}",
    )
    from apps.training import services as training_services
    from tests.training.tracks import meridian_run, run_activity

    training_services.record_activity(
        owner=athlete,
        activity=run_activity(
            meridian_run(seconds=300, lat0=HOME[0], lng=HOME[1]), title=f"{NAME} from home"
        ),
    )
    analytics.track("profile_updated", user_id=athlete.pk)
    analytics.get_backend().flush()
    services.data_export_request(user=athlete)
    profile = athlete.profile
    profile.refresh_from_db()
    return [profile.avatar, DataExport.objects.get().file]


def _rows_holding(needles: list[str], coordinates: tuple[float, float]) -> list[str]:
    """Every row of every table whose text holds a needle or whose numbers are the place."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        text_fields, number_fields = [], []
        for field in model._meta.concrete_fields:
            if isinstance(
                field,
                models.CharField | models.TextField | models.JSONField | models.BinaryField,
            ):
                text_fields.append(field.attname)
            elif isinstance(field, models.FloatField | models.DecimalField):
                number_fields.append(field.attname)
        if not text_fields and not number_fields:
            continue
        for row in model._base_manager.values_list("pk", *text_fields, *number_fields):
            pk, texts, numbers = row[0], row[1 : 1 + len(text_fields)], row[1 + len(text_fields) :]
            for value in texts:
                blob = (
                    bytes(value).decode("utf-8", "replace")
                    if isinstance(value, bytes | memoryview)
                    else str(value)
                )
                if any(needle.lower() in blob.lower() for needle in needles):
                    found.append(f"{model._meta.label} #{pk}: {blob[:80]}")
            for value in numbers:
                if value is not None and any(abs(float(value) - c) < 1e-6 for c in coordinates):
                    found.append(f"{model._meta.label} #{pk}: {value}")
    return found


def test_after_erasure_no_row_keeps_the_person(athlete, monkeypatch):
    files = _give_the_athlete_a_full_life(athlete)
    needles = [EMAIL, NAME, EMAIL.split("@")[0]]
    assert len(_rows_holding(needles, HOME)) >= 5  # the scan does find them while they live
    assert all(f.storage.exists(f.name) for f in files)
    services.account_deletion_request(user=athlete)

    _later(monkeypatch, days=14.01)
    assert tasks.erase_due_accounts_task.delay().get() == 1

    assert _rows_holding(needles, HOME) == []
    assert not User.objects.filter(pk=athlete.pk).exists()
    assert not Activity.objects.exists()  # with their samples and outlines
    assert not any(f.storage.exists(f.name) for f in files)
    assert all(
        s.get_decoded().get("_auth_user_id") != str(athlete.pk) for s in Session.objects.all()
    )
    erasure = ErasureRequest.objects.get()
    assert (erasure.status, erasure.subject_id) == ("completed", athlete.pk)
    assert erasure.email_digest == services.email_digest(EMAIL.upper())  # still answerable
    assert not LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_repr__icontains="zo"
    ).exists()

    login = APIClient().post(
        "/_allauth/app/v1/auth/login", {"email": EMAIL, "password": PASSWORD}, format="json"
    )
    assert login.status_code == 400
    assert login.json()["errors"][0]["code"] == "email_password_mismatch"


def test_a_repeated_erasure_task_is_harmless(athlete, monkeypatch):
    erasure = services.account_deletion_request(user=athlete)
    _later(monkeypatch, days=15)

    assert tasks.erase_account_task.delay(erasure_id=erasure.pk).get() == "completed"
    assert tasks.erase_account_task.delay(erasure_id=erasure.pk).get() == "completed"
    assert ErasureRequest.objects.filter(status="completed").count() == 1


def test_emails_of_the_deletion_name_the_date(athlete):
    services.account_deletion_request(user=athlete)
    assert re.search(r"\d{4}", mail.outbox[0].body)
