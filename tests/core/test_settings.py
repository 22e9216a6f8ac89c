import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 60,
    "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "METRICS_TOKEN": "m" * 32,
    "DJANGO_ALLOWED_HOSTS": "stride.example",
    "FIELD_ENCRYPTION_KEYS": "YnVpbGQtb25seS1ub3QtYS1rZXktMDEyMzQ1Njc4OTA=",
    "PRIVACY_ZONE_SECRET": "z" * 40,
}


def _import_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PROD_ENV}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_starts_with_its_secrets():
    result = _import_settings(PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "METRICS_TOKEN",
        "FIELD_ENCRYPTION_KEYS",
        "PRIVACY_ZONE_SECRET",
    ],
)
def test_production_refuses_to_start_without_a_secret(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _import_settings(env)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {missing} must be set in production." in result.stderr
