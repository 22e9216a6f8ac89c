from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.devices import health, presenters, selectors, services
from apps.devices.api.serializers import (
    HealthBatchInputSerializer,
    HealthBatchOutputSerializer,
    UploadInputSerializer,
    UploadListQuerySerializer,
    UploadSerializer,
)
from apps.devices.models import Upload


def _mine(request, upload_id: int) -> Upload:
    upload = selectors.upload_get(owner=request.user, upload_id=upload_id)
    if upload is None:
        raise NotFound(_("No such upload."))
    return upload


class UploadListView(GenericAPIView):
    """Your uploads, newest first (GET); upload one workout file or export archive (POST)."""

    serializer_class = UploadSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Upload.objects.none()
        query = UploadListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.upload_list(
            owner=self.request.user, archive_id=query.validated_data.get("archive")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("archive", int, description="List the files of this archive.")
        ],
        responses=UploadSerializer(many=True),
        tags=["uploads"],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            UploadSerializer([presenters.upload_summary(u) for u in page], many=True).data
        )

    @extend_schema(
        request={"multipart/form-data": UploadInputSerializer},
        responses={202: UploadSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["uploads"],
        description=(
            "Queue one file for import: FIT, GPX or TCX (also .gz), or a Strava or Garmin "
            "export zip. Answers 202 with the job; follow it with GET /uploads/{id}/. "
            "Errors: EMPTY_FILE (400), FILE_TOO_LARGE (413)."
        ),
    )
    @idempotent
    def post(self, request):
        serializer = UploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = services.upload_file(owner=request.user, file=serializer.validated_data["file"])
        upload = selectors.upload_get(owner=request.user, upload_id=upload.pk)
        return Response(
            UploadSerializer(presenters.upload_summary(upload)).data,
            status=status.HTTP_202_ACCEPTED,
        )


class UploadDetailView(APIView):
    """One of your uploads: its status, why it failed, or the activity it became."""

    @extend_schema(responses=UploadSerializer, tags=["uploads"])
    def get(self, request, upload_id: int):
        return Response(UploadSerializer(presenters.upload_summary(_mine(request, upload_id))).data)


class UploadReprocessView(APIView):
    """Process a finished workout file again (for example after its activity was deleted)."""

    @extend_schema(
        request=None,
        responses={202: UploadSerializer},
        tags=["uploads"],
        description="Errors: UPLOAD_NOT_REPROCESSABLE (409) while it is queued or processing, "
        "and for archives.",
    )
    def post(self, request, upload_id: int):
        services.upload_reprocess(upload=_mine(request, upload_id))
        return Response(
            UploadSerializer(presenters.upload_summary(_mine(request, upload_id))).data,
            status=status.HTTP_202_ACCEPTED,
        )


class HealthBatchView(APIView):
    """Workouts from Apple Health or Health Connect, sent by Stride's mobile app.

    Send new and changed workouts with their routes and heart-rate samples, and the ids of
    workouts deleted on the phone. Each workout gets its own result (created, duplicate,
    rejected with a reason; deleted or not_found), so one bad workout never sinks the batch.
    At most 25 workouts per batch. Send an `Idempotency-Key`: a retried batch then answers the
    first result again (without one, a resent workout is still recorded once and answered as
    a duplicate)."""

    @extend_schema(
        request=HealthBatchInputSerializer,
        responses=HealthBatchOutputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["uploads"],
    )
    @idempotent
    def post(self, request):
        serializer = HealthBatchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = health.health_batch_apply(
            owner=request.user,
            platform=data["platform"],
            workouts=data.get("workouts", []),
            deleted=data.get("deleted", []),
        )
        return Response(HealthBatchOutputSerializer(result).data)
