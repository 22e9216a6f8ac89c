from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.groups.models import Comment, EventRSVP, Group, Privacy, Report, Role, TargetType
from apps.training.api.serializers import ActivitySummarySerializer


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def person(user) -> dict:
    return {"id": user.pk, "name": str(user.public_name)}


class ProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    profile_visible = serializers.BooleanField()
    followers = serializers.IntegerField(allow_null=True)
    following = serializers.IntegerField(allow_null=True)
    follow_status = serializers.ChoiceField(
        choices=[("none", "none"), ("pending", "pending"), ("active", "active")],
        help_text=_("Whether you follow this person, asked to, or neither."),
    )
    follows_you = serializers.BooleanField()
    blocked = serializers.BooleanField(help_text=_("Whether you blocked this person."))
    muted = serializers.BooleanField()


class FollowSerializer(serializers.Serializer):
    person = PersonSerializer()
    status = serializers.CharField()
    created = serializers.DateTimeField()


class PersonSuggestionSerializer(serializers.Serializer):
    person = PersonSerializer()
    score = serializers.IntegerField(
        help_text=_("Shared groups plus people you follow who follow them.")
    )


class FeedItemSerializer(ActivitySummarySerializer):
    owner_name = serializers.CharField()
    map = serializers.ListField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.FloatField())),
        help_text=_(
            "The outline as runs of [lat, lng]; a new run starts where a privacy zone cut it."
        ),
    )
    kudos_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    gave_kudos = serializers.BooleanField()


class KudosSerializer(serializers.Serializer):
    person = PersonSerializer()
    created = serializers.DateTimeField()


class KudosResultSerializer(serializers.Serializer):
    activity = serializers.IntegerField()
    kudos_count = serializers.IntegerField()
    gave_kudos = serializers.BooleanField()


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    activity = serializers.IntegerField(source="activity_id")
    author = PersonSerializer(source="author_person")
    body = serializers.CharField()
    created = serializers.DateTimeField()


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(
        max_length=Comment.MAX_LENGTH, help_text=_("@Name mentions notify.")
    )


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    privacy = serializers.ChoiceField(choices=Privacy.choices)
    member_count = serializers.IntegerField()
    created = serializers.DateTimeField()


class GroupDetailSerializer(GroupSerializer):
    my_role = serializers.CharField(allow_null=True)
    my_status = serializers.CharField(allow_null=True, help_text=_("active, pending or null."))


class GroupInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=Group.MAX_NAME)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    privacy = serializers.ChoiceField(choices=Privacy.choices, required=False)


class MemberSerializer(serializers.Serializer):
    person = PersonSerializer()
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.CharField()
    created = serializers.DateTimeField()


class RoleInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InviteSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    max_uses = serializers.IntegerField(allow_null=True)
    uses = serializers.IntegerField()


class InviteInputSerializer(serializers.Serializer):
    max_uses = serializers.IntegerField(min_value=1, max_value=10000, required=False)
    expires_in_days = serializers.IntegerField(min_value=1, max_value=90, required=False)


class MembershipSerializer(serializers.Serializer):
    group = serializers.SlugField(source="group.slug")
    role = serializers.CharField()
    status = serializers.CharField()


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    group = serializers.SlugField(source="group.slug")
    title = serializers.CharField()
    description = serializers.CharField()
    starts_at = serializers.DateTimeField()
    place = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)
    route = serializers.IntegerField(source="route_id", allow_null=True)
    cancelled = serializers.BooleanField()
    going_count = serializers.IntegerField()
    my_rsvp = serializers.CharField(allow_null=True)


class EventInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField(help_text=_("ISO 8601 with an offset."))
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    route = serializers.IntegerField(required=False, allow_null=True)


class RSVPInputSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=EventRSVP.Answer.choices)


class ReportInputSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=TargetType.choices)
    target_id = serializers.IntegerField(min_value=1)
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    details = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target_type = serializers.CharField()
    target_id = serializers.IntegerField()
    subject = serializers.IntegerField(source="subject_id", allow_null=True)
    reason = serializers.CharField()
    details = serializers.CharField()
    status = serializers.CharField()
    created = serializers.DateTimeField()


class ActInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[("hide", "hide"), ("warn", "warn"), ("suspend", "suspend")]
    )
    reason = serializers.CharField(max_length=2000)
    suspend_days = serializers.IntegerField(min_value=1, max_value=365, required=False)


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.IntegerField()
    reason = serializers.CharField()
    suspended_until = serializers.DateTimeField(allow_null=True)
    reversed = serializers.BooleanField()
    appeal_status = serializers.CharField(allow_null=True)
    created = serializers.DateTimeField()


class AppealInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class AppealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.IntegerField(source="action_id")
    text = serializers.CharField()
    status = serializers.CharField()
    response = serializers.CharField()


class AppealDecisionInputSerializer(serializers.Serializer):
    reverse = serializers.BooleanField()
    response = serializers.CharField(max_length=2000, required=False, allow_blank=True)
