from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.training.plans import adaptation, catalog


class StepOutputSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="warmup, steady, interval, recovery, cooldown, flow")
    effort = serializers.CharField()
    repeat = serializers.IntegerField()
    duration_s = serializers.IntegerField(allow_null=True)
    distance_m = serializers.FloatField(allow_null=True)
    hr_zone = serializers.IntegerField(allow_null=True, help_text=_("Heart-rate zone 1-5."))
    pace_s_per_km = serializers.IntegerField(allow_null=True)
    text = serializers.SerializerMethodField(help_text=_("The step in words."))

    def get_text(self, step) -> str:
        return catalog.describe_step(step)


class TemplateSessionOutputSerializer(serializers.Serializer):
    day = serializers.IntegerField(help_text=_("Days after the plan's first day."))
    week = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.SerializerMethodField()
    sport = serializers.CharField()
    focus = serializers.CharField()
    steps = serializers.SerializerMethodField()

    def get_title(self, template) -> str:
        return catalog.session_title(template.kind, template.focus)

    def get_steps(self, template) -> list[dict]:
        return StepOutputSerializer(catalog.session_steps(template), many=True).data


class PlanOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    summary = serializers.CharField()
    level = serializers.CharField()
    sport = serializers.CharField()
    weeks = serializers.IntegerField()
    days = serializers.IntegerField()
    sessions_count = serializers.SerializerMethodField()

    def get_sessions_count(self, plan) -> int:
        return len(plan.sessions)


class PlanDetailOutputSerializer(PlanOutputSerializer):
    sessions = TemplateSessionOutputSerializer(many=True)


class EnrollInputSerializer(serializers.Serializer):
    start_date = serializers.DateField(required=False, help_text=_("The plan's first day."))
    race_date = serializers.DateField(
        required=False, help_text=_("Or the race day: the plan is counted back from it.")
    )


class SessionAdjustmentOutputSerializer(serializers.Serializer):
    session_id = serializers.IntegerField(source="pk")
    date = serializers.DateField()
    title = serializers.SerializerMethodField(help_text=_("The session as it is now."))
    adjustment = serializers.CharField(help_text="shorten, easy (swapped for an easy run), cap")
    adjusted_from = serializers.SerializerMethodField(
        help_text=_("The kind of session it was before a swap.")
    )
    reason = serializers.CharField(source="adjustment_reason")
    text = serializers.SerializerMethodField(help_text=_("Why, in words."))

    def get_title(self, session) -> str:
        return catalog.session_title(session.kind, session.focus)

    def get_adjusted_from(self, session) -> str:
        return (session.adjustment_params or {}).get("was", "")

    def get_text(self, session) -> str:
        return adaptation.session_reason_text(session.adjustment_reason, session.adjustment_params)


class AdaptationOutputSerializer(serializers.Serializer):
    week = serializers.SerializerMethodField(help_text=_("The adjusted week, from 1."))
    decision = serializers.CharField()
    reason = serializers.CharField()
    text = serializers.SerializerMethodField(help_text=_("Why, in words."))
    compliance = serializers.FloatField()
    planned_load = serializers.FloatField()
    actual_load = serializers.FloatField()
    volume_factor = serializers.FloatField(source="factor_after")
    created = serializers.DateTimeField()
    sessions = serializers.SerializerMethodField(
        help_text=_("Sessions of the week changed one by one, with why.")
    )

    def get_week(self, record) -> int:
        return record.week + 1

    @extend_schema_field(SessionAdjustmentOutputSerializer(many=True))
    def get_sessions(self, record) -> list[dict]:
        adjusted = self.context.get("adjusted_sessions", {}).get(record.week, [])
        return SessionAdjustmentOutputSerializer(adjusted, many=True).data

    def get_text(self, record) -> str:
        return adaptation.reason_text(
            record.reason,
            compliance=record.compliance,
            planned_load=record.planned_load,
            actual_load=record.actual_load,
        )


class EnrollmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.CharField(source="plan_slug")
    plan_name = serializers.SerializerMethodField()
    status = serializers.CharField()
    start_date = serializers.DateField()
    race_date = serializers.DateField(allow_null=True)
    timezone = serializers.CharField()
    volume_factor = serializers.FloatField()
    created = serializers.DateTimeField()

    def get_plan_name(self, enrollment) -> str:
        plan = catalog.plan_get(enrollment.plan_slug)
        return str(plan.name) if plan else enrollment.plan_slug


class EnrollmentDetailOutputSerializer(EnrollmentOutputSerializer):
    current_week = serializers.IntegerField(help_text=_("From 1."))
    compliance_percent = serializers.IntegerField(
        allow_null=True, help_text=_("Sessions done out of those due so far.")
    )
    calendar_url = serializers.CharField(help_text=_("Private ICS feed of the schedule."))
    adaptations = AdaptationOutputSerializer(many=True)


class SessionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    index = serializers.IntegerField()
    week = serializers.SerializerMethodField(help_text=_("Plan week, from 1."))
    date = serializers.DateField(help_text=_("Local date in the athlete's time zone."))
    planned_date = serializers.DateField()
    sport = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.SerializerMethodField()
    focus = serializers.CharField()
    steps = StepOutputSerializer(many=True)
    target_distance_m = serializers.FloatField(allow_null=True)
    target_duration_s = serializers.IntegerField()
    planned_load = serializers.FloatField()
    status = serializers.CharField()
    activity_id = serializers.IntegerField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    adjustment = serializers.CharField(
        help_text="Empty, or how the adaptation changed it: shorten, easy, cap"
    )
    adjustment_text = serializers.SerializerMethodField(help_text=_("Why it changed, in words."))

    def get_week(self, session) -> int:
        return session.week + 1

    def get_title(self, session) -> str:
        return catalog.session_title(session.kind, session.focus)

    def get_adjustment_text(self, session) -> str:
        return adaptation.session_reason_text(session.adjustment_reason, session.adjustment_params)


class RescheduleInputSerializer(serializers.Serializer):
    date = serializers.DateField(help_text=_("A day of the same plan week, today or later."))


class CalendarOutputSerializer(serializers.Serializer):
    calendar_url = serializers.CharField()


class ScheduleRangeInputSerializer(serializers.Serializer):
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
