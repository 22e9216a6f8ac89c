"""`make run`: a developer's machine, embedded services unless URLs are given."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Daphne makes `runserver` an ASGI server: HTTP and websockets on one port for `make run`.
INSTALLED_APPS = ["daphne", *INSTALLED_APPS]
WHITENOISE_USE_FINDERS = True
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # http://127.0.0.1 and the test client
