"""The partner API: partner apps and webhook endpoints for their owners (session token), the
inbound API and the changes feed for partners (OAuth 2), and people's authorizations."""

from __future__ import annotations

import functools

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import crypto
from apps.core.api.idempotency import HEADER, IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api.pagination import CursorPagination
from apps.partners import conformance, sandbox, selectors, services
from apps.partners.api.auth import (
    AUTHENTICATION,
    PartnerRateThrottle,
    PartnerScope,
    RateLimitHeaders,
)
from apps.partners.api.serializers import (
    AuthorizationSerializer,
    ChangeSerializer,
    ConformanceInputSerializer,
    ConformanceReportSerializer,
    DeliverySerializer,
    EndpointCreatedSerializer,
    EndpointInputSerializer,
    EndpointSerializer,
    PartnerActivityInputSerializer,
    PartnerActivitySerializer,
    PartnerCreatedSerializer,
    PartnerInputSerializer,
    PartnerSerializer,
    PartnerUploadAcceptedSerializer,
    PartnerUploadInputSerializer,
    SandboxSerializer,
    SecretSerializer,
    ShopSecretSerializer,
)
from apps.partners.exceptions import IdempotencyKeyRequired
from apps.partners.models import Change, Environment, Partner, WebhookDelivery, WebhookEndpoint
from apps.training import selectors as training_selectors

TAGS = ["partners"]


class BySeq(CursorPagination):
    ordering = ("seq",)


def idempotency_required(view_method):
    """`@idempotent`, and a create without an Idempotency-Key is a 400."""
    wrapped = idempotent(view_method)

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        if not request.headers.get(HEADER):
            raise IdempotencyKeyRequired()
        return wrapped(self, request, *args, **kwargs)

    return wrapper


def _partner_dict(partner: Partner) -> dict:
    return {
        "id": partner.pk,
        "name": partner.name,
        "website": partner.website,
        "status": partner.status,
        "sandbox_client_id": partner.sandbox_application.client_id
        if partner.sandbox_application_id
        else None,
        "production_client_id": partner.production_application.client_id
        if partner.production_application_id
        else None,
        "rate_limit_per_minute": partner.rate_limit_per_minute,
        "shop_status": partner.shop_status,
        "created": partner.created,
    }


def _owned_partner(request, partner_id: int) -> Partner:
    partner = selectors.partner_get_owned(user=request.user, partner_id=partner_id)
    if partner is None:
        raise NotFound(_("No such partner."))
    return partner


def _owned_endpoint(request, endpoint_id: int) -> WebhookEndpoint:
    endpoint = selectors.endpoint_get_owned(user=request.user, endpoint_id=endpoint_id)
    if endpoint is None:
        raise NotFound(_("No such webhook endpoint."))
    return endpoint


def _delivery_dicts(deliveries: list[WebhookDelivery]) -> list[dict]:
    last = selectors.last_attempts([d.pk for d in deliveries])
    out = []
    for d in deliveries:
        attempt = last.get(d.pk)
        out.append(
            {
                "id": d.pk,
                "event_id": d.event.webhook_id,
                "event_type": d.event.type,
                "endpoint": d.endpoint_id,
                "status": d.status,
                "attempts": d.attempts,
                "next_attempt_at": d.next_attempt_at,
                "last_response_status": attempt.response_status if attempt else None,
                "last_latency_ms": attempt.latency_ms if attempt else None,
                "last_response_body": attempt.response_body if attempt else None,
                "created": d.created,
            }
        )
    return out


# --- For partner owners (session token) ----------------------------------------------------


class PartnerListView(GenericAPIView):
    """Your partner apps (GET); create one, with sandbox credentials at once (POST)."""

    serializer_class = PartnerSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Partner.objects.none()
        return selectors.partner_list_owned(user=self.request.user)

    @extend_schema(responses=PartnerSerializer(many=True), tags=TAGS)
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([_partner_dict(p) for p in page])

    @extend_schema(
        request=PartnerInputSerializer,
        responses={201: PartnerCreatedSerializer},
        tags=TAGS,
        description="The client secret is in this answer only; it is stored hashed.",
    )
    def post(self, request):
        serializer = PartnerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partner, credentials = services.partner_create(
            owner=request.user, **serializer.validated_data
        )
        body = _partner_dict(_owned_partner(request, partner.pk))
        body["credentials"] = {
            "environment": credentials.environment,
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class PartnerDetailView(APIView):
    """One of your partner apps."""

    @extend_schema(responses=PartnerSerializer, tags=TAGS)
    def get(self, request, partner_id: int):
        return Response(_partner_dict(_owned_partner(request, partner_id)))


class PartnerRequestProductionView(APIView):
    """Ask staff for production credentials; they arrive on approval."""

    @extend_schema(request=None, responses=PartnerSerializer, tags=TAGS)
    def post(self, request, partner_id: int):
        partner = services.partner_request_production(partner=_owned_partner(request, partner_id))
        return Response(_partner_dict(partner))


class PartnerShopView(APIView):
    """Make your partner a shop: it works in the sandbox at once (client credentials with the
    scope shop, bodies signed with the shop secret, which is in this answer only)."""

    @extend_schema(
        request=None,
        responses={201: ShopSecretSerializer},
        tags=TAGS,
        description="409 PARTNER_STATE_INVALID if it is a shop already (issue a new secret).",
    )
    def post(self, request, partner_id: int):
        partner = _owned_partner(request, partner_id)
        secret = services.partner_shop_enable(partner=partner)
        partner = _owned_partner(request, partner_id)
        body = {"shop_status": partner.shop_status, "shop_secret": secret}
        return Response(body, status=status.HTTP_201_CREATED)


class PartnerShopRotateView(APIView):
    """A new shop signing secret (once); the old one stops working at once."""

    @extend_schema(request=None, responses=ShopSecretSerializer, tags=TAGS)
    def post(self, request, partner_id: int):
        partner = _owned_partner(request, partner_id)
        secret = services.partner_shop_secret_rotate(partner=partner, enable=False)
        partner = _owned_partner(request, partner_id)
        return Response({"shop_status": partner.shop_status, "shop_secret": secret})


class PartnerShopRequestProductionView(APIView):
    """Ask staff to let your shop work in production (with production access, if you have
    none yet: one review for both)."""

    @extend_schema(request=None, responses=PartnerSerializer, tags=TAGS)
    def post(self, request, partner_id: int):
        partner = services.partner_shop_request_production(
            partner=_owned_partner(request, partner_id)
        )
        return Response(_partner_dict(_owned_partner(request, partner.pk)))


class PartnerSandboxView(APIView):
    """Fill your sandbox with generated athletes and activities (idempotent)."""

    @extend_schema(request=None, responses=SandboxSerializer, tags=TAGS)
    def post(self, request, partner_id: int):
        athletes, activities = sandbox.sandbox_seed(partner=_owned_partner(request, partner_id))
        return Response({"athletes": athletes, "activities": activities})


class EndpointListView(GenericAPIView):
    """Your partner's webhook endpoints (GET); register one (POST: its secret, once)."""

    serializer_class = EndpointSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return selectors.endpoint_list(
            partner=_owned_partner(self.request, self.kwargs["partner_id"])
        )

    @extend_schema(responses=EndpointSerializer(many=True), tags=TAGS)
    def get(self, request, partner_id: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EndpointSerializer(page, many=True).data)

    @extend_schema(
        request=EndpointInputSerializer, responses={201: EndpointCreatedSerializer}, tags=TAGS
    )
    def post(self, request, partner_id: int):
        partner = _owned_partner(request, partner_id)
        serializer = EndpointInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_create(partner=partner, **serializer.validated_data)
        body = dict(EndpointSerializer(endpoint).data, secret=secret)
        return Response(body, status=status.HTTP_201_CREATED)


class EndpointDetailView(APIView):
    """One webhook endpoint (GET); enable it again after it was disabled (PATCH); remove it
    (DELETE)."""

    @extend_schema(responses=EndpointSerializer, tags=TAGS)
    def get(self, request, endpoint_id: int):
        return Response(EndpointSerializer(_owned_endpoint(request, endpoint_id)).data)

    @extend_schema(request=None, responses=EndpointSerializer, tags=TAGS)
    def patch(self, request, endpoint_id: int):
        endpoint = services.endpoint_enable(endpoint=_owned_endpoint(request, endpoint_id))
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, endpoint_id: int):
        services.endpoint_delete(endpoint=_owned_endpoint(request, endpoint_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointRotateView(APIView):
    """A new signing secret (once); the old one keeps signing for 24 hours."""

    @extend_schema(request=None, responses=SecretSerializer, tags=TAGS)
    def post(self, request, endpoint_id: int):
        secret = services.endpoint_rotate_secret(endpoint=_owned_endpoint(request, endpoint_id))
        return Response({"secret": secret})


class EndpointTestView(APIView):
    """Fire a real signed `webhook.test` event at the endpoint now; answers with the delivery."""

    @extend_schema(request=None, responses=DeliverySerializer, tags=TAGS)
    def post(self, request, endpoint_id: int):
        delivery = services.test_event_send(endpoint=_owned_endpoint(request, endpoint_id))
        delivery = selectors.delivery_get_owned(user=request.user, delivery_id=delivery.pk)
        return Response(_delivery_dicts([delivery])[0])


class EndpointConformanceView(APIView):
    """Run the conformance check against your receiver (signed events, a duplicate, a bad
    signature, a stale timestamp and a burst) and get what passed."""

    @extend_schema(
        request=ConformanceInputSerializer, responses=ConformanceReportSerializer, tags=TAGS
    )
    def post(self, request, endpoint_id: int):
        endpoint = _owned_endpoint(request, endpoint_id)
        serializer = ConformanceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        url = serializer.validated_data.get("url") or endpoint.url
        report = conformance.run(url=url, secret=crypto.decrypt(endpoint.secret))
        return Response(report.as_dict())


class DeliveryListView(GenericAPIView):
    """Every delivery of your partner's webhooks, newest first, with the last response."""

    serializer_class = DeliverySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        return selectors.delivery_list(
            partner=_owned_partner(self.request, self.kwargs["partner_id"])
        )

    @extend_schema(responses=DeliverySerializer(many=True), tags=TAGS)
    def get(self, request, partner_id: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(_delivery_dicts(page))


class DeliveryReplayView(APIView):
    """Send a delivery's event again (same webhook-id): a new delivery, due now."""

    @extend_schema(request=None, responses={202: DeliverySerializer}, tags=TAGS)
    def post(self, request, delivery_id: int):
        delivery = selectors.delivery_get_owned(user=request.user, delivery_id=delivery_id)
        if delivery is None:
            raise NotFound(_("No such delivery."))
        replay = services.delivery_replay(delivery=delivery)
        replay = selectors.delivery_get_owned(user=request.user, delivery_id=replay.pk)
        return Response(_delivery_dicts([replay])[0], status=status.HTTP_202_ACCEPTED)


# --- For people: the partners they authorized ----------------------------------------------


class AuthorizationListView(APIView):
    """The partner apps you let act for you, with their scopes."""

    consent_exempt = True

    @extend_schema(responses=AuthorizationSerializer(many=True), tags=TAGS)
    def get(self, request):
        return Response(selectors.authorizations_for_user(user=request.user))


class AuthorizationDetailView(APIView):
    """Revoke a partner app: every token it holds for you stops working."""

    consent_exempt = True

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, application_id: int):
        if not services.authorization_revoke(user=request.user, application_id=application_id):
            raise NotFound(_("You have not authorized this partner."))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- For partners (OAuth 2 or a session token) ---------------------------------------------


class PartnerAPIView(RateLimitHeaders, APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [PartnerScope]
    throttle_classes = [PartnerRateThrottle]


class PartnerActivityUpsertView(PartnerAPIView):
    """Create an activity for the athlete, or update it when your `external_id` is known."""

    required_scope = "activities:write"
    parser_classes = [JSONParser]

    @extend_schema(
        request=PartnerActivityInputSerializer,
        responses={201: PartnerActivitySerializer, 200: PartnerActivitySerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=TAGS,
        description="Scope activities:write. Idempotency-Key is required. 201 when created, "
        "200 when your external_id was known (updated) or the same workout was already there.",
    )
    @idempotency_required
    def post(self, request):
        serializer = PartnerActivityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        external_id = fields.pop("external_id")
        recorded = services.activity_upsert(
            partner=request.partner, owner=request.user, external_id=external_id, fields=fields
        )
        return Response(
            PartnerActivitySerializer(recorded.activity).data,
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )


class PartnerActivityDetailView(PartnerAPIView):
    """One of the athlete's activities."""

    required_scope = "activities:read"

    @extend_schema(
        responses=PartnerActivitySerializer, tags=TAGS, description="Scope activities:read."
    )
    def get(self, request, activity_id: int):
        activity = training_selectors.activity_owned(owner=request.user, activity_id=activity_id)
        if activity is None:
            raise NotFound(_("No such activity."))
        return Response(PartnerActivitySerializer(activity).data)


class PartnerUploadView(PartnerAPIView):
    """Upload a workout file into the same import pipeline as the athlete's own uploads."""

    required_scope = "activities:write"
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": PartnerUploadInputSerializer},
        responses={202: PartnerUploadAcceptedSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=TAGS,
        description="Scope activities:write. Idempotency-Key is required. The file is parsed "
        "in the background; the activity.created webhook (or the changes feed) tells you when.",
    )
    @idempotency_required
    def post(self, request):
        serializer = PartnerUploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = services.activity_file_upload(
            owner=request.user, file=serializer.validated_data["file"]
        )
        return Response(
            {
                "id": upload.pk,
                "status": upload.status,
                "status_url": f"/api/v1/uploads/{upload.pk}/",
            },
            status=status.HTTP_202_ACCEPTED,
        )


class ChangesView(RateLimitHeaders, GenericAPIView):
    """The changes feed: the latest change of each object you may see, oldest first, with
    tombstones (`action: delete`). Keep the last `next` cursor and poll it to heal missed
    webhooks."""

    authentication_classes = AUTHENTICATION
    permission_classes = [PartnerScope]
    throttle_classes = [PartnerRateThrottle]
    required_scope = "activities:read"
    allow_client_credentials = True
    pagination_class = BySeq
    serializer_class = ChangeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Change.objects.none()
        request = self.request
        token_user = request.user if request.user and request.user.is_authenticated else None
        if token_user is not None:
            return selectors.changes_for_users(user_ids={token_user.pk})
        token = request.auth
        users = selectors.authorized_user_ids(
            application_id=token.application_id, scope="activities:read"
        )
        if request.partner_environment == Environment.SANDBOX:
            users |= set(request.partner.sandbox_athletes.values_list("user_id", flat=True))
        return selectors.changes_for_users(user_ids=users)

    @extend_schema(
        responses=ChangeSerializer(many=True),
        tags=TAGS,
        description="Scope activities:read; a user token sees that athlete's changes, a "
        "client-credentials token those of every athlete who authorized you.",
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ChangeSerializer(page, many=True).data)
