"""The conformance check a partner runs against their own webhook receiver.

It sends, signed with the endpoint's secret: a valid event, the same event again (a duplicate:
same `webhook-id`), an event with a bad signature, one with a stale timestamp (10 minutes old,
correctly signed) and a burst of 20 distinct events at once. A conforming receiver answers 2xx
to valid events, 4xx to the bad signature and to the stale timestamp, and — so the check can
see that it de-duplicates — answers each valid delivery with JSON
`{"duplicate": false}` the first time and `{"duplicate": true}` for a repeat of a `webhook-id`.
"""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

import requests
from django.utils import timezone

from apps.partners import signing

BURST = 20
STALE_S = 10 * 60
TIMEOUT_S = (5, 10)


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def as_dict(self) -> dict:
        return {"passed": self.passed, "checks": [asdict(c) for c in self.checks]}

    def lines(self) -> list[str]:
        out = [f"{'PASS' if c.passed else 'FAIL'} {c.name}: {c.detail}" for c in self.checks]
        out.append("conformance: " + ("passed" if self.passed else "FAILED"))
        return out


def _event(seq: int) -> tuple[str, bytes]:
    msg_id = f"evt_{uuid.uuid4().hex}"
    body = {
        "type": "webhook.test",
        "id": msg_id,
        "created_at": timezone.now().isoformat().replace("+00:00", "Z"),
        "schema_version": 1,
        "data": {"message": "conformance check", "seq": seq},
    }
    return msg_id, json.dumps(body, separators=(",", ":")).encode()


def _send(url: str, headers: dict, body: bytes) -> tuple[int | None, dict | None, str]:
    try:
        response = requests.post(
            url,
            data=body,
            headers={"content-type": "application/json", **headers},
            timeout=TIMEOUT_S,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, None, type(exc).__name__
    try:
        parsed = response.json()
    except ValueError:
        parsed = None
    return response.status_code, parsed if isinstance(parsed, dict) else None, ""


def _ok(status: int | None) -> bool:
    return status is not None and 200 <= status < 300


def _rejected(status: int | None) -> bool:
    return status is not None and 400 <= status < 500


def run(*, url: str, secret: str) -> Report:
    """Run every check against `url`; never raises for what the receiver does."""
    report = Report()
    now = int(time.time())

    msg_id, body = _event(0)
    status, answer, error = _send(url, signing.headers([secret], msg_id, now, body), body)
    first_ok = _ok(status) and answer is not None and answer.get("duplicate") is False
    report.checks.append(
        Check(
            "signed event accepted",
            first_ok,
            f"HTTP {status}, answer {answer}" if status else f"no answer ({error})",
        )
    )

    status, answer, error = _send(url, signing.headers([secret], msg_id, now, body), body)
    report.checks.append(
        Check(
            "duplicate recognised",
            _ok(status) and answer is not None and answer.get("duplicate") is True,
            f"HTTP {status}, answer {answer}" if status else f"no answer ({error})",
        )
    )

    msg_id, body = _event(1)
    forged = signing.headers([signing.generate_secret()], msg_id, now, body)
    status, _answer, error = _send(url, forged, body)
    report.checks.append(
        Check(
            "bad signature rejected",
            _rejected(status),
            f"HTTP {status} (a 4xx expected)" if status else f"no answer ({error})",
        )
    )

    msg_id, body = _event(2)
    stale = signing.headers([secret], msg_id, now - STALE_S, body)
    status, _answer, error = _send(url, stale, body)
    report.checks.append(
        Check(
            "stale timestamp rejected",
            _rejected(status),
            f"HTTP {status} (a 4xx expected)" if status else f"no answer ({error})",
        )
    )

    events = [_event(10 + i) for i in range(BURST)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(
            pool.map(
                lambda e: _send(url, signing.headers([secret], e[0], int(time.time()), e[1]), e[1]),
                events,
            )
        )
    accepted = sum(1 for s, a, _e in results if _ok(s) and a is not None and not a.get("duplicate"))
    report.checks.append(
        Check(
            f"burst of {BURST} events accepted",
            accepted == BURST,
            f"{accepted} of {BURST} accepted as new",
        )
    )
    return report
