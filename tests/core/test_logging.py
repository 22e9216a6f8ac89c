import json
import logging

import pytest
from django.test import Client

from apps.core.logging import RedactingFilter, RequestIdFilter, redact_text, request_id_var


def _format(record: logging.LogRecord) -> dict:
    from pythonjsonlogger.json import JsonFormatter

    RequestIdFilter().filter(record)
    RedactingFilter().filter(record)
    formatter = JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s")
    return json.loads(formatter.format(record))


def _record(msg, *args, **extra) -> logging.LogRecord:
    record = logging.LogRecord("stride.test", logging.INFO, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("signup by runner@example.com", "runner@example.com"),
        ("password=hunter2hunter2", "hunter2hunter2"),
        ('{"session_token": "abcDEF123456789"}', "abcDEF123456789"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload", "eyJhbGciOiJIUzI1NiJ9"),
        ("start at 52.520008, 13.404954", "52.520008"),
    ],
)
def test_secrets_and_personal_data_never_reach_the_message(text, secret):
    assert secret not in redact_text(text)
    assert "[redacted]" in redact_text(text)


def test_args_and_extras_are_redacted_too():
    line = _format(
        _record(
            "login failed for %s",
            "ann@example.com",
            token="tok_123456789",
            lat=52.52,
            status_code=401,
            attempt={"password": "x", "n": 3},
        )
    )
    assert line["message"] == "login failed for [redacted]"
    assert line["token"] == "[redacted]"
    assert line["lat"] == "[redacted]"
    assert line["status_code"] == 401
    assert line["attempt"] == {"password": "[redacted]", "n": 3}


def test_each_line_carries_the_request_id():
    token = request_id_var.set("req-abc-123")
    try:
        line = _format(_record("hello"))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-abc-123"
    assert _format(_record("outside a request"))["request_id"] == "-"


@pytest.mark.django_db
def test_responses_carry_the_request_id_and_keep_a_sane_incoming_one():
    client = Client()
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-req-000123")["X-Request-ID"] == (
        "edge-req-000123"
    )
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"
