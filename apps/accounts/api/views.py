from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import selectors, services
from apps.accounts.api.serializers import (
    AccountDeleteInputSerializer,
    AccountDeletionOutputSerializer,
    AvatarInputSerializer,
    ConsentDecisionsInputSerializer,
    ConsentStateOutputSerializer,
    DataExportOutputSerializer,
    DataImportInputSerializer,
    DataImportOutputSerializer,
    MeOutputSerializer,
    MeUpdateInputSerializer,
    PrivacyZoneInputSerializer,
    PrivacyZoneOutputSerializer,
    ProfileOutputSerializer,
    ProfileUpdateInputSerializer,
)
from apps.accounts.models import DataExport, DataImport, PrivacyZone
from apps.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent


def _me_payload(user) -> dict:
    verified = EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True)
    return MeOutputSerializer(
        {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "date_joined": user.date_joined,
            "email_verified": verified.exists(),
        }
    ).data


class MeView(APIView):
    """The signed-in user."""

    consent_exempt = True  # an app must be able to see who is signed in to ask for consent

    @extend_schema(responses=MeOutputSerializer, tags=["me"])
    def get(self, request):
        return Response(_me_payload(request.user))

    @extend_schema(request=MeUpdateInputSerializer, responses=MeOutputSerializer, tags=["me"])
    def patch(self, request):
        serializer = MeUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **serializer.validated_data)
        return Response(_me_payload(user))

    @extend_schema(
        request=AccountDeleteInputSerializer,
        responses={202: AccountDeletionOutputSerializer},
        tags=["me"],
        description=(
            "Schedule the deletion of the account after the grace period "
            "(ACCOUNT_DELETION_GRACE_DAYS); cancel with DELETE /api/v1/me/deletion/. "
            "Repeating the call changes nothing."
        ),
    )
    def delete(self, request):
        serializer = AccountDeleteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_confirm(
            request=request._request,
            user=request.user,
            password=serializer.validated_data.get("password", ""),
        )
        erasure = services.account_deletion_request(user=request.user)
        return Response(
            AccountDeletionOutputSerializer({"scheduled_for": erasure.scheduled_for}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class AccountDeletionView(APIView):
    """The scheduled deletion of the account: see it (GET) or call it off (DELETE)."""

    consent_exempt = True

    @extend_schema(responses=AccountDeletionOutputSerializer, tags=["me"])
    def get(self, request):
        erasure = selectors.account_deletion_scheduled(user=request.user)
        scheduled_for = erasure.scheduled_for if erasure else None
        return Response(AccountDeletionOutputSerializer({"scheduled_for": scheduled_for}).data)

    @extend_schema(
        request=None,
        responses={204: None},
        tags=["me"],
        description="Cancel a scheduled deletion; with none scheduled, nothing changes (204).",
    )
    def delete(self, request):
        services.account_deletion_cancel(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProfileView(APIView):
    """The signed-in user's profile and privacy settings."""

    @extend_schema(responses=ProfileOutputSerializer, tags=["me"])
    def get(self, request):
        profile = selectors.profile_for(user=request.user)
        return Response(ProfileOutputSerializer(profile).data)

    @extend_schema(
        request=ProfileUpdateInputSerializer, responses=ProfileOutputSerializer, tags=["me"]
    )
    def patch(self, request):
        serializer = ProfileUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = services.profile_update(user=request.user, **serializer.validated_data)
        return Response(ProfileOutputSerializer(profile).data)


class AvatarView(APIView):
    """Upload (PUT, multipart) or remove (DELETE) the profile picture."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=AvatarInputSerializer, responses=ProfileOutputSerializer, tags=["me"])
    def put(self, request):
        serializer = AvatarInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.profile_avatar_set(
            user=request.user, upload=serializer.validated_data["avatar"]
        )
        return Response(ProfileOutputSerializer(profile).data)

    @extend_schema(request=None, responses={204: None}, tags=["me"])
    def delete(self, request):
        services.profile_avatar_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PrivacyZoneListView(GenericAPIView):
    """The signed-in user's privacy zones (the ends of tracks near them are hidden)."""

    serializer_class = PrivacyZoneOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return PrivacyZone.objects.none()
        return selectors.privacy_zone_list(user=self.request.user)

    @extend_schema(responses=PrivacyZoneOutputSerializer(many=True), tags=["me"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PrivacyZoneOutputSerializer(page, many=True).data)

    @extend_schema(
        request=PrivacyZoneInputSerializer,
        responses={201: PrivacyZoneOutputSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["me"],
    )
    @idempotent
    def post(self, request):
        serializer = PrivacyZoneInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        zone = services.privacy_zone_create(user=request.user, **serializer.validated_data)
        return Response(PrivacyZoneOutputSerializer(zone).data, status=status.HTTP_201_CREATED)


class PrivacyZoneDetailView(APIView):
    def _zone(self, request, zone_id: int):
        zone = selectors.privacy_zone_get(user=request.user, zone_id=zone_id)
        if zone is None:
            raise NotFound()
        return zone

    @extend_schema(responses=PrivacyZoneOutputSerializer, tags=["me"])
    def get(self, request, zone_id: int):
        return Response(PrivacyZoneOutputSerializer(self._zone(request, zone_id)).data)

    @extend_schema(
        request=PrivacyZoneInputSerializer, responses=PrivacyZoneOutputSerializer, tags=["me"]
    )
    def patch(self, request, zone_id: int):
        zone = self._zone(request, zone_id)
        serializer = PrivacyZoneInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        zone = services.privacy_zone_update(zone=zone, **serializer.validated_data)
        return Response(PrivacyZoneOutputSerializer(zone).data)

    @extend_schema(request=None, responses={204: None}, tags=["me"])
    def delete(self, request, zone_id: int):
        services.privacy_zone_delete(zone=self._zone(request, zone_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _consent_states_payload(request) -> list[dict]:
    language = get_language()
    rows = []
    for state in selectors.consent_states(user=request.user):
        rows.append(
            {
                "kind": state.kind,
                "title": state.document.text_in(language)[0],
                "document": state.document,
                "document_url": request.build_absolute_uri(
                    reverse("accounts-consent-document", args=[state.document.pk])
                ),
                "granted": state.granted,
                "granted_version": state.granted_version,
                "needs_answer": state.needs_answer,
            }
        )
    return ConsentStateOutputSerializer(rows, many=True).data


class ConsentsView(APIView):
    """The current documents and the signed-in user's answers; POST records new answers."""

    consent_exempt = True
    pagination_class = None

    @extend_schema(responses=ConsentStateOutputSerializer(many=True), tags=["me"])
    def get(self, request):
        return Response(_consent_states_payload(request))

    @extend_schema(
        request=ConsentDecisionsInputSerializer,
        responses=ConsentStateOutputSerializer(many=True),
        tags=["me"],
    )
    def post(self, request):
        serializer = ConsentDecisionsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.consent_record(
            user=request.user, decisions=serializer.validated_data["decisions"], request=request
        )
        return Response(_consent_states_payload(request))


def _export_payload(request, export) -> dict:
    url = None
    if export.status == DataExport.Status.READY:
        token = services.data_export_download_token(export=export)
        url = request.build_absolute_uri(reverse("accounts-export-download", args=[token]))
    return DataExportOutputSerializer(
        {
            "id": export.pk,
            "status": export.status,
            "created": export.created,
            "finished_at": export.finished_at,
            "expires_at": export.expires_at,
            "size_bytes": export.size_bytes,
            "download_url": url,
        }
    ).data


class DataExportView(GenericAPIView):
    """Ask for an archive of all your data (POST, 202) and see your exports (GET)."""

    consent_exempt = True  # people may take their data whatever they agreed to

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DataExport.objects.none()
        return DataExport.objects.filter(user=self.request.user)

    @extend_schema(responses=DataExportOutputSerializer(many=True), tags=["me"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([_export_payload(request, e) for e in page])

    @extend_schema(request=None, responses={202: DataExportOutputSerializer}, tags=["me"])
    def post(self, request):
        export = services.data_export_request(user=request.user)
        export.refresh_from_db()  # embedded mode builds it at once, after commit
        return Response(_export_payload(request, export), status=status.HTTP_202_ACCEPTED)


class DataImportView(GenericAPIView):
    """Bring data from another Stride: upload its export archive (POST, 202), see imports (GET)."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = DataImportOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DataImport.objects.none()
        return DataImport.objects.filter(user=self.request.user)

    @extend_schema(responses=DataImportOutputSerializer(many=True), tags=["me"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DataImportOutputSerializer(page, many=True).data)

    @extend_schema(
        request=DataImportInputSerializer, responses={202: DataImportOutputSerializer}, tags=["me"]
    )
    def post(self, request):
        serializer = DataImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data_import = services.data_import_request(
            user=request.user, upload=serializer.validated_data["archive"]
        )
        data_import.refresh_from_db()  # embedded mode imports at once, after commit
        return Response(
            DataImportOutputSerializer(data_import).data, status=status.HTTP_202_ACCEPTED
        )
