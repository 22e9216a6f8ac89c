from django.urls import reverse
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
    AuthorizeInputSerializer,
    AuthorizeOutputSerializer,
    CompleteInputSerializer,
    ConnectionSerializer,
    HealthBatchInputSerializer,
    HealthBatchOutputSerializer,
    UploadInputSerializer,
    UploadListQuerySerializer,
    UploadSerializer,
)
from apps.devices.models import Connection, Upload


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


# --- Provider connections -------------------------------------------------------------------


def _my_connection(request, connection_id: int) -> Connection:
    connection = selectors.connection_get(user=request.user, connection_id=connection_id)
    if connection is None:
        raise NotFound(_("No such connection."))
    return connection


class ConnectionListView(GenericAPIView):
    """Your connections to platforms: status, last sync and last error (never tokens)."""

    serializer_class = ConnectionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Connection.objects.none()
        return selectors.connection_list(user=self.request.user)

    @extend_schema(responses=ConnectionSerializer(many=True), tags=["connections"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            ConnectionSerializer([presenters.connection_summary(c) for c in page], many=True).data
        )


class ConnectionAuthorizeView(APIView):
    """Start connecting a provider: open `authorize_url` in a browser; the provider sends the
    person back to `redirect_uri` with `code` and `state`, which go to .../complete/."""

    @extend_schema(
        request=AuthorizeInputSerializer,
        responses=AuthorizeOutputSerializer,
        tags=["connections"],
        description="Errors: PROVIDER_UNKNOWN (404).",
    )
    def post(self, request, provider: str):
        serializer = AuthorizeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        redirect_uri = serializer.validated_data.get("redirect_uri") or request.build_absolute_uri(
            reverse("devices-connection-callback", args=[provider])
        )
        start = services.connection_authorize(
            user=request.user, provider=provider, redirect_uri=redirect_uri
        )
        return Response(
            AuthorizeOutputSerializer({"authorize_url": start.url, "state": start.state}).data
        )


class ConnectionCompleteView(APIView):
    """Finish connecting with the `code` and `state` the provider sent back (in the body, or
    the callback's query string passed on as it came)."""

    @extend_schema(
        request=CompleteInputSerializer,
        responses={201: ConnectionSerializer},
        tags=["connections"],
        description="Errors: OAUTH_STATE_INVALID (400), OAUTH_CODE_REFUSED (400), "
        "PERMISSION_DENIED (403: started by another account), PROVIDER_ACCOUNT_TAKEN (409), "
        "PROVIDER_DOWN (503).",
    )
    def post(self, request, provider: str):
        serializer = CompleteInputSerializer(data=request.data or request.query_params)
        serializer.is_valid(raise_exception=True)
        connection = services.connection_complete(
            user=request.user, provider=provider, **serializer.validated_data
        )
        return Response(
            ConnectionSerializer(presenters.connection_summary(connection)).data,
            status=status.HTTP_201_CREATED,
        )


class ConnectionDetailView(APIView):
    """One of your connections (GET), or disconnect it (DELETE: access is revoked at the
    provider and the tokens are forgotten; imported activities stay)."""

    @extend_schema(responses=ConnectionSerializer, tags=["connections"])
    def get(self, request, connection_id: int):
        connection = _my_connection(request, connection_id)
        return Response(ConnectionSerializer(presenters.connection_summary(connection)).data)

    @extend_schema(responses={204: None}, tags=["connections"])
    def delete(self, request, connection_id: int):
        services.connection_disconnect(connection=_my_connection(request, connection_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
