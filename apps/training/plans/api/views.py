"""Plans API: the catalog (public), enrolling, my enrollments, the schedule, skipping, moving
and the private calendar address. Another user's enrollment is simply not found."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api.pagination import CursorPagination
from apps.core.api.schema import ErrorSerializer
from apps.training.plans import catalog, selectors, services
from apps.training.plans.api.serializers import (
    CalendarOutputSerializer,
    EnrollInputSerializer,
    EnrollmentDetailOutputSerializer,
    EnrollmentOutputSerializer,
    PlanDetailOutputSerializer,
    PlanOutputSerializer,
    RescheduleInputSerializer,
    ScheduleRangeInputSerializer,
    SessionOutputSerializer,
)
from apps.training.plans.models import PlanEnrollment, PlanSession

TAGS = ["plans"]
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="SESSION_NOT_PLANNED, DAY_TAKEN or ENROLLMENT_NOT_ACTIVE.",
)


def _plan(slug: str) -> catalog.PlanTemplate:
    plan = catalog.plan_get(slug)
    if plan is None:
        raise NotFound()
    return plan


def _enrollment(request, enrollment_id: int) -> PlanEnrollment:
    enrollment = selectors.enrollment_get(owner=request.user, enrollment_id=enrollment_id)
    if enrollment is None:
        raise NotFound()
    return enrollment


def _session(request, enrollment_id: int, session_id: int) -> PlanSession:
    session = selectors.session_get(
        enrollment=_enrollment(request, enrollment_id), session_id=session_id
    )
    if session is None:
        raise NotFound()
    return session


def calendar_url(request, enrollment: PlanEnrollment) -> str:
    return request.build_absolute_uri(
        reverse("plans-calendar", kwargs={"token": enrollment.calendar_token})
    )


def _detail(request, enrollment: PlanEnrollment) -> dict:
    enrollment.current_week = selectors.current_week(enrollment=enrollment) + 1
    enrollment.compliance_percent = selectors.compliance(enrollment=enrollment).percent
    enrollment.calendar_url = calendar_url(request, enrollment)
    adjusted = selectors.adjusted_sessions(enrollment=enrollment)
    return EnrollmentDetailOutputSerializer(
        enrollment, context={"adjusted_sessions": adjusted}
    ).data


class PlanListView(APIView):
    """The plan templates, in the caller's language. Public."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PlanOutputSerializer(many=True), auth=[], tags=TAGS)
    def get(self, request):
        return Response(PlanOutputSerializer(catalog.PLANS.values(), many=True).data)


class PlanDetailView(APIView):
    """One plan template with its sessions and their steps. Public."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PlanDetailOutputSerializer, auth=[], tags=TAGS)
    def get(self, request, slug: str):
        return Response(PlanDetailOutputSerializer(_plan(slug)).data)


class PlanEnrollView(APIView):
    @extend_schema(
        request=EnrollInputSerializer,
        responses={201: EnrollmentDetailOutputSerializer, 200: EnrollmentDetailOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=TAGS,
        description=(
            "Enroll from `start_date` (default: today) or back from `race_date`, dated in the "
            "caller's time zone. 201 when enrolled; 200 with the existing enrollment when the "
            "plan is already active for the caller."
        ),
    )
    @idempotent
    def post(self, request, slug: str):
        _plan(slug)
        serializer = EnrollInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolled = services.plan_enroll(
            owner=request.user, plan_slug=slug, **serializer.validated_data
        )
        return Response(
            _detail(request, enrolled.enrollment),
            status=status.HTTP_201_CREATED if enrolled.created else status.HTTP_200_OK,
        )


class EnrollmentListView(GenericAPIView):
    """The caller's enrollments, newest first."""

    serializer_class = EnrollmentOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlanEnrollment.objects.none()
        return selectors.enrollment_list(owner=self.request.user)

    @extend_schema(responses=EnrollmentOutputSerializer(many=True), tags=TAGS)
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EnrollmentOutputSerializer(page, many=True).data)


class EnrollmentDetailView(APIView):
    @extend_schema(responses=EnrollmentDetailOutputSerializer, tags=TAGS)
    def get(self, request, enrollment_id: int):
        return Response(_detail(request, _enrollment(request, enrollment_id)))

    @extend_schema(
        responses={204: None},
        tags=TAGS,
        description="Stop following the plan; its history stays.",
    )
    def delete(self, request, enrollment_id: int):
        services.enrollment_abandon(enrollment=_enrollment(request, enrollment_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SchedulePagination(CursorPagination):
    ordering = ("date", "index")
    page_size = 20


class SessionListView(GenericAPIView):
    """The schedule: the enrollment's sessions by date (`from` and `to` narrow it)."""

    serializer_class = SessionOutputSerializer
    pagination_class = SchedulePagination
    queryset = PlanSession.objects.none()  # for the schema only; reads go through selectors

    @extend_schema(
        responses=SessionOutputSerializer(many=True),
        parameters=[
            OpenApiParameter("from", str, description="First date (YYYY-MM-DD)."),
            OpenApiParameter("to", str, description="Last date (YYYY-MM-DD)."),
        ],
        tags=TAGS,
    )
    def get(self, request, enrollment_id: int):
        enrollment = _enrollment(request, enrollment_id)
        bounds = ScheduleRangeInputSerializer(
            data={"start": request.GET.get("from"), "end": request.GET.get("to")}
        )
        bounds.is_valid(raise_exception=True)
        sessions = selectors.session_list(enrollment=enrollment, **bounds.validated_data)
        page = self.paginate_queryset(sessions)
        return self.get_paginated_response(SessionOutputSerializer(page, many=True).data)


class SessionSkipView(APIView):
    @extend_schema(request=None, responses={200: SessionOutputSerializer, 409: CONFLICT}, tags=TAGS)
    def post(self, request, enrollment_id: int, session_id: int):
        session = services.session_skip(session=_session(request, enrollment_id, session_id))
        return Response(SessionOutputSerializer(session).data)


class SessionRescheduleView(APIView):
    @extend_schema(
        request=RescheduleInputSerializer,
        responses={200: SessionOutputSerializer, 409: CONFLICT},
        tags=TAGS,
        description=(
            "Move a planned session within its plan week, to today or later. 409 DAY_TAKEN "
            "when another session of the plan is on that day; 400 RESCHEDULE_INVALID outside "
            "the week or in the past; 409 SESSION_NOT_PLANNED for a done or skipped session."
        ),
    )
    def post(self, request, enrollment_id: int, session_id: int):
        session = _session(request, enrollment_id, session_id)
        serializer = RescheduleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_reschedule(
            session=session, new_date=serializer.validated_data["date"]
        )
        return Response(SessionOutputSerializer(session).data)


class CalendarTokenView(APIView):
    @extend_schema(
        request=None,
        responses=CalendarOutputSerializer,
        tags=TAGS,
        description="A new private calendar address; the old one stops working.",
    )
    def post(self, request, enrollment_id: int):
        enrollment = services.calendar_token_regenerate(
            enrollment=_enrollment(request, enrollment_id)
        )
        return Response({"calendar_url": calendar_url(request, enrollment)})
