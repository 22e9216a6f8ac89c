"""docs/partners.md, followed as a new partner would, against a live server over real HTTP:
sandbox credentials → OAuth token → an endpoint → a signed webhook on a local receiver → an
activity uploaded twice with one Idempotency-Key (one activity) → read back through a Python
client generated from the committed OpenAPI document (openapi-python-client)."""

import importlib
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from apps.training.models import Activity
from tests.accounts.factories import PASSWORD, UserFactory
from tests.partners.helpers import REDIRECT_URI, Receiver, authorize, running

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


@pytest.fixture(scope="module")
def stride_client(tmp_path_factory):
    """The generated client, in a temporary folder (never committed)."""
    out = tmp_path_factory.mktemp("client")
    tool = shutil.which("openapi-python-client") or str(
        Path(sys.executable).parent / "openapi-python-client"
    )
    result = subprocess.run(  # noqa: S603 - our own dev tool on our own schema
        [
            tool,
            "generate",
            "--path",
            str(SCHEMA),
            "--meta",
            "none",
            "--output-path",
            str(out / "stride_client"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (out / "stride_client" / "client.py").exists(), result.stdout + result.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("stride_client")
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.startswith("stride_client")]:
            del sys.modules[name]


@pytest.mark.django_db(transaction=True)
def test_one_day_path(live_server, stride_client):
    base = live_server.url
    http = requests.Session()
    developer = UserFactory()

    # 1. Sandbox credentials (session token from the headless auth API).
    login = http.post(
        base + "/_allauth/app/v1/auth/login",
        json={"email": developer.email, "password": PASSWORD},
        timeout=10,
    )
    session = {"X-Session-Token": login.json()["meta"]["session_token"]}
    created = http.post(
        base + "/api/v1/partners/",
        json={"name": "Acme Runs", "redirect_uris": REDIRECT_URI},
        headers=session,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    partner = created.json()
    creds = partner["credentials"]
    assert creds["environment"] == "sandbox"

    # 2. OAuth token: authorization code + PKCE (the developer is their own sandbox athlete).
    token = authorize(
        developer,
        creds["client_id"],
        creds["client_secret"],
        "activities:read activities:write",
        base=base,
        http=http,
    )
    bearer = {"Authorization": f"Bearer {token['access_token']}"}

    with running(Receiver()) as receiver:
        # 3. Register an endpoint; the secret comes once.
        endpoint = http.post(
            f"{base}/api/v1/partners/{partner['id']}/endpoints/",
            json={"url": receiver.url},
            headers=session,
            timeout=10,
        ).json()
        receiver.secret = endpoint["secret"]

        # 4. A signed test event reaches the receiver, which verifies the signature.
        test = http.post(
            f"{base}/api/v1/partners/endpoints/{endpoint['id']}/test/", headers=session, timeout=30
        )
        assert test.json()["status"] == "succeeded", test.text
        assert receiver.received[-1]["body"]["type"] == "webhook.test"

        # 5. Upload an activity twice with one Idempotency-Key, through the generated client.
        from stride_client import AuthenticatedClient
        from stride_client.api.partners import (
            partner_activities_create,
            partner_activities_retrieve,
        )
        from stride_client.models import PartnerActivityInputRequest, SportEnum

        client = AuthenticatedClient(base_url=base, token=token["access_token"])
        body = PartnerActivityInputRequest.from_dict(
            {
                "external_id": "acme-42",
                "sport": SportEnum.RUN.value,
                "start_time": "2026-05-01T07:30:00Z",
                "elapsed_s": 3000,
                "distance_m": 10000,
                "title": "Morning run",
            }
        )
        key = str(uuid.uuid4())
        first = partner_activities_create.sync_detailed(
            client=client, body=body, idempotency_key=key
        )
        second = partner_activities_create.sync_detailed(
            client=client, body=body, idempotency_key=key
        )
        assert first.status_code == 201
        assert second.status_code == 201
        assert second.headers["Idempotent-Replayed"] == "true"
        assert first.parsed.id == second.parsed.id
        assert Activity.objects.filter(owner=developer).count() == 1

        # The athlete authorized activities:read, so activity.created arrived, signed.
        created_events = [r for r in receiver.received if r["body"]["type"] == "activity.created"]
        assert [e["body"]["data"]["activity_id"] for e in created_events] == [first.parsed.id]

    # 6. Read it back through the generated client.
    read = partner_activities_retrieve.sync(client=client, activity_id=first.parsed.id)
    assert (read.external_id, read.distance_m, read.title) == ("acme-42", 10000.0, "Morning run")
    feed = http.get(base + "/api/v1/changes/", headers=bearer, timeout=10).json()
    assert [(c["object_id"], c["action"]) for c in feed["results"]] == [(first.parsed.id, "upsert")]
