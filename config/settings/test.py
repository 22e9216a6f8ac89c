"""pytest: fast, deterministic, embedded unless CI exports the real services' URLs."""

import os
import re

# Under pytest-xdist each worker gets its own database (pytest-django appends _gwN) and, here,
# its own Redis db for the cache, the channel layer and the broker: one worker's cache.clear()
# or a real Celery worker's queue must never reach another's. Set in the environment before
# the base settings read it, so the Celery workers that tests start inherit it.
_xdist = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist.startswith("gw"):
    _db = 1 + int(_xdist[2:])
    for _name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        if os.environ.get(_name, "").startswith("redis"):
            os.environ[_name] = re.sub(
                r"(redis://[^/]+)(/\d*)?$", rf"\g<1>/{_db}", os.environ[_name]
            )

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import env  # noqa: E402

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["default"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
# A test with a real worker process that reads stored files (tests/devices/test_real_worker)
# points both processes at one folder.
if env("TEST_MEDIA_ROOT", default=""):
    STORAGES["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("TEST_MEDIA_ROOT")},
    }
# Tests run tasks eagerly unless a test asks for the real worker (tests/core/test_real_stack).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
LOG_LEVEL = env("LOG_LEVEL", default="WARNING")
LOGGING["root"]["level"] = LOG_LEVEL
LOGGING["handlers"]["console"]["formatter"] = "plain"
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "1000/min", "user": "1000/min"}
ANALYTICS_BUFFER_SIZE = 50
WHITENOISE_AUTOREFRESH = True  # no collected static in tests
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # http://127.0.0.1 and the test client
# A second alias on the same database (a TEST MIRROR) exercises the read-replica router
# (apps.core.db_router) without a second server; CI may point DATABASE_REPLICA_URL elsewhere.
if "replica" not in DATABASES:
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["apps.core.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(1, "apps.core.db_router.ReplicaRequestMiddleware")
else:
    DATABASES["replica"].setdefault("TEST", {"MIRROR": "default"})
# The mirror is a second connection: it cannot see a test's uncommitted transaction, and tests
# that do not list it may not use it. Marked reads use it only in tests that turn this on
# (tests/ops/test_replica_selectors.py: transactional, both aliases).
DATABASE_REPLICA_READS = False
