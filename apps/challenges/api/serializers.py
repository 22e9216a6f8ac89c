from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.challenges.models import Metric, Period
from apps.challenges.selectors import AGE_GROUPS, LEADERBOARD_SCOPES, METRIC_FIELDS
from apps.training.models import Sport


class BadgeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField(source="title_text")
    description = serializers.CharField(source="description_text")
    image = serializers.SerializerMethodField()

    def get_image(self, badge) -> str:
        from django.templatetags.static import static

        return static(badge.image)


class ProgressSerializer(serializers.Serializer):
    joined_at = serializers.DateTimeField()
    progress = serializers.FloatField()
    activities = serializers.IntegerField()
    percent = serializers.SerializerMethodField()
    completed_at = serializers.DateTimeField(allow_null=True)

    def get_percent(self, participation) -> float:
        target = participation.challenge.target
        return round(min(100.0, 100.0 * participation.progress / target), 1)


class ChallengeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField(source="title_text")
    description = serializers.CharField(source="description_text")
    metric = serializers.ChoiceField(choices=Metric.choices)
    target = serializers.FloatField()
    sport = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    scope = serializers.CharField()
    country = serializers.CharField()
    region = serializers.CharField()
    group_id = serializers.IntegerField(allow_null=True)
    exclude_manual = serializers.BooleanField()
    points = serializers.IntegerField()
    badge = BadgeSerializer(allow_null=True)
    mine = serializers.SerializerMethodField()

    def get_mine(self, challenge) -> dict | None:
        mine = getattr(challenge, "mine", None) or []
        return ProgressSerializer(mine[0]).data if mine else None


class BadgeAwardSerializer(serializers.Serializer):
    badge = BadgeSerializer()
    awarded_at = serializers.DateTimeField()


class RowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    user_id = serializers.IntegerField()
    display_name = serializers.CharField()
    value = serializers.FloatField()


class BoardSerializer(serializers.Serializer):
    rows = RowSerializer(many=True)
    me = RowSerializer(allow_null=True)
    total = serializers.IntegerField()


class LeaderboardQuerySerializer(serializers.Serializer):
    sport = serializers.ChoiceField(choices=Sport.choices, default="run")
    period = serializers.ChoiceField(choices=Period.choices, default="week")
    metric = serializers.ChoiceField(choices=sorted(METRIC_FIELDS), default="distance")
    scope = serializers.ChoiceField(
        choices=[s for s in LEADERBOARD_SCOPES if s != "challenge"], default="global"
    )
    group = serializers.IntegerField(
        required=False, min_value=1, help_text="The group's id, with scope=group."
    )
    date = serializers.DateField(required=False)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=50)

    def validate(self, attrs):
        if attrs.get("scope") == "group" and not attrs.get("group"):
            raise serializers.ValidationError({"group": _("Say which group: ?group=<id>.")})
        return attrs


class LeaderboardSettingsSerializer(serializers.Serializer):
    hidden = serializers.BooleanField()


class SegmentInputSerializer(serializers.Serializer):
    activity_id = serializers.IntegerField()
    start_index = serializers.IntegerField(min_value=0)
    end_index = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=120)


class SegmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sport = serializers.CharField()
    distance_m = serializers.FloatField()
    points = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))


class SegmentRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)


class SegmentQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    scope = serializers.ChoiceField(choices=["all", "following"], default="all")
    sex = serializers.ChoiceField(choices=["female", "male"], required=False)
    age_group = serializers.ChoiceField(choices=list(AGE_GROUPS), required=False)


class EffortSerializer(serializers.Serializer):
    elapsed_s = serializers.FloatField()
    started_at = serializers.DateTimeField()
    activity_id = serializers.IntegerField()


class SegmentBoardSerializer(serializers.Serializer):
    segment = SegmentSerializer()
    leaderboard = BoardSerializer()
    my_bests = EffortSerializer(many=True)
