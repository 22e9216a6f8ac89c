"""deploy/backup.sh and deploy/restore.sh: seed data, back it up, restore it into a fresh,
empty database and media folder, and find the data there. Needs PostgreSQL (CI has it)."""

import os
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from apps.training.services import record_activity
from apps.training.types import NormalizedActivity
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("real_services")]
ROOT = Path(__file__).resolve().parents[2]


def _url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db.get('PORT') or 5432}/{name}"


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _url(name)
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own scripts, fixed argv
        ["/bin/bash", str(ROOT / "deploy" / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_backup_then_restore_into_an_empty_database_finds_the_data(
    transactional_db, tmp_path, empty_database
):
    owner = UserFactory(email="restore-me@example.com")
    activity = record_activity(
        owner=owner,
        activity=NormalizedActivity(
            source="manual",
            sport="run",
            title="Backed-up long run",
            start_time=timezone.now() - timedelta(days=1),
            elapsed_s=3600,
            distance_m=12_000,
        ),
    ).activity
    media = tmp_path / "media"
    (media / "uploads").mkdir(parents=True)
    (media / "uploads" / "run.gpx").write_text("<gpx>backed up</gpx>")
    backup = tmp_path / "backup"

    done = _run(
        "backup.sh",
        str(backup),
        env={"DATABASE_URL": _url(connection.settings_dict["NAME"]), "MEDIA_ROOT": str(media)},
    )
    assert done.returncode == 0, done.stderr
    assert {p.name for p in backup.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}

    restored_media = tmp_path / "restored-media"
    done = _run(
        "restore.sh",
        str(backup),
        env={"DATABASE_URL": empty_database, "MEDIA_ROOT": str(restored_media)},
    )
    assert done.returncode == 0, done.stderr

    with psycopg.connect(empty_database) as restored:
        email = restored.execute(
            "SELECT email FROM accounts_user WHERE id = %s", [owner.pk]
        ).fetchone()
        row = restored.execute(
            "SELECT title, distance_m FROM training_activity WHERE id = %s", [activity.pk]
        ).fetchone()
    assert email == ("restore-me@example.com",)
    assert row == ("Backed-up long run", 12_000)
    assert (restored_media / "uploads" / "run.gpx").read_text() == "<gpx>backed up</gpx>"

    # A second restore into the now non-empty database is refused, not mixed in.
    again = _run(
        "restore.sh",
        str(backup),
        env={"DATABASE_URL": empty_database, "MEDIA_ROOT": str(tmp_path / "m2")},
    )
    assert again.returncode == 2
    assert "refusing to restore" in again.stderr
