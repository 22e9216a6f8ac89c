"""Settings shared by every mode.

Two runtime modes (ARCHITECTURE.md): with no DATABASE_URL / REDIS_URL / CELERY_BROKER_URL the
project runs embedded (SQLite, local-memory cache, in-memory channel layer, eager Celery);
with them it runs on PostgreSQL, Redis and a real broker. The same code runs in both.
"""

from datetime import timedelta

from celery.schedules import crontab
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

from config.settings.env import BASE_DIR, env

# --- Core -------------------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_ID = 1
SITE_NAME = "Stride"
SITE_URL = env("STRIDE_SITE_URL", default="http://127.0.0.1:8000")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DJANGO_APPS = [
    "apps.accounts.admin_config.StrideAdminConfig",  # django.contrib.admin behind allauth + 2FA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "waffle",
    "django_prometheus",
    "csp",
    "django_htmx",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "allauth.headless",
    "allauth.usersessions",
    "oauth2_provider",
]
LOCAL_APPS = [
    "apps.core",
    "apps.notifications",
    "apps.accounts",
    "apps.training",
    "apps.devices",
    "apps.challenges",
    "apps.gear",
    "apps.groups",
    "apps.partners",
    "apps.promos",
    "apps.experiments",
    "apps.recommendations",
    "config.wiring.WiringConfig",  # connects apps beside each other in the layers; keep last
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "apps.core.middleware.RequestIdMiddleware",
    "apps.core.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "apps.accounts.middleware.RetryAfterMiddleware",
    "apps.accounts.middleware.ConsentGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "waffle.middleware.WaffleMiddleware",
    "apps.experiments.web.ExperimentCookieMiddleware",
    "apps.core.analytics.AnalyticsFlushMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Subpackages of an app keep their templates beside them (APP_DIRS finds only the
        # app's own templates/ folder).
        "DIRS": [BASE_DIR / "templates", BASE_DIR / "apps" / "training" / "plans" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "apps.core.context_processors.site",
                "apps.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# Embedded: a SQLite file. Real: PostgreSQL through psycopg 3 with persistent connections
# (without them a one-query view fell from ~1,540 to ~240 req/s on this hardware).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
USES_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# Under ASGI (the websocket process) a request may run in a new thread each time, so persistent
# connections pile up instead of being reused: that process sets DATABASE_POOL_MAX_SIZE and
# uses psycopg's pool (bench/README.md measured both).
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=0)
if USES_POSTGRES and DATABASE_POOL_MAX_SIZE:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses a pool with persistent connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_MAX_SIZE,
        "timeout": 10,
    }
elif USES_POSTGRES:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions

# --- Redis: cache, channel layer, broker -------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="stride"),
        }
    }
    # The channel layer is channels_redis' pub/sub layer: a group send is one PUBLISH, and each
    # process subscribed to the group fans it out to its own sockets in memory. The list-based
    # core layer reads one message per Redis round trip into ONE list per process with a
    # capacity that silently drops messages once a process is behind (bench/README.md §10:
    # 2,000 chat sockets lost 7,878 of 40,000 messages on it, none on pub/sub, p50 4.1 s vs
    # 495 ms). Chat stores every message before broadcasting it and clients resume after their
    # last id, so pub/sub's at-most-once delivery loses nothing a client cannot fetch again.
    # CHANNEL_LAYER=core keeps the list layer (its redis-py pool and timeouts tuned: a bigger
    # pool and a socket timeout above its 5 s blocking pop, channels_redis issue 422).
    if env("CHANNEL_LAYER", default="pubsub") == "core":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": [
                        {
                            "address": REDIS_URL,
                            "max_connections": env.int(
                                "CHANNEL_LAYER_MAX_CONNECTIONS", default=2000
                            ),
                            "socket_timeout": 30,
                            "socket_connect_timeout": 5,
                            "health_check_interval": 30,
                        }
                    ],
                    "capacity": env.int("CHANNEL_LAYER_CAPACITY", default=5000),
                    "expiry": 30,
                    "prefix": "stride:ch",
                },
            }
        }
    else:
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [REDIS_URL], "prefix": "stride:ch"},
            }
        }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# Embedded mode has no broker: tasks run in-process, at once (still after commit).
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ("default", "sync", "notifications", "ml")
# With acks_late an unacked message is redelivered after the visibility timeout; no ETA or
# countdown may be longer than this (apps.core.tasks.bounded_countdown enforces it).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "core-purge-idempotency-keys": {"task": "core.purge_idempotency_keys", "schedule": 3600.0},
    "accounts-erase-due-accounts": {"task": "accounts.erase_due_accounts", "schedule": 900.0},
    "accounts-purge-expired-exports": {
        "task": "accounts.data_export_purge_expired",
        "schedule": 3600.0,
    },
    # Hourly: a plan week ends at midnight in each athlete's own time zone.
    "training-plans-adapt-due": {"task": "training.plans_adapt_due", "schedule": 3600.0},
    # Deliveries whose quiet hours ended, retries that came due, tasks that were lost.
    "notifications-release-due": {
        "task": "notifications.deliveries_release_due",
        "schedule": 60.0,
    },
    "notifications-digest-daily": {
        "task": "notifications.digests_send",
        "schedule": crontab(hour=7, minute=0),
        "kwargs": {"period": "daily"},
    },
    "notifications-digest-weekly": {
        "task": "notifications.digests_send",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
        "kwargs": {"period": "weekly"},
    },
    # Uploads left "processing" by a worker that died are queued again (or failed).
    "devices-requeue-stuck-uploads": {"task": "devices.requeue_stuck_uploads", "schedule": 300.0},
    # Webhook retries that came due (and first tries a lost task left behind).
    "partners-deliveries-dispatch": {"task": "partners.deliveries_dispatch", "schedule": 30.0},
    # Provider webhook events due for a retry (or lost by a dead worker), and the nightly
    # reconciliation that lists recent activities at providers that allow it.
    "devices-webhook-events-release-due": {
        "task": "devices.webhook_events_release_due",
        "schedule": 60.0,
    },
    "devices-connections-reconcile": {
        "task": "devices.connections_reconcile",
        "schedule": crontab(hour=3, minute=20),
    },
    # Promos: old loyalty points expire nightly; news feeds are read every half hour.
    "promos-points-expire": {
        "task": "promos.points_expire",
        "schedule": crontab(hour=3, minute=15),
    },
    "promos-news-import": {"task": "promos.news_import_all", "schedule": 1800.0},
}
# Which adapter adjusts plan weeks (apps.training.plans.adaptation); "rules" is built in.
TRAINING_PLAN_ADAPTER = env("TRAINING_PLAN_ADAPTER", default="rules")

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# allauth: email is the login; verification is mandatory on the web and in the headless API.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# One address per person: a new one replaces the old only once it is verified, and the old
# address is told about changes of e-mail and password.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Stride] "
ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "apps.accounts.forms.SignupForm"}
# Proxies in front of the app that append to X-Forwarded-For (the ingress: 1). Rate limits and
# consent records use the client address this yields; 0 trusts no header.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Days between a request to delete an account and its erasure; the person can cancel meanwhile.
ACCOUNT_DELETION_GRACE_DAYS = env.int("ACCOUNT_DELETION_GRACE_DAYS", default=14)
# Largest data export archive (from another Stride) a person may upload to import.
DATA_IMPORT_MAX_BYTES = env.int("DATA_IMPORT_MAX_BYTES", default=256 * 1024 * 1024)
# Workout file import (apps.devices): one uploaded file (FIT/GPX/TCX, gzipped, or an archive),
# one file once gunzipped, and archives (Strava / Garmin exports): the sum of the unpacked
# sizes, how many files, and how deep zips nest in zips.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=64 * 1024 * 1024)
UPLOAD_MAX_UNCOMPRESSED_BYTES = env.int("UPLOAD_MAX_UNCOMPRESSED_BYTES", default=128 * 1024 * 1024)
UPLOAD_ARCHIVE_MAX_BYTES = env.int("UPLOAD_ARCHIVE_MAX_BYTES", default=256 * 1024 * 1024)
UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_BYTES = env.int(
    "UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_BYTES", default=4 * 1024 * 1024 * 1024
)
UPLOAD_ARCHIVE_MAX_FILES = env.int("UPLOAD_ARCHIVE_MAX_FILES", default=10_000)
UPLOAD_ARCHIVE_MAX_DEPTH = 2
# Seconds one file may take to process (Celery soft limit; the hard limit is 30 s more), and
# minutes after which an upload still "processing" is taken as stuck.
UPLOAD_TIME_LIMIT_S = env.int("UPLOAD_TIME_LIMIT_S", default=120)
# Signed partner feed requests older (or newer) than this are refused as replays.
GEAR_FEED_REPLAY_WINDOW_S = env.int("GEAR_FEED_REPLAY_WINDOW_S", default=300)
# Largest product feed the partner endpoint reads (a full 50,000-product feed is ~20 MB).
GEAR_FEED_MAX_BYTES = env.int("GEAR_FEED_MAX_BYTES", default=64 * 1024 * 1024)
UPLOAD_STUCK_MINUTES = env.int("UPLOAD_STUCK_MINUTES", default=15)
# --- Provider connections and webhooks (apps.devices.providers) ---------------------------
# Seconds one call to a provider may take; largest webhook body read; attempts per event
# before it is left "failed for good" (replayable in the admin); provider failures in a row
# that open its circuit breaker, and for how long it stays open.
DEVICES_HTTP_TIMEOUT_S = env.float("DEVICES_HTTP_TIMEOUT_S", default=10.0)
DEVICES_WEBHOOK_MAX_BYTES = env.int("DEVICES_WEBHOOK_MAX_BYTES", default=1024 * 1024)
DEVICES_EVENT_MAX_ATTEMPTS = env.int("DEVICES_EVENT_MAX_ATTEMPTS", default=6)
DEVICES_BREAKER_THRESHOLD = env.int("DEVICES_BREAKER_THRESHOLD", default=5)
DEVICES_BREAKER_COOLDOWN_S = env.int("DEVICES_BREAKER_COOLDOWN_S", default=300)
# How many days back a new connection imports, where the provider allows listing (Fitbit).
DEVICES_BACKFILL_DAYS = env.int("DEVICES_BACKFILL_DAYS", default=30)
# The sandbox provider (no keys; fake consent page and signed webhooks inside Stride). Off in
# production unless switched on.
DEVICES_SANDBOX_ENABLED = env.bool("DEVICES_SANDBOX_ENABLED", default=True)
DEVICES_SANDBOX_WEBHOOK_SECRET = env("DEVICES_SANDBOX_WEBHOOK_SECRET", default="") or (
    "devices-sandbox:" + SECRET_KEY
)
# Strava: the app's client id and secret, the verify token of the webhook subscription and its
# id (events naming another subscription are refused), and the base URL (tests: a fake).
STRAVA_CLIENT_ID = env("STRAVA_CLIENT_ID", default="")
STRAVA_CLIENT_SECRET = env("STRAVA_CLIENT_SECRET", default="")
STRAVA_VERIFY_TOKEN = env("STRAVA_VERIFY_TOKEN", default="")
STRAVA_SUBSCRIPTION_ID = env("STRAVA_SUBSCRIPTION_ID", default="")
STRAVA_BASE_URL = env("STRAVA_BASE_URL", default="https://www.strava.com")
# Polar AccessLink: client id and secret, the webhook's signature secret (given when the webhook
# is created), and the three hosts it uses (tests: a fake).
POLAR_CLIENT_ID = env("POLAR_CLIENT_ID", default="")
POLAR_CLIENT_SECRET = env("POLAR_CLIENT_SECRET", default="")
POLAR_WEBHOOK_SECRET = env("POLAR_WEBHOOK_SECRET", default="")
POLAR_FLOW_URL = env("POLAR_FLOW_URL", default="https://flow.polar.com")
POLAR_REMOTE_URL = env("POLAR_REMOTE_URL", default="https://polarremote.com")
POLAR_API_URL = env("POLAR_API_URL", default="https://www.polaraccesslink.com")
# Garmin Connect Developer Program (OAuth 2 PKCE): client id and secret, and its hosts.
GARMIN_CLIENT_ID = env("GARMIN_CLIENT_ID", default="")
GARMIN_CLIENT_SECRET = env("GARMIN_CLIENT_SECRET", default="")
GARMIN_CONNECT_URL = env("GARMIN_CONNECT_URL", default="https://connect.garmin.com")
GARMIN_AUTH_URL = env("GARMIN_AUTH_URL", default="https://diauth.garmin.com")
GARMIN_API_URL = env("GARMIN_API_URL", default="https://apis.garmin.com")
# Suunto Cloud API: client id and secret, the API subscription key, the notification secret
# that signs webhooks, and its hosts.
SUUNTO_CLIENT_ID = env("SUUNTO_CLIENT_ID", default="")
SUUNTO_CLIENT_SECRET = env("SUUNTO_CLIENT_SECRET", default="")
SUUNTO_SUBSCRIPTION_KEY = env("SUUNTO_SUBSCRIPTION_KEY", default="")
SUUNTO_NOTIFICATION_SECRET = env("SUUNTO_NOTIFICATION_SECRET", default="")
SUUNTO_OAUTH_URL = env("SUUNTO_OAUTH_URL", default="https://cloudapi-oauth.suunto.com")
SUUNTO_API_URL = env("SUUNTO_API_URL", default="https://cloudapi.suunto.com")
# Fitbit Web API (OAuth 2 with PKCE, Subscriptions API): client id and secret (the secret also
# signs notifications), the subscriber's verification code and id from dev.fitbit.com, and
# its two hosts (tests: a fake). Google switched the
# legacy Fitbit Web API off in November 2026: see docs/integrations.md.
FITBIT_CLIENT_ID = env("FITBIT_CLIENT_ID", default="")
FITBIT_CLIENT_SECRET = env("FITBIT_CLIENT_SECRET", default="")
FITBIT_VERIFY_CODE = env("FITBIT_VERIFY_CODE", default="")
FITBIT_SUBSCRIBER_ID = env("FITBIT_SUBSCRIBER_ID", default="")
FITBIT_AUTH_URL = env("FITBIT_AUTH_URL", default="https://www.fitbit.com")
FITBIT_API_URL = env("FITBIT_API_URL", default="https://api.fitbit.com")
# Google Health API (Fitbit's successor; Google OAuth 2.0 with PKCE): the OAuth client's id and
# secret; the subscriber's endpointAuthorization.secret, the whole Authorization header value
# Google sends with every webhook request (e.g. "Bearer <random>"); optionally Google's public
# key (PEM) to check the ECDSA signature header too; the API version and the three hosts
# (tests: a fake). Setting up the subscriber: docs/integrations.md.
GOOGLE_HEALTH_CLIENT_ID = env("GOOGLE_HEALTH_CLIENT_ID", default="")
GOOGLE_HEALTH_CLIENT_SECRET = env("GOOGLE_HEALTH_CLIENT_SECRET", default="")
GOOGLE_HEALTH_WEBHOOK_AUTHORIZATION = env("GOOGLE_HEALTH_WEBHOOK_AUTHORIZATION", default="")
GOOGLE_HEALTH_SIGNING_PUBLIC_KEY = env("GOOGLE_HEALTH_SIGNING_PUBLIC_KEY", default="")
GOOGLE_HEALTH_API_VERSION = env("GOOGLE_HEALTH_API_VERSION", default="v4")
GOOGLE_ACCOUNTS_URL = env("GOOGLE_ACCOUNTS_URL", default="https://accounts.google.com")
GOOGLE_OAUTH_URL = env("GOOGLE_OAUTH_URL", default="https://oauth2.googleapis.com")
GOOGLE_HEALTH_API_URL = env("GOOGLE_HEALTH_API_URL", default="https://health.googleapis.com")
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_SERVE_SPECIFICATION = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Passkeys (WebAuthn) sign a person in without a password, or serve as their second factor.
MFA_PASSKEY_LOGIN_ENABLED = True
# Browsers allow WebAuthn on https and on http://localhost only; production is https.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
USERSESSIONS_TRACK_ACTIVITY = False

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Stride <noreply@stride.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# django-anymail: set EMAIL_BACKEND to e.g. anymail.backends.postmark.EmailBackend and give the
# provider's settings as JSON in ANYMAIL, e.g. {"POSTMARK_SERVER_TOKEN": "…"}.
ANYMAIL = env.json("ANYMAIL", default={})

# --- Notifications ------------------------------------------------------------------------
# Web push (VAPID, RFC 8292): without both keys web push is off. Generate a pair with
# `python manage.py notifications_vapid_keys`.
WEBPUSH_VAPID_PUBLIC_KEY = env("WEBPUSH_VAPID_PUBLIC_KEY", default="")
WEBPUSH_VAPID_PRIVATE_KEY = env("WEBPUSH_VAPID_PRIVATE_KEY", default="")
WEBPUSH_VAPID_SUBJECT = env("WEBPUSH_VAPID_SUBJECT", default="mailto:admin@stride.local")
# Telegram bot: without a token Telegram is off. The webhook secret is the value Telegram sends
# in X-Telegram-Bot-Api-Secret-Token (setWebhook secret_token).
TELEGRAM_BOT_TOKEN = env("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_BOT_USERNAME = env("TELEGRAM_BOT_USERNAME", default="")
TELEGRAM_WEBHOOK_SECRET = env("TELEGRAM_WEBHOOK_SECRET", default="")
TELEGRAM_API_BASE = env("TELEGRAM_API_BASE", default="https://api.telegram.org")

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.core.api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "apps.accounts.api.permissions.ConsentsGiven",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.CursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.api.throttling.AnonThrottle",
        "apps.core.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
    },
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Stride API",
    "DESCRIPTION": (
        "The Stride REST API for mobile apps and partners. Authenticate with the session "
        "token from the headless auth API (`/_allauth/app/v1/`) in the `X-Session-Token` "
        "header. Every error has the shape `{code, message, fields?}`; branch on `code`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "VisibilityEnum": "apps.accounts.models.Visibility",
        "NotificationChannelEnum": "apps.notifications.kinds.Channel",
        "SportEnum": "apps.training.models.Sport",
        "GroupRoleEnum": "apps.groups.models.Role",
        "LiveRoleEnum": "apps.groups.models.LiveParticipant.Role",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.add_error_responses",
        "apps.partners.api.schema.add_webhooks",
    ],
}
API_MIN_APP_VERSION = env("API_MIN_APP_VERSION", default="1.0.0")
API_FEATURE_LEVEL = 1
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)

# --- Security headers ---------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'", "ws:", "wss:"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# --- Observability ------------------------------------------------------------------------
# /metrics answers only with this bearer token, or to clients in METRICS_ALLOWED_NETWORKS.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
PROMETHEUS_EXPORT_MIGRATIONS = False
ANALYTICS_BUFFER_SIZE = env.int("ANALYTICS_BUFFER_SIZE", default=200)
ANALYTICS_FLUSH_SECONDS = env.float("ANALYTICS_FLUSH_SECONDS", default=5.0)

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "apps.core.logging.RequestIdFilter"},
        "redact": {"()": "apps.core.logging.RedactingFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replace Django's own DEBUG-only console handler: one handler, one format.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "django.utils.autoreload": {"level": "WARNING"},
        # urllib3 logs request paths at DEBUG, and Bot API paths carry the bot token.
        "urllib3": {"level": "WARNING"},
    },
}

# --- Encryption at rest (apps.core.crypto) ------------------------------------------------
# First key encrypts, all decrypt. Local and test derive one from SECRET_KEY; production
# requires real keys (generate: python -c "from cryptography.fernet import Fernet;
# print(Fernet.generate_key().decode())").
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    from apps.core.crypto import derive_key

    FIELD_ENCRYPTION_KEYS = [derive_key("field-encryption:" + SECRET_KEY)]

# Keys the hidden area of privacy zones (apps/accounts/privacy_zones.py). Never rotate it: each
# new secret moves every shifted centre, and many centres average out to home. Production
# requires it; elsewhere it is derived from the secret key.
PRIVACY_ZONE_SECRET = env("PRIVACY_ZONE_SECRET", default="") or ("privacy-zones:" + SECRET_KEY)

# --- Uploads ------------------------------------------------------------------------------
IMAGE_UPLOAD_MAX_BYTES = env.int("IMAGE_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
IMAGE_MAX_PIXELS = 40_000_000  # larger images are refused before decoding (decompression bombs)

# --- Promotions, loyalty and news (apps.promos) -------------------------------------------
PROMOS_POINTS_EXPIRY_DAYS = env.int("PROMOS_POINTS_EXPIRY_DAYS", default=365)
PROMOS_NEWS_MAX_BYTES = env.int("PROMOS_NEWS_MAX_BYTES", default=2 * 1024 * 1024)
PROMOS_NEWS_TIMEOUT_S = (5, 15)  # connect, read
PROMOS_NEWS_MAX_ITEMS = 50  # per fetch of one feed
# --- Operations (issue 13): read replica, backups -----------------------------------------
# A PostgreSQL read replica: reads marked safe (apps.core.db_router) go there; writes, reads in
# a transaction and reads after a write in the same request or task stay on the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
# Off: every read goes to the primary again (a replica far behind); the router stays in place.
DATABASE_REPLICA_READS = env.bool("DATABASE_REPLICA_READS", default=True)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS", "ATOMIC_REQUESTS"):
        if _key in DATABASES["default"]:
            DATABASES["replica"][_key] = DATABASES["default"][_key]
# Celery workers serve Prometheus metrics on this port when set (apps.core.metrics); prefork
# workers also need PROMETHEUS_MULTIPROC_DIR (an empty writable folder) to sum their children.
CELERY_METRICS_PORT = env.int("CELERY_METRICS_PORT", default=0)
# OPTIONS must not 500 on views without a serializer_class (schemathesis found it).
REST_FRAMEWORK["DEFAULT_METADATA_CLASS"] = "apps.core.api.metadata.SchemaPointerMetadata"
if "replica" in DATABASES:
    DATABASE_ROUTERS = ["apps.core.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(1, "apps.core.db_router.ReplicaRequestMiddleware")

# --- Social sign-in (allauth providers) ---------------------------------------------------
from config.settings.socialaccount import *  # noqa: E402, F403

INSTALLED_APPS += SOCIAL_PROVIDER_APPS

# --- Partners (apps.partners): OAuth 2 for partner apps, webhooks, rate limits -------------
from django.utils.translation import gettext_lazy  # noqa: E402

OAUTH2_PROVIDER = {
    "SCOPES": {
        "activities:read": gettext_lazy("Read your activities"),
        "activities:write": gettext_lazy("Add activities to your account"),
        "profile:read": gettext_lazy("Read your profile"),
        # promos: a shop's client-credentials scope (apps/promos/api/shop.py)
        "shop": gettext_lazy("Check coupons and report orders as a shop"),
    },
    "DEFAULT_SCOPES": ["profile:read"],
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    "OAUTH2_VALIDATOR_CLASS": "apps.partners.oauth.PartnerOAuth2Validator",
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105 - a model label
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105 - a model label
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105 - a model label
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
# The OAuth 2.0 Security BCP (RFC 9700) now, not when django-oauth-toolkit 4 makes it the
# default: no implicit or password grants, S256 PKCE only, tokens only in the Authorization
# header, `iss` in authorization responses, tokens stored hashed, a replayed refresh token
# revokes its whole family. http redirect URIs stay allowed outside production (loopback
# callbacks of local development); production allows https only.
OAUTH2_PROVIDER.update(
    {
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
    }
)
# --- Group chat and live runs (apps/groups/chat.py, live.py; docs/websockets.md) -----------
WS_TICKET_SECONDS = env.int("WS_TICKET_SECONDS", default=30)  # single-use socket tickets
# At most this many chat messages per person in this many seconds (an error frame beyond).
CHAT_RATE_LIMIT = (
    env.int("CHAT_RATE_MESSAGES", default=10),
    env.int("CHAT_RATE_SECONDS", default=10),
)
LIVE_TICK_SECONDS = env.float("LIVE_TICK_SECONDS", default=1.0)  # one snapshot/session/tick
LIVE_FLUSH_POINTS = 20  # buffered points written in one bulk insert at this many...
LIVE_FLUSH_SECONDS = 15  # ...or after this long
LIVE_MAX_SPEED_MPS = 12.0  # faster than this between two points is a GPS jump
LIVE_MAX_ACCURACY_M = 100.0
LIVE_STALE_SECONDS = 15  # a runner silent this long is shown as stale
LIVE_POINTS_RETENTION_SECONDS = env.int("LIVE_POINTS_RETENTION_SECONDS", default=24 * 3600)
CELERY_BEAT_SCHEDULE["groups-live-points-purge"] = {
    "task": "groups.live_points_purge",
    "schedule": 3600.0,
}
SPECTACULAR_SETTINGS["DESCRIPTION"] += (
    " Websockets (group chat, live group runs, single-use tickets from `POST /api/v1/ws-tickets/`"
    ") are described in docs/websockets.md: message types, error frames, close codes, resuming."
)
# --- Recommendations and experiments (apps.recommendations, apps.experiments) ---------------
# Nightly on the `ml` queue: retrain every recommender and the next-week load model. Set
# TRAINING_PLAN_ADAPTER=learned to let the load model adapt plan weeks (guardrails included;
# the rules answer while no model is active).
CELERY_BEAT_SCHEDULE["recommendations-train-models"] = {
    "task": "recommendations.models_train",
    "schedule": crontab(hour=3, minute=15),
}
