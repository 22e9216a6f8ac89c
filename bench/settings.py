"""Bench-only settings for the HTTP load test (bench/http_wsgi_vs_asgi.sh), never deployed.

Production settings when the real services are configured (DATABASE_URL set), the local
ones otherwise, plus: bench URLs in front of the real ones, DEBUG off, JSON logs at WARNING so
logging does not dominate the measurement. Persistent connections (CONN_MAX_AGE=60) and
connection health checks come from the base settings when the database is PostgreSQL.

Switches for the optional variants of the script (read through the project's `env`):
- `DATABASE_CONN_MAX_AGE=0` (read by the base settings): a new connection per request;
- `BENCH_DB_POOL=1`: psycopg's connection pool (Django 5.1+), which needs CONN_MAX_AGE=0.
  Django's documentation: "When using ASGI, persistent connections should be disabled.
  Instead, use your database backend's built-in connection pooling" (ref/databases).
"""

import copy

from config.settings.env import env

if env("DATABASE_URL", default=""):
    from config.settings.production import *  # noqa: F403
    from config.settings.production import DATABASES, LOGGING
else:
    from config.settings.local import *  # noqa: F403
    from config.settings.local import DATABASES, LOGGING

ROOT_URLCONF = "bench.urls"
DEBUG = False

LOG_LEVEL = "WARNING"
LOGGING = copy.deepcopy(LOGGING)
LOGGING["handlers"]["console"]["formatter"] = "json"
LOGGING["root"]["level"] = LOG_LEVEL
LOGGING["loggers"]["django"]["level"] = LOG_LEVEL

if env.bool("BENCH_DB_POOL", default=False):
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ValueError("BENCH_DB_POOL=1 needs a PostgreSQL DATABASE_URL")
    DATABASES = copy.deepcopy(DATABASES)
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses a pool with persistent connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("BENCH_DB_POOL_MIN", default=2),
        "max_size": env.int("BENCH_DB_POOL_MAX", default=12),  # per worker process
    }
