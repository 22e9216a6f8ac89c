from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.pagination import CursorPagination
from apps.gear import selectors, services
from apps.gear.api.serializers import (
    AttributionInputSerializer,
    BrandSerializer,
    GearActivitySerializer,
    GearInputSerializer,
    GearSerializer,
    ImportReportSerializer,
    ProductQuerySerializer,
    ProductSerializer,
    SuggestionSerializer,
)
from apps.gear.exceptions import FeedTooLarge
from apps.gear.models import Brand, Gear, GearActivity, ImportReport, Product


class ByName(CursorPagination):
    ordering = ("name",)


class ById(CursorPagination):
    ordering = ("id",)


class ByStartTime(CursorPagination):
    ordering = ("-start_time", "-activity_id")


def _mine(request, gear_id: int) -> Gear:
    gear = selectors.gear_get(owner=request.user, gear_id=gear_id)
    if gear is None:
        raise NotFound(_("No such gear."))
    return gear


def _input(request, *, partial: bool) -> dict:
    serializer = GearInputSerializer(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    if "product" in data:
        data["product_id"] = data.pop("product")
    return data


class GearListView(GenericAPIView):
    """Your gear, newest first (GET); add gear from the catalog or your own (POST)."""

    serializer_class = GearSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Gear.objects.none()
        return selectors.gear_list(owner=self.request.user)

    @extend_schema(responses=GearSerializer(many=True), tags=["gear"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(GearSerializer(page, many=True).data)

    @extend_schema(
        request=GearInputSerializer,
        responses={201: GearSerializer},
        tags=["gear"],
        description="Errors: GEAR_INVALID (400) for an unknown product, a custom gear without "
        "a name or category.",
    )
    def post(self, request):
        gear = services.gear_create(owner=request.user, **_input(request, partial=False))
        return Response(
            GearSerializer(_mine(request, gear.pk)).data, status=status.HTTP_201_CREATED
        )


class GearDetailView(APIView):
    """One piece of your gear (GET), changed (PATCH) or removed with its history (DELETE)."""

    @extend_schema(responses=GearSerializer, tags=["gear"])
    def get(self, request, gear_id: int):
        return Response(GearSerializer(_mine(request, gear_id)).data)

    @extend_schema(request=GearInputSerializer, responses=GearSerializer, tags=["gear"])
    def patch(self, request, gear_id: int):
        gear = _mine(request, gear_id)
        data = _input(request, partial=True)
        for fixed in ("product_id", "category"):
            data.pop(fixed, None)
        services.gear_update(gear=gear, **data)
        return Response(GearSerializer(_mine(request, gear_id)).data)

    @extend_schema(responses={204: None}, tags=["gear"])
    def delete(self, request, gear_id: int):
        services.gear_delete(gear=_mine(request, gear_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class GearRetireView(APIView):
    """Retire gear: it keeps its history and gets no new activities."""

    @extend_schema(request=None, responses=GearSerializer, tags=["gear"])
    def post(self, request, gear_id: int):
        services.gear_retire(gear=_mine(request, gear_id))
        return Response(GearSerializer(_mine(request, gear_id)).data)


class GearReactivateView(APIView):
    """Take retired gear back into use."""

    @extend_schema(request=None, responses=GearSerializer, tags=["gear"])
    def post(self, request, gear_id: int):
        services.gear_reactivate(gear=_mine(request, gear_id))
        return Response(GearSerializer(_mine(request, gear_id)).data)


class GearRecomputeView(APIView):
    """Rebuild the gear's distance and time from its activities."""

    @extend_schema(request=None, responses=GearSerializer, tags=["gear"])
    def post(self, request, gear_id: int):
        services.gear_recompute(gear=_mine(request, gear_id))
        return Response(GearSerializer(_mine(request, gear_id)).data)


class GearActivitiesView(GenericAPIView):
    """The activities done in this gear, newest first."""

    serializer_class = GearActivitySerializer
    pagination_class = ByStartTime

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GearActivity.objects.none()
        return selectors.gear_activities(gear=_mine(self.request, self.kwargs["gear_id"]))

    @extend_schema(responses=GearActivitySerializer(many=True), tags=["gear"])
    def get(self, request, gear_id: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(GearActivitySerializer(page, many=True).data)


class GearSuggestionsView(APIView):
    """Similar products available in your region to replace this gear."""

    @extend_schema(responses=SuggestionSerializer(many=True), tags=["gear"])
    def get(self, request, gear_id: int):
        gear = _mine(request, gear_id)
        found = selectors.replacement_suggestions(user=request.user, gear=gear, limit=10)
        return Response(SuggestionSerializer(found, many=True).data)


class AttributionView(APIView):
    """Say which of your gear an activity was done in (or none)."""

    @extend_schema(
        request=AttributionInputSerializer,
        responses={200: AttributionInputSerializer},
        tags=["gear"],
        description="Errors: NOT_FOUND (404) for an activity that is not yours, GEAR_INVALID "
        "(400) for gear that is not yours.",
    )
    def put(self, request, activity_id: int):
        serializer = AttributionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        gear_id = serializer.validated_data["gear"]
        services.gear_attribute(owner=request.user, activity_id=activity_id, gear_id=gear_id)
        return Response({"gear": gear_id})


class BrandListView(GenericAPIView):
    """Brands in the catalog (public)."""

    permission_classes = [AllowAny]
    serializer_class = BrandSerializer
    pagination_class = ByName

    def get_queryset(self):
        return (
            Brand.objects.all()
            if getattr(self, "swagger_fake_view", False)
            else (selectors.brand_list())
        )

    @extend_schema(responses=BrandSerializer(many=True), tags=["catalog"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(BrandSerializer(page, many=True).data)


class ProductListView(GenericAPIView):
    """Products in the catalog (public), filtered by category, brand, text or region."""

    permission_classes = [AllowAny]
    serializer_class = ProductSerializer
    pagination_class = ById

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        query = ProductQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        return selectors.product_list(
            category=v.get("category"),
            brand_id=v.get("brand"),
            query=v.get("q"),
            region=v.get("region"),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("category", str),
            OpenApiParameter("brand", int),
            OpenApiParameter("q", str, description="Text in the name or brand, or a SKU."),
            OpenApiParameter("region", str, description="Only products offered there (DE)."),
        ],
        responses=ProductSerializer(many=True),
        tags=["catalog"],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProductSerializer(page, many=True).data)


class ProductDetailView(APIView):
    """One product with its offers per region (public)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=ProductSerializer, tags=["catalog"])
    def get(self, request, product_id: int):
        product = selectors.product_get(product_id=product_id)
        if product is None:
            raise NotFound(_("No such product."))
        return Response(ProductSerializer(product).data)


class FeedView(APIView):
    """The e-commerce system pushes its product feed here (JSON), signed with a partner key."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request={"application/json": dict},
        responses={202: ImportReportSerializer},
        parameters=[
            OpenApiParameter("X-Stride-Key", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(
                "X-Stride-Timestamp",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="Unix seconds; refused outside the replay window.",
            ),
            OpenApiParameter(
                "X-Stride-Signature",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="hex HMAC-SHA256 of '<timestamp>.<raw body>' with the key's secret.",
            ),
            OpenApiParameter("full", bool, description="Products missing become unavailable."),
        ],
        tags=["catalog"],
        description="Errors: FEED_SIGNATURE_INVALID (401), FEED_REQUEST_EXPIRED (401), "
        "FEED_TOO_LARGE (413).",
    )
    def post(self, request):
        # Read past DATA_UPLOAD_MAX_MEMORY_SIZE (a catalog is bigger than a form) up to our
        # own limit; the signature needs the raw bytes anyway.
        raw, limit = request._request, settings.GEAR_FEED_MAX_BYTES
        if int(raw.META.get("CONTENT_LENGTH") or 0) > limit:
            raise FeedTooLarge()
        body = raw.read(limit + 1)
        if len(body) > limit:
            raise FeedTooLarge()
        services.feed_request_verify(
            key_id=request.headers.get("X-Stride-Key", ""),
            timestamp=request.headers.get("X-Stride-Timestamp", ""),
            signature=request.headers.get("X-Stride-Signature", ""),
            body=body,
        )
        full = request.query_params.get("full") in ("1", "true")
        report = services.catalog_import_start(
            source=ImportReport.Source.API, content=body, full=full
        )
        report.refresh_from_db()
        return Response(ImportReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)
