"""Readiness checks: each dependency answers by name, so a 503 says which one failed."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = "stride:readyz"
    value = str(time.monotonic())
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return what was written")


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "embedded: tasks run in-process"  # no broker to reach
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return ""


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def run_checks() -> dict[str, dict[str, object]]:
    """Run every check; report `ok` (with a note, if any) or `error`, and how long it took."""
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        result: dict[str, object] = {}
        try:
            note = check()
        except Exception as exc:
            logger.warning("readiness check %s failed: %s", name, exc.__class__.__name__)
            result = {"status": "error", "error": exc.__class__.__name__}
        else:
            result = {"status": "ok", **({"note": note} if note else {})}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return results
