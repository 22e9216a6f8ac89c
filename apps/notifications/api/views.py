from django.conf import settings
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.notifications import hooks, rendering, selectors, services
from apps.notifications.api.serializers import (
    MarkedOutputSerializer,
    NotificationOutputSerializer,
    PreferencesInputSerializer,
    PreferencesOutputSerializer,
    PushSubscriptionInputSerializer,
    PushSubscriptionOutputSerializer,
    PushSubscriptionsOutputSerializer,
    TelegramLinkOutputSerializer,
    TelegramStatusOutputSerializer,
    UnreadCountOutputSerializer,
)
from apps.notifications.kinds import Channel
from apps.notifications.models import Notification

TAGS = ["notifications"]


def notification_data(notification, user, language: str) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": rendering.in_app_text(notification, user, language=language),
        "actor_count": notification.actor_count,
        "url": str((notification.context or {}).get("url") or ""),
        "created": notification.created,
        "read": notification.read_at is not None,
    }


def _language(user) -> str:
    return user.language if user.language in dict(settings.LANGUAGES) else get_language()


class NotificationListView(GenericAPIView):
    """The signed-in user's in-app notifications, newest first (cursor pages)."""

    serializer_class = NotificationOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notification_list(user=self.request.user)

    @extend_schema(responses=NotificationOutputSerializer(many=True), tags=TAGS)
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        language = _language(request.user)
        data = [notification_data(n, request.user, language) for n in page]
        return self.get_paginated_response(NotificationOutputSerializer(data, many=True).data)


class UnreadCountView(APIView):
    @extend_schema(responses=UnreadCountOutputSerializer, tags=TAGS)
    def get(self, request):
        count = selectors.notification_unread_count(user=request.user)
        return Response({"unread_count": count})


class MarkReadView(APIView):
    """Mark one notification read (repeating it changes nothing)."""

    @extend_schema(request=None, responses=MarkedOutputSerializer, tags=TAGS)
    def post(self, request, notification_id: int):
        if not services.notification_mark_read(user=request.user, notification_id=notification_id):
            raise NotFound()
        count = selectors.notification_unread_count(user=request.user)
        return Response({"marked": 1, "unread_count": count})


class MarkAllReadView(APIView):
    @extend_schema(request=None, responses=MarkedOutputSerializer, tags=TAGS)
    def post(self, request):
        marked = services.notification_mark_all_read(user=request.user)
        return Response({"marked": marked, "unread_count": 0})


def preferences_data(user) -> dict:
    row = selectors.delivery_settings_for(user=user)
    return {
        "preferences": selectors.preference_matrix(user=user),
        "quiet_start": row.quiet_start,
        "quiet_end": row.quiet_end,
        "time_zone": str(hooks.time_zone(user)),
        "digest": row.digest,
        "disabled_channels": [
            {"channel": c, "disabled_reason": r}
            for c, r in sorted(selectors.channel_states(user=user).items())
        ],
    }


class PreferencesView(APIView):
    """Which kinds reach the user on which channel; quiet hours; the e-mail digest."""

    @extend_schema(responses=PreferencesOutputSerializer, tags=TAGS)
    def get(self, request):
        return Response(PreferencesOutputSerializer(preferences_data(request.user)).data)

    @extend_schema(
        request=PreferencesInputSerializer, responses=PreferencesOutputSerializer, tags=TAGS
    )
    def patch(self, request):
        serializer = PreferencesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        for item in data.get("preferences", []):
            services.preference_set(user=request.user, **item)
        settings_changes = {k: data[k] for k in ("quiet_start", "quiet_end", "digest") if k in data}
        if settings_changes:
            services.delivery_settings_update(user=request.user, **settings_changes)
        for channel in data.get("enable_channels", []):
            services.channel_enable(user=request.user, channel=channel)
        return Response(PreferencesOutputSerializer(preferences_data(request.user)).data)


class PushSubscriptionListView(APIView):
    """The browsers subscribed to web push for the user, and the server's VAPID public key."""

    @extend_schema(responses=PushSubscriptionsOutputSerializer, tags=TAGS)
    def get(self, request):
        subscriptions = selectors.push_subscription_list(user=request.user)
        return Response(
            {
                "vapid_public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY,
                "results": PushSubscriptionOutputSerializer(subscriptions, many=True).data,
            }
        )

    @extend_schema(
        request=PushSubscriptionInputSerializer,
        responses={201: PushSubscriptionOutputSerializer, 200: PushSubscriptionOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=TAGS,
    )
    @idempotent
    def post(self, request):
        serializer = PushSubscriptionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        subscription, created = services.push_subscription_save(
            user=request.user,
            endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"],
            auth=data["keys"]["auth"],
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response(
            PushSubscriptionOutputSerializer(subscription).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PushSubscriptionDetailView(APIView):
    @extend_schema(request=None, responses={204: None}, tags=TAGS)
    def delete(self, request, subscription_id: int):
        if not services.push_subscription_delete(
            user=request.user, subscription_id=subscription_id
        ):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


def telegram_status(user) -> dict:
    link = selectors.telegram_link_for(user=user)
    return {
        "available": bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME),
        "linked": link is not None,
        "username": link.username if link else "",
        "linked_at": link.created if link else None,
        "disabled_reason": selectors.channel_states(user=user).get(Channel.TELEGRAM, ""),
    }


class TelegramView(APIView):
    """Whether the user's Telegram is linked; DELETE unlinks it."""

    @extend_schema(responses=TelegramStatusOutputSerializer, tags=TAGS)
    def get(self, request):
        return Response(TelegramStatusOutputSerializer(telegram_status(request.user)).data)

    @extend_schema(request=None, responses={204: None}, tags=TAGS)
    def delete(self, request):
        services.telegram_unlink(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TelegramLinkView(APIView):
    """A one-time deep link to the bot (valid 15 minutes); opening it links the chat."""

    @extend_schema(request=None, responses={201: TelegramLinkOutputSerializer}, tags=TAGS)
    def post(self, request):
        url, expires_at = services.telegram_link_start(user=request.user)
        return Response(
            TelegramLinkOutputSerializer({"url": url, "expires_at": expires_at}).data,
            status=status.HTTP_201_CREATED,
        )
