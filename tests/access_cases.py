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
access.owned(
    "segments: rename",
    "patch",
    url=lambda segment: f"/api/v1/segments/{segment.pk}/",
    make=_segment_with_private_effort,
    snapshot=lambda segment: Segment.objects.filter(pk=segment.pk).values_list("name").first(),
    body={"name": "Renamed by someone"},
)


# --- groups ---------------------------------------------------------------------------------
# Community: people, follows, blocks, mutes, the feed, kudos, comments, groups, moderation.
from types import SimpleNamespace as _NS  # noqa: E402

from apps.groups import models as _community  # noqa: E402
from apps.groups import services as group_services  # noqa: E402
from tests.accounts.factories import UserFactory as _People  # noqa: E402
from tests.groups.conftest import record_run as _community_run  # noqa: E402

_Appeal = _community.Appeal
_Block = _community.Block
_Comment = _community.Comment
_RSVP = _community.EventRSVP
_Follow = _community.Follow
_Group = _community.Group
_GroupEvent = _community.GroupEvent
_Kudos = _community.Kudos
_Membership = _community.Membership
_Action = _community.ModerationAction
_Mute = _community.Mute
_Report = _community.Report


def _private_profile(user, visibility="only_me"):
    services.profile_update(user=user, profile_visibility=visibility)
    return user


def _pair(owner):
    """The owner and another person the owner acts on (`url` uses the other)."""
    return _NS(owner=owner, other=_People(display_name="Other person"))


def _follows_of(obj):
    return sorted(_Follow.objects.filter(follower=obj.owner).values_list("followee_id", "status"))


def _with_follow(owner):
    pair = _pair(owner)
    group_services.follow_create(follower=owner, followee_id=pair.other.pk)
    return pair


def _graph_of(obj):
    return (
        _follows_of(obj),
        sorted(_Block.objects.filter(blocker=obj.owner).values_list("blocked_id", flat=True)),
        sorted(_Mute.objects.filter(muter=obj.owner).values_list("muted_id", flat=True)),
    )


def _with_block(owner):
    pair = _pair(owner)
    group_services.block_create(blocker=owner, blocked_id=pair.other.pk)
    return pair


def _with_mute(owner):
    pair = _pair(owner)
    group_services.mute_create(muter=owner, muted_id=pair.other.pk)
    return pair


def _owner_with_secret_run(owner):
    _community_run(owner, visibility="only_me", title="Secret community run")
    return owner


access.own(
    "community: feed",
    "get",
    url=lambda owner: "/api/v1/feed/",
    make=_owner_with_secret_run,
    snapshot=lambda owner: list(owner.activities.values_list("pk", flat=True)),
    leaks=lambda owner: ["Secret community run"],
)
access.own(
    "community: suggested people",
    "get",
    url=lambda owner: "/api/v1/people/suggested/",
    make=lambda owner: owner,
    snapshot=lambda owner: _Follow.objects.filter(follower=owner).count(),
    leaks=lambda owner: [owner.email],
)
access.own(
    "community: a person's profile",
    "get",
    url=lambda owner: f"/api/v1/people/{owner.pk}/",
    make=_private_profile,
    snapshot=lambda owner: _Follow.objects.filter(followee=owner).count(),
    leaks=lambda owner: [owner.email],
)
access.own(
    "community: a person's activities",
    "get",
    url=lambda owner: f"/api/v1/people/{owner.pk}/activities/",
    make=_owner_with_secret_run,
    snapshot=lambda owner: list(owner.activities.values_list("pk", flat=True)),
    leaks=lambda owner: ["Secret community run"],
)
for _path, _make, _status_post, _status_delete in (
    ("follow", _with_follow, 201, 204),
    ("block", _with_block, 204, 204),
    ("mute", _with_mute, 204, 204),
):
    access.own(
        f"community: {_path}",
        "post",
        url=lambda pair, p=_path: f"/api/v1/people/{pair.other.pk}/{p}/",
        make=_pair,
        snapshot=_graph_of,
        leaks=lambda owner: [],
        owner_status=_status_post,
    )
    access.own(
        f"community: un{_path}",
        "delete",
        url=lambda pair, p=_path: f"/api/v1/people/{pair.other.pk}/{p}/",
        make=_make,
        snapshot=_graph_of,
        leaks=lambda owner: [],
        owner_status=_status_delete,
    )
for _side in ("followers", "following"):
    access.owned(
        f"community: {_side} of a followers-only profile",
        "get",
        url=lambda owner, s=_side: f"/api/v1/people/{owner.pk}/{s}/",
        make=lambda owner: _private_profile(owner, "followers"),
        snapshot=lambda owner: _Follow.objects.filter(followee=owner).count(),
    )


def _asked_to_follow(owner):
    _private_profile(owner, "followers")
    asking = _People(display_name="Asking Rita")
    return group_services.follow_create(follower=asking, followee_id=owner.pk)


def _follow_row(follow):
    return list(_Follow.objects.filter(pk=follow.pk).values_list("status", flat=True))


access.own(
    "community: my follow requests",
    "get",
    url=lambda follow: "/api/v1/me/follow-requests/",
    make=lambda owner: _asked_to_follow(owner).followee,
    snapshot=lambda owner: _Follow.objects.filter(followee=owner).count(),
    leaks=lambda owner: ["Asking Rita"],
)
for _method, _status in (("post", 200), ("delete", 204)):
    access.owned(
        f"community: decide a follow request ({_method})",
        _method,
        url=lambda follow: f"/api/v1/me/follow-requests/{follow.follower_id}/",
        make=_asked_to_follow,
        snapshot=_follow_row,
        owner_status=_status,
    )


def _followed_run(owner):
    """A followers-only run of someone the owner follows: the owner sees it, others do not."""
    runner = _People(display_name="Followed runner")
    group_services.follow_create(follower=owner, followee_id=runner.pk)
    return _community_run(runner, visibility="followers", title="Followers only run")


def _social_of(activity):
    return (
        sorted(_Kudos.objects.filter(activity=activity).values_list("user_id", flat=True)),
        sorted(_Comment.objects.filter(activity=activity).values_list("body", flat=True)),
    )


def _kudosed_run(owner):
    activity = _followed_run(owner)
    group_services.kudos_give(user=owner, activity_id=activity.pk)
    return activity


for _method, _make, _status in (
    ("get", _kudosed_run, 200),
    ("post", _followed_run, 201),
    ("delete", _kudosed_run, 200),
):
    access.owned(
        f"community: kudos ({_method})",
        _method,
        url=lambda activity: f"/api/v1/activities/{activity.pk}/kudos/",
        make=_make,
        snapshot=_social_of,
        owner_status=_status,
    )
for _method, _status, _body in (("get", 200, None), ("post", 201, {"body": "Great run"})):
    access.owned(
        f"community: comments ({_method})",
        _method,
        url=lambda activity: f"/api/v1/activities/{activity.pk}/comments/",
        make=_followed_run,
        snapshot=_social_of,
        body=_body,
        owner_status=_status,
    )


def _my_comment(owner):
    activity = _community_run(owner, visibility="only_me")
    return group_services.comment_create(author=owner, activity_id=activity.pk, body="Mine")


access.owned(
    "community: delete a comment",
    "delete",
    url=lambda comment: f"/api/v1/comments/{comment.pk}/",
    make=_my_comment,
    snapshot=lambda comment: _Comment.objects.filter(pk=comment.pk).count(),
    owner_status=204,
)


def _secret_group(owner, *, role="owner"):
    """An invite-only group the owner belongs to (invisible to anyone else)."""
    if role == "owner":
        return group_services.group_create(owner=owner, name="Secret club", privacy="invite_only")
    founder = _People()
    group = group_services.group_create(owner=founder, name="Secret club", privacy="invite_only")
    _Membership.objects.create(group=group, user=owner, role=role)
    return group


def _group_rows(group):
    return (
        list(_Group.objects.filter(pk=group.pk).values_list("name", "privacy")),
        sorted(_Membership.objects.filter(group=group).values_list("user_id", "role", "status")),
        _GroupEvent.objects.filter(group=group).count(),
        group.invites.count(),
    )


access.own(
    "groups: list",
    "get",
    url=lambda owner: "/api/v1/groups/",
    make=lambda owner: _secret_group(owner).created_by,
    snapshot=lambda owner: _Membership.objects.filter(user=owner).count(),
    leaks=lambda owner: ["Secret club"],
)
access.own(
    "groups: create",
    "post",
    url=lambda owner: "/api/v1/groups/",
    make=lambda owner: owner,
    snapshot=lambda owner: _Membership.objects.filter(user=owner).count(),
    leaks=lambda owner: [],
    body={"name": "Morning runners", "privacy": "public"},
    owner_status=201,
)
for _method, _path, _body, _status, _make in (
    ("get", "", None, 200, _secret_group),
    ("patch", "", {"description": "Changed"}, 200, _secret_group),
    ("post", "join/", None, 201, _secret_group),
    ("post", "leave/", None, 204, lambda owner: _secret_group(owner, role="member")),
    ("get", "members/", None, 200, _secret_group),
    ("get", "requests/", None, 200, _secret_group),
    ("get", "invites/", None, 200, _secret_group),
    ("post", "invites/", {"max_uses": 3}, 201, _secret_group),
    ("get", "events/", None, 200, _secret_group),
    (
        "post",
        "events/",
        {"title": "Sunday long run", "starts_at": "2099-05-01T07:00:00Z", "place": "Park gate"},
        201,
        _secret_group,
    ),
):
    access.owned(
        f"groups: {_method} {_path or 'one'}",
        _method,
        url=lambda group, p=_path: f"/api/v1/groups/{group.slug}/{p}",
        make=_make,
        snapshot=_group_rows,
        body=_body,
        owner_status=_status,
    )


def _group_with_member(owner):
    group = _secret_group(owner)
    member = _People()
    _Membership.objects.create(group=group, user=member)
    return _NS(group=group, member=member, pk=group.pk)


def _group_with_request(owner):
    group = group_services.group_create(owner=owner, name="Private club", privacy="private")
    asking = _People()
    group_services.group_join(user=asking, group=group)
    return _NS(group=group, member=asking, pk=group.pk)


for _method, _path, _body, _status, _make in (
    ("patch", "members/{m}/", {"role": "admin"}, 200, _group_with_member),
    ("delete", "members/{m}/", None, 204, _group_with_member),
    ("post", "members/{m}/transfer/", None, 200, _group_with_member),
    ("post", "requests/{m}/", None, 200, _group_with_request),
    ("delete", "requests/{m}/", None, 204, _group_with_request),
):
    access.owned(
        f"groups: {_method} {_path}",
        _method,
        url=lambda ns, p=_path: f"/api/v1/groups/{ns.group.slug}/" + p.format(m=ns.member.pk),
        make=_make,
        snapshot=lambda ns: _group_rows(ns.group),
        body=_body,
        owner_status=_status,
    )


def _invite(owner):
    founder = _People()
    group = group_services.group_create(owner=founder, name="Invite club", privacy="invite_only")
    invite = group_services.invite_create(actor=founder, group=group)
    invite.owner = owner
    return invite


access.own(
    "groups: accept an invite link",
    "post",
    url=lambda invite: f"/api/v1/group-invites/{invite.token}/accept/",
    make=_invite,
    snapshot=lambda invite: _Membership.objects.filter(user=invite.owner).count(),
    leaks=lambda owner: [],
)


def _event(owner):
    group = _secret_group(owner)
    return group_services.event_create(
        actor=owner, group=group, title="Track night", starts_at=_tz.now() + timedelta(days=3)
    )


def _event_rows(event):
    return (
        list(_GroupEvent.objects.filter(pk=event.pk).values_list("title", "cancelled_at")),
        sorted(_RSVP.objects.filter(event=event).values_list("user_id", "answer")),
    )


for _method, _path, _body in (
    ("get", "", None),
    ("delete", "", None),
    ("put", "rsvp/", {"answer": "going"}),
):
    access.owned(
        f"groups: event {_method} {_path}",
        _method,
        url=lambda event, p=_path: f"/api/v1/group-events/{event.pk}/{p}",
        make=_event,
        snapshot=_event_rows,
        body=_body,
    )

access.own(
    "moderation: report",
    "post",
    url=lambda owner: "/api/v1/reports/",
    make=lambda owner: owner,
    snapshot=lambda owner: _Report.objects.filter(reporter=owner).count(),
    leaks=lambda owner: [],
    body=lambda: {"target_type": "user", "target_id": _People().pk, "reason": "spam"},
    owner_status=201,
)


def _moderator(owner):
    owner.is_staff = True
    owner.save(update_fields=["is_staff"])
    return owner


def _open_report(owner):
    _moderator(owner)
    reporter, rude = _People(), _People()
    return group_services.report_create(
        reporter=reporter, target_type="user", target_id=rude.pk, reason="harassment"
    )


def _report_rows(report):
    return (
        list(_Report.objects.filter(pk=report.pk).values_list("status", flat=True)),
        _Action.objects.filter(report=report).count(),
    )


access.owned(
    "moderation: queue",
    "get",
    url=lambda report: "/api/v1/moderation/reports/",
    make=_open_report,
    snapshot=_report_rows,
)
for _path, _body, _status in (
    ("act", {"action": "warn", "reason": "Be kind."}, 201),
    ("dismiss", None, 200),
):
    access.owned(
        f"moderation: {_path}",
        "post",
        url=lambda report, p=_path: f"/api/v1/moderation/reports/{report.pk}/{p}/",
        make=_open_report,
        snapshot=_report_rows,
        body=_body,
        owner_status=_status,
    )


def _action_about(owner):
    moderator = _moderator(_People())
    return group_services.moderation_act(
        moderator=moderator,
        kind="warn",
        reason="Secret moderation reason",
        target_type="user",
        target_id=owner.pk,
        subject=owner,
    )


access.own(
    "moderation: decisions about me",
    "get",
    url=lambda owner: "/api/v1/moderation/mine/",
    make=lambda owner: _action_about(owner).subject,
    snapshot=lambda owner: _Action.objects.filter(subject=owner).count(),
    leaks=lambda owner: ["Secret moderation reason"],
)
access.owned(
    "moderation: appeal",
    "post",
    url=lambda action: f"/api/v1/moderation/actions/{action.pk}/appeal/",
    make=_action_about,
    snapshot=lambda action: _Appeal.objects.filter(action=action).count(),
    body={"text": "I was quoting a song."},
    owner_status=201,
)


def _pending_appeal(owner):
    _moderator(owner)
    action = _action_about(_People())
    return group_services.appeal_create(user=action.subject, action_id=action.pk, text="Unfair")


access.owned(
    "moderation: decide an appeal",
    "post",
    url=lambda appeal: f"/api/v1/moderation/appeals/{appeal.pk}/decide/",
    make=_pending_appeal,
    snapshot=lambda appeal: list(
        _Appeal.objects.filter(pk=appeal.pk).values_list("status", flat=True)
    ),
    body={"reverse": True, "response": "Fair point."},
)


# --- partners ---
import secrets as _secrets  # noqa: E402

from oauth2_provider.models import AccessToken as _OAuthAccessToken  # noqa: E402

from apps.partners import services as _partner_services  # noqa: E402
from apps.partners.models import (  # noqa: E402
    Partner as _Partner,
)
from apps.partners.models import (  # noqa: E402
    WebhookDelivery as _WebhookDelivery,
)
from apps.partners.models import (  # noqa: E402
    WebhookEndpoint as _WebhookEndpoint,
)
from apps.partners.models import (  # noqa: E402
    WebhookEvent as _WebhookEvent,
)
from apps.training import services as _training_services  # noqa: E402
from apps.training.types import NormalizedActivity as _NormalizedActivity  # noqa: E402


def _partner(owner):
    partner, _credentials = _partner_services.partner_create(
        owner=owner, name="Secret Partner", redirect_uris="https://secret.example/cb"
    )
    return partner


def _partner_row(partner):
    return _Partner.objects.filter(pk=partner.pk).values("name", "status").get()


def _endpoint(owner):
    endpoint, _secret = _partner_services.endpoint_create(
        partner=_partner(owner), url="http://127.0.0.1:9/secret-hook"
    )
    return endpoint


def _endpoint_row(endpoint):
    return (
        _WebhookEndpoint.objects.filter(pk=endpoint.pk)
        .values("url", "secret", "is_active", "previous_secret")
        .first()
    )


def _delivery(owner):
    endpoint = _endpoint(owner)
    event = _WebhookEvent.objects.create(type="webhook.test", schema_version=1, data={})
    return _WebhookDelivery.objects.create(event=event, endpoint=endpoint)


def _partner_deliveries(obj):
    if isinstance(obj, _Partner):
        partner_id = obj.pk
    elif isinstance(obj, _WebhookEndpoint):
        partner_id = obj.partner_id
    else:
        partner_id = obj.endpoint.partner_id
    return _WebhookDelivery.objects.filter(endpoint__partner_id=partner_id).count()


def _granted(owner):
    """The owner authorized a partner client (an access token, as after the OAuth flow)."""
    from datetime import timedelta

    from django.utils import timezone

    partner = _partner(owner)
    _OAuthAccessToken.objects.create(
        user=owner,
        application=partner.sandbox_application,
        token=_secrets.token_hex(16),
        scope="activities:read",
        expires=timezone.now() + timedelta(hours=1),
    )
    return partner.sandbox_application


def _own_tokens(application):
    return _OAuthAccessToken.objects.filter(application=application).count()


def _partner_run(owner):
    from datetime import UTC, datetime

    return _training_services.record_activity(
        owner=owner,
        activity=_NormalizedActivity(
            sport="run",
            start_time=datetime(2026, 5, 1, 7, tzinfo=UTC),
            elapsed_s=1800,
            distance_m=5000,
            title="Secret partner run",
            provider="partner-x",
            external_id="secret-1",
        ),
    ).activity


def _owner_activity_titles(owner):
    from apps.training import selectors as _training_selectors

    return sorted(_training_selectors.activity_list(owner=owner).values_list("title", flat=True))


access.own(
    "partners: my list",
    "get",
    url=lambda owner: "/api/v1/partners/",
    make=lambda owner: _partner(owner).owners.get(),
    snapshot=lambda owner: list(_Partner.objects.filter(owners=owner).values_list("name")),
    leaks=lambda owner: ["Secret Partner"],
)
access.own(
    "partners: create",
    "post",
    url=lambda owner: "/api/v1/partners/",
    make=lambda owner: _partner(owner).owners.get(),
    snapshot=lambda owner: list(_Partner.objects.filter(owners=owner).values_list("name")),
    leaks=lambda owner: ["Secret Partner"],
    body={"name": "New partner", "redirect_uris": "https://new.example/cb"},
    owner_status=201,
)
access.owned(
    "partners: one",
    "get",
    url=lambda partner: f"/api/v1/partners/{partner.pk}/",
    make=_partner,
    snapshot=_partner_row,
)
access.owned(
    "partners: request production",
    "post",
    url=lambda partner: f"/api/v1/partners/{partner.pk}/request-production/",
    make=_partner,
    snapshot=_partner_row,
)
access.owned(
    "partners: fill the sandbox",
    "post",
    url=lambda partner: f"/api/v1/partners/{partner.pk}/sandbox/",
    make=_partner,
    snapshot=lambda partner: partner.sandbox_athletes.count(),
)
access.owned(
    "partners: endpoints (get)",
    "get",
    url=lambda partner: f"/api/v1/partners/{partner.pk}/endpoints/",
    make=lambda owner: _endpoint(owner).partner,
    snapshot=lambda partner: list(partner.endpoints.values_list("url", flat=True)),
)
access.owned(
    "partners: endpoints (post)",
    "post",
    url=lambda partner: f"/api/v1/partners/{partner.pk}/endpoints/",
    make=_partner,
    snapshot=lambda partner: list(partner.endpoints.values_list("url", flat=True)),
    body={"url": "http://127.0.0.1:9/new-hook"},
    owner_status=201,
)
access.owned(
    "partners: deliveries",
    "get",
    url=lambda partner: f"/api/v1/partners/{partner.pk}/deliveries/",
    make=lambda owner: _delivery(owner).endpoint.partner,
    snapshot=_partner_deliveries,
)
for _method, _status in (("get", 200), ("patch", 200), ("delete", 204)):
    access.owned(
        f"partners: one endpoint ({_method})",
        _method,
        url=lambda endpoint: f"/api/v1/partners/endpoints/{endpoint.pk}/",
        make=_endpoint,
        snapshot=_endpoint_row,
        owner_status=_status,
    )
for _action in ("rotate-secret", "test", "conformance"):
    access.owned(
        f"partners: endpoint {_action}",
        "post",
        url=lambda endpoint, a=_action: f"/api/v1/partners/endpoints/{endpoint.pk}/{a}/",
        make=_endpoint,
        snapshot=lambda endpoint: (_endpoint_row(endpoint), _partner_deliveries(endpoint)),
    )
access.owned(
    "partners: replay a delivery",
    "post",
    url=lambda delivery: f"/api/v1/partners/deliveries/{delivery.pk}/replay/",
    make=_delivery,
    snapshot=lambda delivery: _partner_deliveries(delivery),
    owner_status=202,
)
access.own(
    "partners: partners I authorized",
    "get",
    url=lambda owner: "/api/v1/me/partner-authorizations/",
    make=lambda owner: _granted(owner).user,
    snapshot=lambda owner: _OAuthAccessToken.objects.filter(user=owner).count(),
    leaks=lambda owner: ["Secret Partner"],
)
access.owned(
    "partners: revoke an authorization",
    "delete",
    url=lambda application: f"/api/v1/me/partner-authorizations/{application.pk}/",
    make=_granted,
    snapshot=_own_tokens,
    owner_status=204,
)
access.own(
    "partners: inbound activity upsert",
    "post",
    url=lambda owner: "/api/v1/partner/activities/",
    make=lambda owner: _partner_run(owner).owner,
    snapshot=_owner_activity_titles,
    leaks=lambda owner: ["Secret partner run"],
    body={
        "external_id": "harness-1",
        "sport": "ride",
        "start_time": "2026-05-03T07:00:00Z",
        "elapsed_s": 3600,
        "distance_m": 30000,
    },
    headers={"Idempotency-Key": "harness-key-1"},
    owner_status=201,
)
access.owned(
    "partners: inbound activity read",
    "get",
    url=lambda activity: f"/api/v1/partner/activities/{activity.pk}/",
    make=_partner_run,
    snapshot=lambda activity: activity.title,
)
access.own(
    "partners: inbound file upload",
    "post",
    url=lambda owner: "/api/v1/partner/uploads/",
    make=lambda owner: _partner_run(owner).owner,
    snapshot=_owner_activity_titles,
    leaks=lambda owner: ["Secret partner run"],
    body=lambda: {"file": upload(b"<gpx></gpx>", name="x.gpx")},
    format="multipart",
    headers={"Idempotency-Key": "harness-upload-1"},
    owner_status=202,
)
access.own(
    "partners: changes feed",
    "get",
    url=lambda owner: "/api/v1/changes/",
    make=lambda owner: _partner_run(owner).owner,
    snapshot=_owner_activity_titles,
    leaks=lambda owner: [f'"athlete_id":{owner.pk}'],
)


# --- groups: chat and live ---


def _chat_group(owner, *, member_email=None):
    """A group the owner runs, with a chat message of theirs (and a member with a known
    e-mail for bodies that name them)."""
    from apps.groups import chat
    from apps.groups import services as group_services
    from tests.accounts.factories import UserFactory

    group = group_services.group_create(owner=owner, name="Secret Chat Club")
    if member_email:
        member = UserFactory(email=member_email)
        group_services.group_join(user=member, group=group)
    conversation = chat.conversation_for_group(user=owner, group=group)
    chat.message_send(
        sender=owner,
        conversation=conversation,
        client_id=f"harness-{conversation.pk}",
        body="secret words",
    )
    return conversation


def _chat_message(owner):
    from apps.groups.models import ChatMessage

    return ChatMessage.objects.filter(sender=owner, body="secret words").latest("pk")


def _chat_rows(conversation):
    from apps.groups.models import ChatMessage, ChatMute, ChatReadMarker

    mine = {"conversation": conversation}
    return (
        list(ChatMessage.objects.filter(**mine).values_list("body", "deleted_at")),
        list(ChatReadMarker.objects.filter(**mine).values_list("user_id", "last_read_id")),
        list(ChatMute.objects.filter(**mine).values_list("user_id", "until")),
    )


def _harness_member_id():
    return User.objects.get(email="chat-member@example.com").pk


access.own(
    "chat: socket ticket",
    "post",
    url=lambda owner: "/api/v1/ws-tickets/",
    make=lambda owner: owner,
    snapshot=lambda owner: None,
    leaks=lambda owner: [],
    owner_status=201,
)
access.own(
    "chat: my conversations",
    "get",
    url=lambda owner: "/api/v1/chat/conversations/",
    make=lambda owner: _chat_group(owner).group.created_by,
    snapshot=lambda owner: None,
    leaks=lambda owner: ["Secret Chat Club"],
)
access.owned(
    "chat: a group's chat",
    "get",
    url=lambda conversation: f"/api/v1/chat/groups/{conversation.group.slug}/",
    make=_chat_group,
    snapshot=_chat_rows,
)
access.owned(
    "chat: history",
    "get",
    url=lambda conversation: f"/api/v1/chat/conversations/{conversation.pk}/messages/",
    make=_chat_group,
    snapshot=_chat_rows,
)
access.owned(
    "chat: read marker",
    "post",
    url=lambda conversation: f"/api/v1/chat/conversations/{conversation.pk}/read/",
    make=_chat_group,
    snapshot=_chat_rows,
    body={"last_read_id": 10**9},
)
access.owned(
    "chat: mute a member",
    "post",
    url=lambda conversation: f"/api/v1/chat/conversations/{conversation.pk}/mutes/",
    make=lambda owner: _chat_group(owner, member_email="chat-member@example.com"),
    snapshot=_chat_rows,
    body=lambda: {"user_id": _harness_member_id(), "minutes": 10},
)
for _method, _body, _status in (("patch", {"body": "changed"}, 200), ("delete", None, 204)):
    access.owned(
        f"chat: a message ({_method})",
        _method,
        url=lambda message: f"/api/v1/chat/messages/{message.pk}/",
        make=lambda owner: _chat_message(_chat_group(owner).group.created_by),
        snapshot=lambda message: _chat_rows(message.conversation),
        body=_body,
        owner_status=_status,
    )


def _live_session(owner):
    from apps.groups import live
    from apps.groups import services as group_services

    group = group_services.group_create(owner=owner, name="Secret Run Club")
    return live.session_create(actor=owner, group=group, title="Secret dawn run")


def _live_started(owner):
    from apps.groups import live

    session = _live_session(owner)
    live.session_join(user=owner, session=session, role="runner")
    return live.session_start(actor=owner, session=session)


def _live_row(session):
    from apps.groups.models import LiveParticipant, LiveSession, LiveShareLink

    return (
        LiveSession.objects.filter(pk=session.pk).values("status", "title").get(),
        list(LiveParticipant.objects.filter(session=session).values_list("user_id", "role")),
        list(LiveShareLink.objects.filter(session=session).values_list("runner_id", flat=True)),
    )


for _method, _status in (("get", 200), ("post", 201)):
    access.owned(
        f"live: a group's runs ({_method})",
        _method,
        url=lambda session: f"/api/v1/live/groups/{session.group.slug}/",
        make=_live_session,
        snapshot=lambda session: list(session.group.live_sessions.values_list("pk", flat=True)),
        body={"title": "Another run"} if _method == "post" else None,
        owner_status=_status,
    )
access.owned(
    "live: one run",
    "get",
    url=lambda session: f"/api/v1/live/{session.pk}/",
    make=_live_session,
    snapshot=_live_row,
)
for _action, _make, _body, _status in (
    ("start", _live_session, None, 200),
    ("join", _live_session, {"role": "runner"}, 200),
    ("end", _live_started, None, 200),
    ("share", _live_started, None, 201),
):
    access.owned(
        f"live: {_action}",
        "post",
        url=lambda session, a=_action: f"/api/v1/live/{session.pk}/{a}/",
        make=_make,
        snapshot=_live_row,
        body=_body,
        owner_status=_status,
    )


# --- providers ------------------------------------------------------------------------------
from dataclasses import dataclass  # noqa: E402
from urllib.parse import parse_qs as _parse_qs  # noqa: E402
from urllib.parse import urlsplit as _urlsplit  # noqa: E402

from apps.devices.models import Connection  # noqa: E402
from apps.devices.providers.sandbox import SandboxProvider  # noqa: E402


def _connection(owner):
    connection, _ = Connection.objects.get_or_create(
        user=owner,
        provider="sandbox",
        defaults={
            "external_id": f"secret-athlete-{owner.pk}",
            "access_token": "secret-access-token",
            "refresh_token": "secret-refresh-token",
        },
    )
    return connection


def _connection_row(connection):
    return list(
        Connection.objects.filter(pk=connection.pk).values_list(
            "status", "access_token", "refresh_token", "external_id"
        )
    )


def _owner_connections(owner):
    return list(Connection.objects.filter(user=owner).values_list("provider", "status"))


@dataclass
class _PendingConnect:
    owner: object
    state: str
    code: str


def _pending_connect(owner) -> _PendingConnect:
    """A sandbox connection started by `owner` and allowed on the consent page."""
    start = device_services.connection_authorize(
        user=owner, provider="sandbox", redirect_uri="http://testserver/connections/sandbox/cb/"
    )
    challenge = _parse_qs(_urlsplit(start.url).query)["code_challenge"][0]
    code = SandboxProvider().consent_code(user_id=owner.pk, code_challenge=challenge)
    return _PendingConnect(owner, start.state, code)


access.own(
    "providers: my connections",
    "get",
    url=lambda owner: "/api/v1/connections/",
    make=lambda owner: _connection(owner).user,
    snapshot=_owner_connections,
    leaks=lambda owner: [f"secret-athlete-{owner.pk}", "secret-access-token"],
)
access.own(
    "providers: start connecting",
    "post",
    url=lambda owner: "/api/v1/connections/sandbox/authorize/",
    make=lambda owner: owner,
    snapshot=_owner_connections,
    leaks=lambda owner: [],
    body={},
)
access.owned(
    "providers: finish connecting (a state started by the owner)",
    "post",
    url=lambda p: f"/api/v1/connections/sandbox/complete/?code={p.code}&state={p.state}",
    make=_pending_connect,
    snapshot=lambda p: _owner_connections(p.owner),
    owner_status=201,
)
for _method, _status in (("get", 200), ("delete", 204)):
    access.owned(
        f"providers: one connection ({_method})",
        _method,
        url=lambda connection: f"/api/v1/connections/{connection.pk}/",
        make=_connection,
        snapshot=_connection_row,
        owner_status=_status,
    )


# --- promos -----------------------------------------------------------------------------------
import uuid as _uuid  # noqa: E402

from apps.promos import services as promos_services  # noqa: E402
from apps.promos.models import Coupon as PromoCoupon  # noqa: E402
from apps.promos.models import PointsEntry, RewardRedemption  # noqa: E402
from apps.promos.models import Promotion as PromoPromotion  # noqa: E402
from tests.promos.factories import promotion as promo_promotion  # noqa: E402
from tests.promos.factories import reward as promo_reward  # noqa: E402


def _promo_owner(owner):
    """The owner with a personal offer, a coupon of it, points and a free reward redeemed."""
    offer = promo_promotion(f"secret-offer-{_uuid.uuid4().hex[:8]}", user=owner)
    promos_services.coupon_issue(user=owner, promotion=offer, key=f"access:{owner.pk}")
    promos_services.points_adjust(user=owner, points=4321, reason="secret-reason", actor=owner)
    free = promo_reward(f"free-{_uuid.uuid4().hex[:8]}", 0)
    promos_services.reward_redeem(user=owner, reward_id=free.pk, key="access")
    return owner


def _free_reward():
    return promo_reward(f"gift-{_uuid.uuid4().hex[:8]}", 0)


def _promo_rows(owner):
    return (
        sorted(PromoCoupon.objects.filter(user=owner).values_list("code", "redeemed_count")),
        sorted(PointsEntry.objects.filter(user=owner).values_list("points", "note")),
        RewardRedemption.objects.filter(user=owner).count(),
    )


def _promo_leaks(owner):
    return [
        *PromoPromotion.objects.filter(user=owner).values_list("slug", flat=True),
        *PromoCoupon.objects.filter(user=owner).values_list("code", flat=True),
        "4321",
        "secret-reason",
    ]


for _name, _path in (
    ("offers for me", "offers/"),
    ("coupon wallet", "coupons/"),
    ("points balance", "points/"),
    ("points history", "points/history/"),
    ("rewards", "rewards/"),
    ("my redemptions", "redemptions/"),
    ("news", "news/"),
):
    access.own(
        f"promos: {_name}",
        "get",
        url=lambda owner, p=_path: f"/api/v1/promos/{p}",
        make=_promo_owner,
        snapshot=_promo_rows,
        leaks=_promo_leaks,
    )
access.own(
    "promos: redeem a reward",
    "post",
    url=lambda owner: (
        f"/api/v1/promos/rewards/{promo_reward(f'gift-{_uuid.uuid4().hex[:8]}', 0).pk}/redeem/"
    ),
    make=_promo_owner,
    snapshot=_promo_rows,
    leaks=_promo_leaks,
    owner_status=201,
)
access.owned(
    "promos: claim my personal offer",
    "post",
    url=lambda offer: f"/api/v1/promos/offers/{offer.pk}/claim/",
    make=lambda owner: promo_promotion(f"personal-{_uuid.uuid4().hex[:8]}", user=owner),
    snapshot=lambda offer: list(PromoCoupon.objects.filter(promotion=offer).values_list("user_id")),
    owner_status=201,
)


# --- recommendations ---
from apps.recommendations.models import Interaction as RecInteraction  # noqa: E402


def _rec_owner_with_feedback(owner):
    RecInteraction.objects.get_or_create(
        user=owner,
        kind="workouts",
        item_key="plan:secret-plan",
        action="dismiss",
        defaults={"occurred_at": _tz.now()},
    )
    return owner


def _rec_rows(owner):
    return sorted(
        RecInteraction.objects.filter(user=owner).values_list("kind", "item_key", "action")
    )


for _kind in ("workouts", "challenges", "products"):
    access.own(
        f"recommendations: for me ({_kind})",
        "get",
        url=lambda owner, k=_kind: f"/api/v1/recommendations/?kind={k}",
        make=_rec_owner_with_feedback,
        snapshot=_rec_rows,
        leaks=lambda owner: ["secret-plan", owner.email],
    )
access.own(
    "recommendations: feedback",
    "post",
    url=lambda owner: "/api/v1/recommendations/feedback/",
    make=_rec_owner_with_feedback,
    snapshot=_rec_rows,
    leaks=lambda owner: ["secret-plan", owner.email],
    body={"kind": "workouts", "item": "plan:10k", "action": "click"},
    owner_status=201,
)


# --- promos: shop ---
# The shop routes (/api/v1/shop/...) act for a shop partner, never for a signed-in person:
# they are in PUBLIC_OR_UNOWNED (tests/test_access_harness_registry.py) and their authorization
# (scope shop, signatures, one shop's orders hidden from another, sandbox people only) is
# tested in tests/promos/test_shop_api.py.


# --- partners: self-service shop (branch promos2) ---
def _shop_partner_row(partner):
    return (
        _Partner.objects.filter(pk=partner.pk).values("status", "shop_status", "shop_secret").get()
    )


def _shop_partner(owner):
    partner = _partner(owner)
    _partner_services.partner_shop_enable(partner=partner)
    return partner


access.owned(
    "partners: enable the shop",
    "post",
    url=lambda partner: f"/api/v1/partners/{partner.pk}/shop/",
    make=_partner,
    snapshot=_shop_partner_row,
    owner_status=201,
)
for _action in ("rotate-secret", "request-production"):
    access.owned(
        f"partners: shop {_action}",
        "post",
        url=lambda partner, a=_action: f"/api/v1/partners/{partner.pk}/shop/{a}/",
        make=_shop_partner,
        snapshot=_shop_partner_row,
    )


# --- community branch: a group event starts its live run ---


def _event_for_live(owner):
    from apps.groups import services as group_services

    group = group_services.group_create(owner=owner, name="Secret Track Club")
    return group_services.event_create(
        actor=owner,
        group=group,
        title="Secret track night",
        starts_at=_tz.now() + timedelta(days=1),
    )


def _event_live_rows(event):
    from apps.groups.models import LiveSession

    return list(LiveSession.objects.filter(event=event).values_list("pk", "status"))


access.owned(
    "live: start a group event's run",
    "post",
    url=lambda event: f"/api/v1/group-events/{event.pk}/live/",
    make=_event_for_live,
    snapshot=_event_live_rows,
    owner_status=201,
)


# --- exper: promotion and challenge experiments ---
# The offers and the challenge list put the caller in the experiments of what they show; another
# person's calls never read or move the owner's assignment, nor show the owner's personal offer.
from apps.experiments.models import Assignment as ExpAssignment  # noqa: E402
from apps.experiments.models import Experiment as ExpExperiment  # noqa: E402
from apps.experiments.models import Variant as ExpVariant  # noqa: E402


def _exper_owner(owner):
    key = f"access-{_uuid.uuid4().hex[:8]}"
    experiment = ExpExperiment.objects.create(key=key, name=key, status="running")
    ExpVariant.objects.create(experiment=experiment, key="control", weight=0, position=0)
    ExpVariant.objects.create(experiment=experiment, key="treatment", weight=1, position=1)
    promo_promotion(f"secret-trial-{key}", user=owner, experiment=key, variant="treatment")
    from apps.experiments import services as exp_services

    assert exp_services.variant_for(experiment_key=key, user=owner) == "treatment"
    return owner


def _exper_rows(owner):
    return sorted(
        ExpAssignment.objects.filter(user=owner).values_list("experiment__key", "variant__key")
    )


for _name, _path in (
    ("promos: offers for me (experiment)", "/api/v1/promos/offers/"),
    ("challenges: list (experiment)", "/api/v1/challenges/"),
):
    access.own(
        _name,
        "get",
        url=lambda owner, p=_path: p,
        make=_exper_owner,
        snapshot=_exper_rows,
        leaks=lambda owner: [
            *PromoPromotion.objects.filter(user=owner).values_list("slug", flat=True),
            *PromoPromotion.objects.filter(user=owner).values_list("experiment", flat=True),
        ],
    )


# --- training: activity sources (branch multisrc) ---
access.owned(
    "activity: sources",
    "get",
    url=lambda activity: f"/api/v1/activities/{activity.pk}/sources/",
    make=_private_run,
    snapshot=_activity_row,
)
