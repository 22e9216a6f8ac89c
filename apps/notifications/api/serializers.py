from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.notifications.kinds import Channel
from apps.notifications.models import DeliverySettings


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField(help_text=_("Plain text in the reader's language."))
    actor_count = serializers.IntegerField()
    url = serializers.CharField(allow_blank=True)
    created = serializers.DateTimeField()
    read = serializers.BooleanField()


class UnreadCountOutputSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


class MarkedOutputSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread_count = serializers.IntegerField()


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    enabled = serializers.BooleanField()


class PreferenceRowOutputSerializer(PreferenceSerializer):
    kind_label = serializers.CharField()
    category = serializers.CharField()


class ChannelStateOutputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    disabled_reason = serializers.CharField()


class PreferencesOutputSerializer(serializers.Serializer):
    preferences = PreferenceRowOutputSerializer(many=True)
    quiet_start = serializers.TimeField(allow_null=True)
    quiet_end = serializers.TimeField(allow_null=True)
    time_zone = serializers.CharField()
    digest = serializers.ChoiceField(choices=DeliverySettings.Digest.choices)
    disabled_channels = ChannelStateOutputSerializer(many=True)


class PreferencesInputSerializer(serializers.Serializer):
    preferences = PreferenceSerializer(many=True, required=False)
    quiet_start = serializers.TimeField(allow_null=True, required=False)
    quiet_end = serializers.TimeField(allow_null=True, required=False)
    digest = serializers.ChoiceField(choices=DeliverySettings.Digest.choices, required=False)
    enable_channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        required=False,
        help_text=_("Turn channels that failed back on (after fixing the cause)."),
    )

    def validate(self, attrs):
        if ("quiet_start" in attrs) != ("quiet_end" in attrs):
            raise serializers.ValidationError(_("Give both ends of the quiet hours."))
        return attrs


class PushSubscriptionInputSerializer(serializers.Serializer):
    endpoint = serializers.URLField(max_length=1000)
    keys = serializers.DictField(child=serializers.CharField(max_length=200))

    def validate_endpoint(self, value):
        if not value.startswith("https://"):
            raise serializers.ValidationError(_("A push endpoint must use HTTPS."))
        return value

    def validate_keys(self, value):
        if not value.get("p256dh") or not value.get("auth"):
            raise serializers.ValidationError(_("Both keys, p256dh and auth, are required."))
        return value


class PushSubscriptionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    endpoint = serializers.CharField()
    user_agent = serializers.CharField()
    created = serializers.DateTimeField()


class PushSubscriptionsOutputSerializer(serializers.Serializer):
    vapid_public_key = serializers.CharField(allow_blank=True)
    results = PushSubscriptionOutputSerializer(many=True)


class TelegramStatusOutputSerializer(serializers.Serializer):
    available = serializers.BooleanField()
    linked = serializers.BooleanField()
    username = serializers.CharField(allow_blank=True)
    linked_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField(allow_blank=True)


class TelegramLinkOutputSerializer(serializers.Serializer):
    url = serializers.CharField()
    expires_at = serializers.DateTimeField()
