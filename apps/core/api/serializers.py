from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class MetaSerializer(serializers.Serializer):
    api_version = serializers.CharField()
    feature_level = serializers.IntegerField()
    min_app_version = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())


class AnalyticsEventInputSerializer(serializers.Serializer):
    name = serializers.RegexField(
        r"^[a-z][a-z0-9_.]{0,99}$",
        help_text=_("Event name: lower case, digits, dots and underscores."),
        error_messages={"invalid": _("Use lower case letters, digits, dots and underscores.")},
    )
    properties = serializers.DictField(required=False, default=dict)
    occurred_at = serializers.DateTimeField(required=False)

    def validate_properties(self, value: dict) -> dict:
        if len(value) > 50:
            raise serializers.ValidationError(_("At most 50 properties per event."))
        return value


class AnalyticsBatchInputSerializer(serializers.Serializer):
    events = AnalyticsEventInputSerializer(many=True, allow_empty=False, max_length=100)


class AnalyticsBatchOutputSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
