"""The endpoints in the access harness. Each app's issue adds its own here."""

from apps.accounts import services
from apps.accounts.models import (
    ConsentDocument,
    ConsentRecord,
    DataExport,
    DataImport,
    ErasureRequest,
    PrivacyZone,
    Profile,
    User,
)
from tests import access
from tests.accounts.archives import minimal_archive
from tests.accounts.consents import agree_to_all, publish_documents
from tests.accounts.factories import PASSWORD
from tests.accounts.images import jpeg_with_gps, upload


def _user_row(user):
    return User.objects.filter(pk=user.pk).values("email", "display_name", "language").get()


access.own(
    "me: read",
    "get",
    url=lambda owner: "/api/v1/me/",
    make=lambda owner: owner,
    snapshot=_user_row,
    leaks=lambda owner: [owner.email, owner.display_name],
)
access.own(
    "me: update",
    "patch",
    url=lambda owner: "/api/v1/me/",
    make=lambda owner: owner,
    snapshot=_user_row,
    leaks=lambda owner: [owner.email],
    body={"display_name": "Changed by someone"},
)


def _profile_row(user):
    return Profile.objects.filter(user=user).values("region", "avatar").first()


access.own(
    "profile: read",
    "get",
    url=lambda owner: "/api/v1/me/profile/",
    make=lambda owner: services.profile_update(user=owner, region="Secret Valley").user,
    snapshot=_profile_row,
    leaks=lambda owner: ["Secret Valley"],
)
access.own(
    "profile: update",
    "patch",
    url=lambda owner: "/api/v1/me/profile/",
    make=lambda owner: services.profile_update(user=owner, region="Secret Valley").user,
    snapshot=_profile_row,
    leaks=lambda owner: ["Secret Valley"],
    body={"region": "Changed by someone"},
)
access.own(
    "avatar: upload",
    "put",
    url=lambda owner: "/api/v1/me/avatar/",
    make=lambda owner: services.profile_update(user=owner, region="Secret Valley").user,
    snapshot=_profile_row,
    leaks=lambda owner: ["Secret Valley", f"avatars/{owner.pk}/"],
    body=lambda: {"avatar": upload(jpeg_with_gps())},
    format="multipart",
)
access.own(
    "avatar: delete",
    "delete",
    url=lambda owner: "/api/v1/me/avatar/",
    make=lambda owner: services.profile_avatar_set(user=owner, upload=upload(jpeg_with_gps())).user,
    snapshot=_profile_row,
    leaks=lambda owner: [],
    owner_status=204,
)


def _zone(owner):
    return services.privacy_zone_create(
        user=owner, name="Home", latitude=52.52, longitude=13.405, radius_m=400
    )


def _zone_row(zone):
    return PrivacyZone.objects.filter(pk=zone.pk).values("name", "latitude", "radius_m").first()


access.own(
    "privacy zones: list",
    "get",
    url=lambda zone: "/api/v1/me/privacy-zones/",
    make=_zone,
    snapshot=_zone_row,
    leaks=lambda owner: ["52.52", "13.405"],
)
access.own(
    "privacy zones: create",
    "post",
    url=lambda zone: "/api/v1/me/privacy-zones/",
    make=_zone,
    snapshot=_zone_row,
    leaks=lambda owner: ["52.52", "13.405"],
    body={"name": "Work", "latitude": 48.1, "longitude": 11.5},
    owner_status=201,
)
for method, status, body in [
    ("get", 200, None),
    ("patch", 200, {"radius_m": 1000}),
    ("delete", 204, None),
]:
    access.owned(
        f"privacy zone: {method}",
        method,
        url=lambda zone: f"/api/v1/me/privacy-zones/{zone.pk}/",
        make=_zone,
        snapshot=_zone_row,
        body=body,
        owner_status=status,
    )


def _consenting_owner(owner):
    if not ConsentDocument.objects.exists():
        publish_documents()
    agree_to_all(owner, marketing=True)
    return owner


def _consent_rows(owner):
    return list(ConsentRecord.objects.filter(user=owner).values_list("document_id", "granted"))


access.own(
    "consents: read",
    "get",
    url=lambda owner: "/api/v1/me/consents/",
    make=_consenting_owner,
    snapshot=_consent_rows,
    leaks=lambda owner: [],
)
access.own(
    "consents: answer",
    "post",
    url=lambda owner: "/api/v1/me/consents/",
    make=_consenting_owner,
    snapshot=_consent_rows,
    leaks=lambda owner: [],
    body={"decisions": {"terms": True, "privacy": True, "health_data": True, "marketing": False}},
)


def _export_rows(owner):
    return list(DataExport.objects.filter(user=owner).values_list("pk", "status"))


access.own(
    "data export: list",
    "get",
    url=lambda owner: "/api/v1/me/export/",
    make=lambda owner: services.data_export_request(user=owner).user,
    snapshot=_export_rows,
    leaks=lambda owner: ["/accounts/export/"],
)
access.own(
    "data export: request",
    "post",
    url=lambda owner: "/api/v1/me/export/",
    make=lambda owner: owner,
    snapshot=_export_rows,
    leaks=lambda owner: [owner.email],
    owner_status=202,
)


def _erasure_rows(owner):
    return list(
        ErasureRequest.objects.filter(subject_id=owner.pk).values_list(
            "status", "scheduled_for", "cancelled_at"
        )
    )


access.own(
    "account deletion: request",
    "delete",
    url=lambda owner: "/api/v1/me/",
    make=lambda owner: owner,
    snapshot=_erasure_rows,
    leaks=lambda owner: [owner.email],
    body={"password": PASSWORD},  # the intruder's own password: it schedules their own
    owner_status=202,
)
access.own(
    "account deletion: see",
    "get",
    url=lambda owner: "/api/v1/me/deletion/",
    make=lambda owner: services.account_deletion_request(user=owner).user,
    snapshot=_erasure_rows,
    leaks=lambda owner: [],
)
access.own(
    "account deletion: cancel",
    "delete",
    url=lambda owner: "/api/v1/me/deletion/",
    make=lambda owner: services.account_deletion_request(user=owner).user,
    snapshot=_erasure_rows,
    leaks=lambda owner: [],
    owner_status=204,
)


def _import_rows(owner):
    return list(DataImport.objects.filter(user=owner).values_list("pk", "status"))


def _with_an_import(owner):
    services.data_import_request(user=owner, upload=minimal_archive())
    return owner


access.own(
    "data import: list",
    "get",
    url=lambda owner: "/api/v1/me/import/",
    make=_with_an_import,
    snapshot=_import_rows,
    leaks=lambda owner: ["profile_fields"],  # in the summary of the owner's import
)
access.own(
    "data import: upload",
    "post",
    url=lambda owner: "/api/v1/me/import/",
    make=lambda owner: owner,
    snapshot=_import_rows,
    leaks=lambda owner: [owner.email],
    body=lambda: {"archive": minimal_archive()},
    format="multipart",
    owner_status=202,
)


# --- training ---------------------------------------------------------------------------------


def _private_run(owner):
    from apps.training import services as training_services
    from tests.training.tracks import meridian_run, run_activity

    return training_services.record_activity(
        owner=owner,
        activity=run_activity(
            meridian_run(seconds=600), title="Secret tempo", visibility="only_me"
        ),
    ).activity


def _activity_row(activity):
    from apps.training.models import Activity

    return Activity.objects.filter(pk=activity.pk).values("title", "visibility", "sport").first()


def _activity_titles(owner):
    from apps.training.models import Activity

    return list(Activity.objects.filter(owner=owner).values_list("title", flat=True))


access.own(
    "activities: list",
    "get",
    url=lambda owner: "/api/v1/activities/",
    make=lambda owner: _private_run(owner).owner,
    snapshot=_activity_titles,
    leaks=lambda owner: ["Secret tempo"],
)
access.own(
    "activities: record by hand",
    "post",
    url=lambda owner: "/api/v1/activities/",
    make=lambda owner: _private_run(owner).owner,
    snapshot=_activity_titles,
    leaks=lambda owner: ["Secret tempo"],
    body=lambda: {
        "sport": "run",
        "start_time": "2026-01-10T07:00:00+01:00",
        "elapsed_s": 1800,
        "distance_m": 5000,
    },
    owner_status=201,
)
access.own(
    "activities: CSV export",
    "get",
    url=lambda owner: "/api/v1/activities/export.csv",
    make=lambda owner: _private_run(owner).owner,
    snapshot=_activity_titles,
    leaks=lambda owner: ["Secret tempo"],
)
access.own(
    "activities: of a person",
    "get",
    url=lambda owner: f"/api/v1/users/{owner.pk}/activities/",
    make=lambda owner: _private_run(owner).owner,
    snapshot=_activity_titles,
    leaks=lambda owner: ["Secret tempo"],
)
access.owned(
    "activity: read",
    "get",
    url=lambda activity: f"/api/v1/activities/{activity.pk}/",
    make=_private_run,
    snapshot=_activity_row,
)
access.owned(
    "activity: update",
    "patch",
    url=lambda activity: f"/api/v1/activities/{activity.pk}/",
    make=_private_run,
    snapshot=_activity_row,
    body={"title": "Changed by someone", "visibility": "public"},
)
access.owned(
    "activity: delete",
    "delete",
    url=lambda activity: f"/api/v1/activities/{activity.pk}/",
    make=_private_run,
    snapshot=_activity_row,
    owner_status=204,
)
access.owned(
    "activity: streams",
    "get",
    url=lambda activity: f"/api/v1/activities/{activity.pk}/streams/",
    make=_private_run,
    snapshot=_activity_row,
)
access.owned(
    "activity: GPX",
    "get",
    url=lambda activity: f"/api/v1/activities/{activity.pk}/gpx/",
    make=_private_run,
    snapshot=_activity_row,
)


def _first_activity_id(owner):
    from apps.training.models import Activity

    return Activity.objects.filter(owner=owner).values_list("pk", flat=True).first()


access.own(
    "progress",
    "get",
    url=lambda owner: "/api/v1/progress/",
    make=lambda owner: _private_run(owner).owner,
    snapshot=_activity_titles,
    leaks=lambda owner: [f'"activity_id":{_first_activity_id(owner)}'],  # in the records
)


def _private_route(owner):
    from apps.training import routes
    from tests.training.gpx import gpx_upload

    return routes.route_from_gpx(owner=owner, upload=gpx_upload(), name="Secret loop")


def _route_row(route):
    from apps.training.models import Route

    return Route.objects.filter(pk=route.pk).values("name", "visibility", "tags").first()


def _route_names(owner):
    from apps.training.models import Route

    return list(Route.objects.filter(owner=owner).values_list("name", flat=True))


def _gpx_body():
    from tests.training.gpx import gpx_upload

    return {"gpx": gpx_upload(), "name": "Mine"}


access.own(
    "routes: list",
    "get",
    url=lambda owner: "/api/v1/routes/",
    make=lambda owner: _private_route(owner).owner,
    snapshot=_route_names,
    leaks=lambda owner: ["Secret loop"],
)
access.own(
    "routes: save",
    "post",
    url=lambda owner: "/api/v1/routes/",
    make=lambda owner: _private_route(owner).owner,
    snapshot=_route_names,
    leaks=lambda owner: ["Secret loop"],
    body=_gpx_body,
    format="multipart",
    owner_status=201,
)
access.own(
    "routes: nearby",
    "get",
    url=lambda owner: "/api/v1/routes/nearby/?lat=48.0&lng=11.5&radius_km=20",
    make=lambda owner: _private_route(owner).owner,
    snapshot=_route_names,
    leaks=lambda owner: ["Secret loop"],
)
access.owned(
    "route: read",
    "get",
    url=lambda route: f"/api/v1/routes/{route.pk}/",
    make=_private_route,
    snapshot=_route_row,
)
access.owned(
    "route: update",
    "patch",
    url=lambda route: f"/api/v1/routes/{route.pk}/",
    make=_private_route,
    snapshot=_route_row,
    body={"name": "Changed", "visibility": "public"},
)
access.owned(
    "route: delete",
    "delete",
    url=lambda route: f"/api/v1/routes/{route.pk}/",
    make=_private_route,
    snapshot=_route_row,
    owner_status=204,
)
access.owned(
    "route: GPX",
    "get",
    url=lambda route: f"/api/v1/routes/{route.pk}/gpx/",
    make=_private_route,
    snapshot=_route_row,
)


# --- Training plans (apps.training.plans) -----------------------------------------------------

import uuid  # noqa: E402
from datetime import timedelta  # noqa: E402

from apps.training.plans import selectors as plan_selectors  # noqa: E402
from apps.training.plans import services as plan_services  # noqa: E402
from apps.training.plans.models import PlanEnrollment, PlanSession  # noqa: E402


def _enrolled(owner):
    return plan_services.plan_enroll(owner=owner, plan_slug="10k").enrollment


def _enrollment_rows(obj):
    owner_id = obj.owner_id if isinstance(obj, PlanEnrollment) else obj.pk
    return list(
        PlanEnrollment.objects.filter(owner_id=owner_id)
        .order_by("pk")
        .values_list("pk", "status", "calendar_token", "volume_factor")
    )


def _session_row(session):
    return PlanSession.objects.filter(pk=session.pk).values("status", "date").get()


def _intervals(owner):
    return _enrolled(owner).sessions.get(index=1)  # on day 3 of the plan; day 2 is free


access.own(
    "plans: enroll",
    "post",
    url=lambda owner: "/api/v1/plans/10k/enroll/",
    make=lambda owner: owner,
    snapshot=_enrollment_rows,
    leaks=lambda owner: [],
    body={},
    owner_status=201,
)
access.own(
    "plans: my enrollments",
    "get",
    url=lambda owner: "/api/v1/plans/enrollments/",
    make=lambda owner: _enrolled(owner).owner,
    snapshot=_enrollment_rows,
    leaks=lambda owner: [e.calendar_token for e in plan_selectors.enrollment_list(owner=owner)],
)
access.owned(
    "plans: enrollment",
    "get",
    url=lambda enrollment: f"/api/v1/plans/enrollments/{enrollment.pk}/",
    make=_enrolled,
    snapshot=_enrollment_rows,
)
access.owned(
    "plans: stop",
    "delete",
    url=lambda enrollment: f"/api/v1/plans/enrollments/{enrollment.pk}/",
    make=_enrolled,
    snapshot=_enrollment_rows,
    owner_status=204,
)
access.owned(
    "plans: schedule",
    "get",
    url=lambda enrollment: f"/api/v1/plans/enrollments/{enrollment.pk}/sessions/",
    make=_enrolled,
    snapshot=_enrollment_rows,
)
access.owned(
    "plans: calendar token",
    "post",
    url=lambda enrollment: f"/api/v1/plans/enrollments/{enrollment.pk}/calendar-token/",
    make=_enrolled,
    snapshot=_enrollment_rows,
)
access.owned(
    "plans: skip a session",
    "post",
    url=lambda s: f"/api/v1/plans/enrollments/{s.enrollment_id}/sessions/{s.pk}/skip/",
    make=_intervals,
    snapshot=_session_row,
)
access.owned(
    "plans: move a session",
    "post",
    url=lambda s: f"/api/v1/plans/enrollments/{s.enrollment_id}/sessions/{s.pk}/reschedule/",
    make=_intervals,
    snapshot=_session_row,
    body=lambda: {
        "date": (plan_selectors.local_today("UTC") + timedelta(days=1)).isoformat(),
    },
)


# --- notifications -----------------------------------------------------------------------------
def _notification(owner):
    from apps.notifications import services as notification_services

    return notification_services.notify(
        owner,
        "kudos",
        {"actor_name": "Secret Admirer", "activity_title": "Secret Run"},
        collapse_key="activity:1",
    )


def _notification_rows(notification):
    from apps.notifications.models import Notification

    return list(
        Notification.objects.filter(user_id=notification.user_id).values_list("pk", "read_at")
    )


access.own(
    "notifications: list",
    "get",
    url=lambda n: "/api/v1/notifications/",
    make=_notification,
    snapshot=_notification_rows,
    leaks=lambda owner: ["Secret Admirer", "Secret Run"],
)
access.own(
    "notifications: unread count",
    "get",
    url=lambda n: "/api/v1/notifications/unread-count/",
    make=_notification,
    snapshot=_notification_rows,
    leaks=lambda owner: ['"unread_count":1'],
)
access.owned(
    "notification: mark read",
    "post",
    url=lambda n: f"/api/v1/notifications/{n.pk}/read/",
    make=_notification,
    snapshot=_notification_rows,
)
access.own(
    "notifications: mark all read",
    "post",
    url=lambda n: "/api/v1/notifications/read-all/",
    make=_notification,
    snapshot=_notification_rows,
    leaks=lambda owner: [],
)


def _preference_owner(owner):
    from apps.notifications import services as notification_services

    notification_services.preference_set(user=owner, kind="kudos", channel="email", enabled=False)
    notification_services.channel_disable(user=owner, channel="telegram", reason="Secret reason")
    return owner


def _preference_rows(owner):
    from apps.notifications.models import ChannelState, Preference

    return (
        list(Preference.objects.filter(user=owner).values_list("kind", "channel", "enabled")),
        list(ChannelState.objects.filter(user=owner).values_list("channel", "disabled_reason")),
    )


access.own(
    "notification preferences: read",
    "get",
    url=lambda owner: "/api/v1/notifications/preferences/",
    make=_preference_owner,
    snapshot=_preference_rows,
    leaks=lambda owner: ["Secret reason"],
)
access.own(
    "notification preferences: update",
    "patch",
    url=lambda owner: "/api/v1/notifications/preferences/",
    make=_preference_owner,
    snapshot=_preference_rows,
    leaks=lambda owner: ["Secret reason"],
    body={
        "preferences": [{"kind": "kudos", "channel": "email", "enabled": True}],
        "enable_channels": ["telegram"],
    },
)


def _push_subscription(owner):
    from apps.notifications import services as notification_services

    subscription, _created = notification_services.push_subscription_save(
        user=owner,
        endpoint=f"https://push.example/secret-endpoint-{owner.pk}",
        p256dh="BPublicKey",
        auth="authsecret",
    )
    return subscription


def _push_rows(subscription):
    from apps.notifications.models import PushSubscription

    return list(
        PushSubscription.objects.filter(user_id=subscription.user_id).values_list(
            "pk", "endpoint", "p256dh"
        )
    )


access.own(
    "push subscriptions: list",
    "get",
    url=lambda s: "/api/v1/notifications/push-subscriptions/",
    make=_push_subscription,
    snapshot=_push_rows,
    leaks=lambda owner: ["secret-endpoint"],
)
access.own(
    "push subscriptions: create",
    "post",
    url=lambda s: "/api/v1/notifications/push-subscriptions/",
    make=_push_subscription,
    snapshot=_push_rows,
    leaks=lambda owner: ["secret-endpoint"],
    body=lambda: {
        "endpoint": f"https://push.example/new-{__import__('uuid').uuid4().hex}",
        "keys": {"p256dh": "BOther", "auth": "other"},
    },
    owner_status=201,
)
access.owned(
    "push subscription: delete",
    "delete",
    url=lambda s: f"/api/v1/notifications/push-subscriptions/{s.pk}/",
    make=_push_subscription,
    snapshot=_push_rows,
    owner_status=204,
)


def _telegram_owner(owner):
    from apps.notifications.models import TelegramLink

    TelegramLink.objects.update_or_create(
        user=owner, defaults={"chat_id": 900000 + owner.pk, "username": "secret_handle"}
    )
    return owner


def _telegram_rows(owner):
    from apps.notifications.models import TelegramLink, TelegramLinkToken

    return (
        list(TelegramLink.objects.filter(user=owner).values_list("chat_id", "username")),
        TelegramLinkToken.objects.filter(user=owner).count(),
    )


access.own(
    "telegram: status",
    "get",
    url=lambda owner: "/api/v1/notifications/telegram/",
    make=_telegram_owner,
    snapshot=_telegram_rows,
    leaks=lambda owner: ["secret_handle"],
)
access.own(
    "telegram: unlink",
    "delete",
    url=lambda owner: "/api/v1/notifications/telegram/",
    make=_telegram_owner,
    snapshot=_telegram_rows,
    leaks=lambda owner: [],
    owner_status=204,
)
access.own(
    "telegram: link",
    "post",
    url=lambda owner: "/api/v1/notifications/telegram/link/",
    make=_telegram_owner,
    snapshot=_telegram_rows,
    leaks=lambda owner: ["secret_handle"],
    owner_status=409,  # no bot configured in the default test settings
)


# --- devices: file import -----------------------------------------------------------------
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from apps.devices import services as device_services  # noqa: E402
from apps.devices.models import Upload  # noqa: E402
from tests.devices.files import gpx_run  # noqa: E402


def _failed_upload(owner):
    """A finished (failed) upload named so that its name would show if it leaked."""
    upload = device_services.upload_file(
        owner=owner, file=SimpleUploadedFile("secret-morning-run.gpx", b"not a workout")
    )
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.FAILED, reason_code="X")
    upload.refresh_from_db()
    return upload


def _upload_row(upload):
    return Upload.objects.filter(pk=upload.pk).values("status", "reason_code", "attempts").get()


def _upload_rows(owner):
    return sorted(Upload.objects.filter(owner=owner).values_list("original_name", "status"))


access.own(
    "uploads: mine",
    "get",
    url=lambda owner: "/api/v1/uploads/",
    make=lambda owner: _failed_upload(owner).owner,
    snapshot=_upload_rows,
    leaks=lambda owner: ["secret-morning-run"],
)
access.own(
    "uploads: upload a file",
    "post",
    url=lambda owner: "/api/v1/uploads/",
    make=lambda owner: _failed_upload(owner).owner,
    snapshot=_upload_rows,
    leaks=lambda owner: ["secret-morning-run"],
    body=lambda: {"file": SimpleUploadedFile("run.gpx", gpx_run(60))},
    format="multipart",
    owner_status=202,
)
access.owned(
    "uploads: one",
    "get",
    url=lambda upload: f"/api/v1/uploads/{upload.pk}/",
    make=_failed_upload,
    snapshot=_upload_row,
)
access.owned(
    "uploads: reprocess",
    "post",
    url=lambda upload: f"/api/v1/uploads/{upload.pk}/reprocess/",
    make=_failed_upload,
    snapshot=_upload_row,
    owner_status=202,
)


# --- health batches (apps.devices.health) --------------------------------------------------------


def _health_activities(owner):
    from apps.training.models import Activity

    return list(Activity.objects.filter(owner=owner).values_list("external_id", flat=True))


def _with_health_workout(owner):
    from datetime import timedelta

    from django.utils import timezone

    from apps.devices import health

    start = timezone.now() - timedelta(days=1)
    health.health_batch_apply(
        owner=owner,
        platform="apple_health",
        workouts=[
            {"id": "HK-secret", "sport": "yoga", "start": start, "end": start + timedelta(hours=1)}
        ],
        deleted=[],
    )
    return owner


access.own(
    "health batches: send",
    "post",
    url=lambda owner: "/api/v1/health/batches/",
    make=_with_health_workout,
    snapshot=_health_activities,
    # The intruder names the owner's workout: it is not found for them, and nothing of the
    # owner's activity (its id) comes back.
    leaks=lambda owner: [f'"activity_id":{_first_activity_id(owner)}'],
    body={"platform": "apple_health", "deleted": ["HK-secret"]},
)


# --- challenges: challenges, leaderboards, badges --------------------------------------------

from django.utils import timezone as _tz  # noqa: E402

from apps.challenges import services as challenge_services  # noqa: E402
from apps.challenges.models import (  # noqa: E402
    BadgeAward,
    Challenge,
    LeaderboardSettings,
    Participation,
)


def _joined_challenge(owner):
    """A running challenge the owner joined, with progress that would show if it leaked."""
    today = _tz.localdate()
    challenge = Challenge.objects.create(
        slug=f"access-{uuid.uuid4().hex[:12]}",
        title={"en": "Access challenge"},
        metric="distance",
        target=10_000,
        start_date=today - timedelta(days=3),
        end_date=today + timedelta(days=3),
    )
    challenge_services.challenge_join(challenge=challenge, user=owner)
    Participation.objects.filter(challenge=challenge, user=owner).update(progress=4321.5)
    return challenge


def _participation(challenge):
    """The owner's participation (the first: made with the challenge)."""
    rows = Participation.objects.filter(challenge=challenge).order_by("pk")
    return list(rows.values_list("user_id", "progress")[:1])


def _owner_rows(owner):
    return (
        list(Participation.objects.filter(user=owner).values_list("challenge_id", "progress")),
        list(BadgeAward.objects.filter(user=owner).values_list("badge_id", flat=True)),
        list(LeaderboardSettings.objects.filter(user=owner).values_list("hidden", flat=True)),
    )


def _with_badge(owner):
    from apps.challenges.models import Badge

    badge, _ = Badge.objects.get_or_create(
        slug="access-secret-badge", defaults={"criterion": "challenge", "title": {"en": "Secret"}}
    )
    BadgeAward.objects.get_or_create(user=owner, badge=badge, defaults={"awarded_at": _tz.now()})
    return owner


for _name, _method, _url, _status in (
    ("challenges: one with my progress", "get", "/api/v1/challenges/{}/", 200),
    ("challenges: join", "post", "/api/v1/challenges/{}/join/", 200),
    ("challenges: leave", "post", "/api/v1/challenges/{}/leave/", 204),
    ("challenges: leaderboard", "get", "/api/v1/challenges/{}/leaderboard/", 200),
):
    access.own(
        _name,
        _method,
        url=lambda challenge, _u=_url: _u.format(challenge.pk),
        make=_joined_challenge,
        snapshot=_participation,
        # The challenge itself is public; the owner's progress is what must not show (ranks
        # are public unless the owner opted out, so the leaderboard case shows it by design).
        leaks=lambda challenge, _n=_name: [] if "leaderboard" in _n else ["4321.5"],
        owner_status=_status,
    )
access.own(
    "challenges: list with my progress",
    "get",
    url=lambda owner: "/api/v1/challenges/",
    make=lambda owner: _joined_challenge(owner) and owner,
    snapshot=_owner_rows,
    leaks=lambda owner: ["4321.5"],
)
access.own(
    "leaderboards: a board and my rank",
    "get",
    url=lambda owner: "/api/v1/leaderboards/?sport=run&period=week",
    make=lambda owner: owner,
    snapshot=_owner_rows,
    leaks=lambda owner: [],
)
access.own(
    "leaderboards: my setting",
    "get",
    url=lambda owner: "/api/v1/leaderboards/settings/",
    make=lambda owner: challenge_services.leaderboard_visibility_set(user=owner, hidden=True).user,
    snapshot=_owner_rows,
    leaks=lambda owner: ['"hidden":true'],
)
access.own(
    "leaderboards: change my setting",
    "put",
    url=lambda owner: "/api/v1/leaderboards/settings/",
    make=lambda owner: owner,
    snapshot=_owner_rows,
    leaks=lambda owner: [],
    body={"hidden": True},
)
access.own(
    "badges: my cabinet",
    "get",
    url=lambda owner: "/api/v1/badges/",
    make=_with_badge,
    snapshot=_owner_rows,
    leaks=lambda owner: ["access-secret-badge"],
)


# --- challenges: segments -------------------------------------------------------------------
from apps.challenges.models import Segment, SegmentEffort  # noqa: E402
from tests.challenges.paths import path_activity  # noqa: E402


def _segment_with_private_effort(owner):
    """A segment cut from the owner's private run: their effort must not show to others."""
    from apps.training import services as training_services

    run = training_services.record_activity(
        owner=owner,
        activity=path_activity([(0, 0), (0, 1000)], 4.0, visibility="only_me"),
    ).activity
    segment = challenge_services.segment_create(
        owner=owner, activity_id=run.pk, start_index=10, end_index=200, name="Secret hill"
    )
    SegmentEffort.objects.filter(segment=segment).update(elapsed_s=777.5)
    return segment


def _segment_efforts(segment):
    return list(SegmentEffort.objects.filter(segment=segment).values_list("user_id", "elapsed_s"))


def _owner_segments(owner):
    return list(Segment.objects.filter(owner=owner).values_list("name", flat=True))


access.own(
    "segments: one with its leaderboard and my bests",
    "get",
    url=lambda segment: f"/api/v1/segments/{segment.pk}/",
    make=_segment_with_private_effort,
    snapshot=_segment_efforts,
    leaks=lambda segment: ["777.5"],
)
access.own(
    "segments: cut one from my activity",
    "post",
    url=lambda owner: "/api/v1/segments/",
    make=lambda owner: _segment_with_private_effort(owner).owner,
    snapshot=_owner_segments,
    leaks=lambda owner: [],
    body=lambda: {"activity_id": 0, "start_index": 0, "end_index": 5, "name": "x"},
    owner_status=400,
)


# --- gear -------------------------------------------------------------------------------------
from apps.gear import services as gear_services  # noqa: E402
from apps.gear.models import Gear, GearActivity  # noqa: E402
from tests.gear.factories import run as gear_run  # noqa: E402


def _gear(owner):
    return gear_services.gear_create(
        owner=owner, custom_name="secret-shoes", category="road_shoe", default_for=["run"]
    )


def _gear_row(gear):
    return (
        Gear.objects.filter(pk=gear.pk)
        .values("nickname", "retired_at", "distance_m", "activity_count")
        .first()
    )


def _gear_rows(owner):
    return sorted(Gear.objects.filter(owner=owner).values_list("custom_name", "nickname"))


def _attributed_run(owner):
    _gear(owner)
    return gear_run(owner, 10)


access.own(
    "gear: mine",
    "get",
    url=lambda owner: "/api/v1/gear/",
    make=lambda owner: _gear(owner).owner,
    snapshot=_gear_rows,
    leaks=lambda owner: ["secret-shoes"],
)
access.own(
    "gear: add",
    "post",
    url=lambda owner: "/api/v1/gear/",
    make=lambda owner: _gear(owner).owner,
    snapshot=_gear_rows,
    leaks=lambda owner: ["secret-shoes"],
    body={"custom_name": "New pair", "category": "road_shoe"},
    owner_status=201,
)
for _method, _body, _status in (("get", None, 200), ("patch", {"nickname": "x"}, 200),
                                ("delete", None, 204)):  # fmt: skip
    access.owned(
        f"gear: one ({_method})",
        _method,
        url=lambda gear: f"/api/v1/gear/{gear.pk}/",
        make=_gear,
        snapshot=_gear_row,
        body=_body,
        owner_status=_status,
    )
for _action in ("retire", "reactivate", "recompute"):
    access.owned(
        f"gear: {_action}",
        "post",
        url=lambda gear, a=_action: f"/api/v1/gear/{gear.pk}/{a}/",
        make=_gear,
        snapshot=_gear_row,
    )
for _action in ("activities", "suggestions"):
    access.owned(
        f"gear: {_action}",
        "get",
        url=lambda gear, a=_action: f"/api/v1/gear/{gear.pk}/{a}/",
        make=_gear,
        snapshot=_gear_row,
    )
access.owned(
    "gear: attribute an activity",
    "put",
    url=lambda activity: f"/api/v1/gear/attributions/{activity.pk}/",
    make=_attributed_run,
    snapshot=lambda activity: list(
        GearActivity.objects.filter(activity_id=activity.pk).values_list("gear_id", flat=True)
    ),
    body={"gear": None},
)
access.own(
    "segments: my list",
    "get",
    url=lambda owner: "/api/v1/segments/",
    make=lambda owner: _segment_with_private_effort(owner).owner,
    snapshot=_owner_segments,
    leaks=lambda owner: ["Secret hill"],
)
access.owned(
    "segments: delete",
    "delete",
    url=lambda segment: f"/api/v1/segments/{segment.pk}/",
    make=_segment_with_private_effort,
    snapshot=_segment_efforts,
    owner_status=204,
)
