from allauth.account.models import EmailAddress
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import services
from apps.accounts.api.serializers import MeOutputSerializer, MeUpdateInputSerializer


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

    @extend_schema(responses=MeOutputSerializer, tags=["me"])
    def get(self, request):
        return Response(_me_payload(request.user))

    @extend_schema(request=MeUpdateInputSerializer, responses=MeOutputSerializer, tags=["me"])
    def patch(self, request):
        serializer = MeUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **serializer.validated_data)
        return Response(_me_payload(user))
