from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.recommendations.models import FEEDBACK_ACTIONS, Kind


class RecommendationQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    limit = serializers.IntegerField(min_value=1, max_value=20, default=6)


class RecommendationSerializer(serializers.Serializer):
    item = serializers.CharField(source="key")
    title = serializers.CharField()
    url = serializers.CharField()
    reason = serializers.CharField()
    score = serializers.FloatField()


class RecommendationListSerializer(serializers.Serializer):
    kind = serializers.CharField()
    variant = serializers.CharField()
    model_version = serializers.IntegerField(allow_null=True)
    results = RecommendationSerializer(many=True, source="items")


class FeedbackInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    item = serializers.CharField(
        max_length=80, help_text=_("The `item` of a recommendation, e.g. plan:10k.")
    )
    action = serializers.ChoiceField(choices=[(a.value, a.label) for a in FEEDBACK_ACTIONS])


class FeedbackSerializer(serializers.Serializer):
    kind = serializers.CharField()
    item = serializers.CharField(source="item_key")
    action = serializers.CharField()
    occurred_at = serializers.DateTimeField()
