from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    language = serializers.CharField()
    date_joined = serializers.DateTimeField()
    email_verified = serializers.BooleanField()


class MeUpdateInputSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=[("", _("Follow the device")), *settings.LANGUAGES], required=False
    )
