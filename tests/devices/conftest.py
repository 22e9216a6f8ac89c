import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.devices import services


@pytest.fixture
def upload(user, django_capture_on_commit_callbacks):
    """`upload(data, name)` → the Upload after its job ran (tasks are eager in tests)."""

    def make(data: bytes, name: str = "run.fit", owner=None):
        with django_capture_on_commit_callbacks(execute=True):
            result = services.upload_file(owner=owner or user, file=SimpleUploadedFile(name, data))
        result.refresh_from_db()
        return result

    return make
