from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class UploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("A FIT, GPX or TCX file (gzipped or not), or a Strava or Garmin export zip."),
        allow_empty_file=True,  # the service says why an empty file is refused
    )


class UploadListQuerySerializer(serializers.Serializer):
    archive = serializers.IntegerField(required=False, min_value=1)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class UploadActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    sport = serializers.CharField()
    start_time = serializers.DateTimeField()
    url = serializers.CharField()


class ArchiveFilesSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    failed = serializers.IntegerField()


class UploadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["file", "archive"])
    size = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=["queued", "processing", "done", "duplicate", "failed"]
    )
    status_display = serializers.CharField()
    reason = ReasonSerializer(allow_null=True)
    activity = UploadActivitySerializer(allow_null=True)
    duplicate_of = UploadActivitySerializer(allow_null=True)
    archive = serializers.IntegerField(allow_null=True, help_text=_("The archive it came from."))
    files = ArchiveFilesSerializer(allow_null=True, help_text=_("For an archive: its files."))
    created = serializers.DateTimeField()
    finished = serializers.DateTimeField(allow_null=True)
