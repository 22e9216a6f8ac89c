from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import (
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import selectors as accounts_selectors
from apps.accounts.api.permissions import ConsentsGiven
from apps.core.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from apps.core.api.pagination import CursorPagination
from apps.training import presenters, progress, routes, selectors, services
from apps.training.api.serializers import (
    ActivityDetailSerializer,
    ActivitySourceSerializer,
    ActivitySummarySerializer,
    ActivityUpdateInputSerializer,
    ManualActivityInputSerializer,
    NearbyQuerySerializer,
    ProgressSerializer,
    RouteCreateInputSerializer,
    RouteDetailSerializer,
    RouteSerializer,
    RouteUpdateInputSerializer,
    StreamsOutputSerializer,
    StreamsQuerySerializer,
)
from apps.training.models import Activity, Route, Sport

# Shared activities can be read by anyone (a public run linked from a club's site); signed-in
# readers still need their consents, like everywhere else.
READ_BY_ANYONE = [AllowAny, ConsentsGiven]


class ActivityPagination(CursorPagination):
    ordering = ("-start_time", "-id")


def _units(user) -> str:
    if user is None or not user.is_authenticated:
        return "metric"
    return accounts_selectors.profile_for(user=user).units


def _filtered(request, qs):
    sport = request.query_params.get("sport")
    if sport:
        if sport not in Sport.values:
            raise NotFound(_("Unknown sport."))
        qs = qs.filter(sport=sport)
    return qs


class ActivityListView(GenericAPIView):
    """Your activities, newest first (GET); record one typed in by hand (POST)."""

    pagination_class = ActivityPagination
    serializer_class = ActivitySummarySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        return _filtered(self.request, selectors.activity_list(owner=self.request.user))

    @extend_schema(
        parameters=[OpenApiParameter("sport", str, enum=Sport.values)],
        responses=ActivitySummarySerializer(many=True),
        tags=["activities"],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        rules = selectors.ViewerRules(True, frozenset(), None)
        return self.get_paginated_response(
            ActivitySummarySerializer(
                [presenters.activity_summary(a, rules) for a in page], many=True
            ).data
        )

    @extend_schema(
        request=ManualActivityInputSerializer,
        responses={201: ActivityDetailSerializer, 200: ActivityDetailSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["activities"],
        description=(
            "A typed-in activity. Figures are checked per sport (duration, distance, pace). "
            "The same workout already recorded (same sport, overlapping time) answers 200 "
            "with the existing activity instead of creating a second one."
        ),
    )
    @idempotent
    def post(self, request):
        serializer = ManualActivityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        recorded = services.record_manual_activity(owner=request.user, **data)
        rules = selectors.ViewerRules(True, frozenset(), None)
        return Response(
            ActivityDetailSerializer(
                presenters.activity_detail(recorded.activity, rules, units=_units(request.user))
            ).data,
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )


class UserActivityListView(GenericAPIView):
    """The activities of one person that you may see (signed-in people only: single public
    activities can be linked to, whole histories are not for crawlers)."""

    pagination_class = ActivityPagination
    serializer_class = ActivitySummarySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        return _filtered(
            self.request,
            selectors.visible_activities(viewer=self.request.user, owner_id=self.kwargs["user_id"]),
        )

    @extend_schema(responses=ActivitySummarySerializer(many=True), tags=["activities"])
    def get(self, request, user_id: int):
        page = self.paginate_queryset(self.get_queryset())
        rules = None
        out = []
        for activity in page:
            if rules is None:  # one owner: the same rules for every entry
                rules = selectors.viewer_rules(viewer=request.user, activity=activity)
            out.append(presenters.activity_summary(activity, rules))
        return self.get_paginated_response(ActivitySummarySerializer(out, many=True).data)


def _visible(request, activity_id: int) -> Activity:
    activity = selectors.activity_get(viewer=request.user, activity_id=activity_id)
    if activity is None:
        if not request.user.is_authenticated:  # it may be shared with them once signed in
            raise NotAuthenticated()
        raise NotFound(_("No such activity, or it is not shared with you."))
    return activity


def _owned(request, activity_id: int) -> Activity:
    activity = _visible(request, activity_id)
    if activity.owner_id != request.user.pk:
        raise PermissionDenied(_("Only its owner can change an activity."))
    return activity


class ActivityDetailView(APIView):
    """One activity, as you may see it (hidden fields and privacy zones applied)."""

    def get_permissions(self):
        if self.request.method == "GET":
            return [p() for p in READ_BY_ANYONE]
        return [IsAuthenticated(), ConsentsGiven()]

    @extend_schema(responses=ActivityDetailSerializer, tags=["activities"])
    def get(self, request, activity_id: int):
        activity = _visible(request, activity_id)
        rules = selectors.viewer_rules(viewer=request.user, activity=activity)
        return Response(
            ActivityDetailSerializer(
                presenters.activity_detail(activity, rules, units=_units(request.user))
            ).data
        )

    @extend_schema(
        request=ActivityUpdateInputSerializer,
        responses=ActivityDetailSerializer,
        tags=["activities"],
    )
    def patch(self, request, activity_id: int):
        activity = _owned(request, activity_id)
        serializer = ActivityUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        activity = services.update_activity(activity=activity, **serializer.validated_data)
        rules = selectors.ViewerRules(True, frozenset(), None)
        return Response(
            ActivityDetailSerializer(
                presenters.activity_detail(activity, rules, units=_units(request.user))
            ).data
        )

    @extend_schema(request=None, responses={204: None}, tags=["activities"])
    def delete(self, request, activity_id: int):
        services.delete_activity(activity=_owned(request, activity_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivitySourcesView(APIView):
    """Where your activity came from: each file, platform or typed entry, the primary (best)
    first, with what each brought (streams or a summary only) and gave to the activity."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ActivitySourceSerializer(many=True), tags=["activities"])
    def get(self, request, activity_id: int):
        activity = _owned(request, activity_id)
        return Response(
            ActivitySourceSerializer(presenters.activity_sources(activity), many=True).data
        )


class ActivityStreamsView(APIView):
    """The samples of an activity, optionally fewer of them; for others without the parts
    inside the owner's privacy zones, and with time and distance counted from the first
    sample shown."""

    permission_classes = READ_BY_ANYONE

    @extend_schema(
        parameters=[StreamsQuerySerializer], responses=StreamsOutputSerializer, tags=["activities"]
    )
    def get(self, request, activity_id: int):
        activity = _visible(request, activity_id)
        query = StreamsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rules = selectors.viewer_rules(viewer=request.user, activity=activity)
        data = selectors.activity_streams(
            activity=activity,
            rules=rules,
            keys=query.validated_data.get("keys"),
            resolution=query.validated_data.get("resolution", 0),
        )
        samples = len(next(iter(data.values()))) if data else 0
        return Response({"samples": samples, "streams": data})


class ActivityGpxView(APIView):
    """The track as GPX 1.1 for a watch or a map (privacy zones applied for others)."""

    permission_classes = READ_BY_ANYONE

    @extend_schema(responses={(200, "application/gpx+xml"): OpenApiTypes.STR}, tags=["activities"])
    def get(self, request, activity_id: int):
        activity = _visible(request, activity_id)
        rules = selectors.viewer_rules(viewer=request.user, activity=activity)
        response = HttpResponse(
            presenters.activity_gpx(activity, rules), content_type="application/gpx+xml"
        )
        response["Content-Disposition"] = f'attachment; filename="stride-{activity.pk}.gpx"'
        return response


class ActivityCsvView(APIView):
    """All your activities as CSV, one row each."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR}, tags=["activities"])
    def get(self, request):
        activities = selectors.activity_list(owner=request.user).iterator(chunk_size=500)
        response = StreamingHttpResponse(
            presenters.activities_csv(activities), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="stride-activities.csv"'
        return response


class ProgressView(APIView):
    """Your totals this week, month or year per sport against the period before, your
    personal records, and fitness, fatigue and form over the last 90 days."""

    @extend_schema(
        parameters=[OpenApiParameter("period", str, enum=list(progress.PERIODS))],
        responses=ProgressSerializer,
        tags=["progress"],
    )
    def get(self, request):
        kind = request.query_params.get("period", "week")
        if kind not in progress.PERIODS:
            raise ValidationError({"period": [_("Choose week, month or year.")]})
        data = progress.summary(owner=request.user, kind=kind)
        data["records"] = [
            {
                "distance": e.distance,
                "elapsed_s": e.elapsed_s,
                "achieved_at": e.achieved_at,
                "activity_id": e.activity_id,
            }
            for e in selectors.personal_records(owner=request.user)
        ]
        return Response(ProgressSerializer(data).data)


# --- Routes ----------------------------------------------------------------------------------


def _route_payload(route, viewer, *, detail: bool = False) -> dict:
    data = {
        "id": route.pk,
        "owner": {"id": route.owner_id},
        "name": route.name,
        "tags": route.tags,
        "sport": route.sport,
        "visibility": route.visibility,
        "distance_m": route.distance_m,
        "elevation_gain_m": route.elevation_gain_m,
        "center": [round(route.center_lat, 3), round(route.center_lng, 3)],
        "created": route.created,
    }
    if detail:
        data["path"] = [
            [list(p) for p in run] for run in routes.route_points(route=route, viewer=viewer)
        ]
    return data


class RouteListView(GenericAPIView):
    """Your routes (GET); save one from your activity or a GPX file (POST, multipart)."""

    serializer_class = RouteSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Route.objects.none()
        return routes.routes_of(owner=self.request.user)

    @extend_schema(responses=RouteSerializer(many=True), tags=["routes"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            RouteSerializer([_route_payload(r, request.user) for r in page], many=True).data
        )

    @extend_schema(
        request=RouteCreateInputSerializer, responses={201: RouteDetailSerializer}, tags=["routes"]
    )
    def post(self, request):
        serializer = RouteCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "activity_id" in data:
            activity = selectors.activity_owned(
                owner=request.user, activity_id=data.pop("activity_id")
            )
            if activity is None:
                raise NotFound(_("No such activity of yours."))
            route = routes.route_from_activity(owner=request.user, activity=activity, **data)
        else:
            route = routes.route_from_gpx(owner=request.user, upload=data.pop("gpx"), **data)
        return Response(
            RouteDetailSerializer(_route_payload(route, request.user, detail=True)).data,
            status=status.HTTP_201_CREATED,
        )


class RoutesNearbyView(GenericAPIView):
    """Public routes whose middle lies within `radius_km` of a place."""

    serializer_class = RouteSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Route.objects.none()
        query = NearbyQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return routes.routes_near(**query.validated_data)

    @extend_schema(
        parameters=[NearbyQuerySerializer], responses=RouteSerializer(many=True), tags=["routes"]
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            RouteSerializer([_route_payload(r, request.user) for r in page], many=True).data
        )


def _route_visible(request, route_id: int):
    route = routes.route_get(viewer=request.user, route_id=route_id)
    if route is None:
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        raise NotFound(_("No such route, or it is not shared with you."))
    return route


def _route_owned(request, route_id: int):
    route = _route_visible(request, route_id)
    if route.owner_id != request.user.pk:
        raise PermissionDenied(_("Only its owner can change a route."))
    return route


class RouteDetailView(APIView):
    """One route with its path (privacy zones applied for others); rename, tag, share, delete."""

    def get_permissions(self):
        if self.request.method == "GET":
            return [p() for p in READ_BY_ANYONE]
        return [IsAuthenticated(), ConsentsGiven()]

    @extend_schema(responses=RouteDetailSerializer, tags=["routes"])
    def get(self, request, route_id: int):
        route = _route_visible(request, route_id)
        return Response(
            RouteDetailSerializer(_route_payload(route, request.user, detail=True)).data
        )

    @extend_schema(
        request=RouteUpdateInputSerializer, responses=RouteDetailSerializer, tags=["routes"]
    )
    def patch(self, request, route_id: int):
        route = _route_owned(request, route_id)
        serializer = RouteUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        route = routes.route_update(route=route, **serializer.validated_data)
        return Response(
            RouteDetailSerializer(_route_payload(route, request.user, detail=True)).data
        )

    @extend_schema(request=None, responses={204: None}, tags=["routes"])
    def delete(self, request, route_id: int):
        routes.route_delete(route=_route_owned(request, route_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RouteGpxView(APIView):
    """The route as GPX 1.1 for a watch or a bike computer."""

    permission_classes = READ_BY_ANYONE

    @extend_schema(responses={(200, "application/gpx+xml"): OpenApiTypes.STR}, tags=["routes"])
    def get(self, request, route_id: int):
        route = _route_visible(request, route_id)
        response = HttpResponse(
            routes.route_gpx(route=route, viewer=request.user), content_type="application/gpx+xml"
        )
        response["Content-Disposition"] = f'attachment; filename="stride-route-{route.pk}.gpx"'
        return response
