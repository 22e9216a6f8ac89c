"""Log plumbing: a request id on every line and a filter that keeps secrets out of logs."""

import contextvars
import logging
import re
from typing import Any

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

REDACTED = "[redacted]"
# Keys whose values never reach a log line, wherever they appear (extra=, dicts, args).
SENSITIVE_KEYS = re.compile(
    r"(?:.*pass(?:word|wd)?.*|.*secret.*|.*token.*|api_?key|authorization|.*cookie.*|"
    r"sessionid|session_key|csrf.*|otp|code|totp|recovery_codes?|e_?mail(?:_address)?|"
    r"lat|lng|lon|latitude|longitude|coords?|coordinates|location|position|points?)",
    re.IGNORECASE,
)
_PATTERNS = [
    # Bearer / session tokens in headers
    (re.compile(r"(?i)(bearer|token)\s+[A-Za-z0-9._\-]{8,}"), r"\1 " + REDACTED),
    # e-mail addresses
    (re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"), REDACTED),
    # key=value / "key": "value" pairs whose key is sensitive
    (
        re.compile(
            r"(?P<k>[\"']?(?:password|passwd|secret|token|session_token|api_key|apikey|"
            r"authorization|x-session-token|access_token|refresh_token|code)[\"']?\s*[:=]\s*)"
            r"(?P<q>[\"']?)(?P<v>[^\"'\s,;&}]+)",
            re.IGNORECASE,
        ),
        r"\g<k>\g<q>" + REDACTED,
    ),
    # coordinate pairs such as "52.5200, 13.4050" or "lat=52.52&lon=13.40"
    (re.compile(r"-?\d{1,3}\.\d{3,}\s*,\s*-?\d{1,3}\.\d{3,}"), REDACTED),
]


def redact_text(text: str) -> str:
    """Mask e-mails, credentials and coordinates in free text."""
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


def redact_value(key: str, value: Any) -> Any:
    """Mask a value by its key, recursing into dicts and lists."""
    if isinstance(key, str) and SENSITIVE_KEYS.fullmatch(key):
        return REDACTED
    if isinstance(value, dict):
        return {k: redact_value(k, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value("", v) for v in value)
    if isinstance(value, str):
        return redact_text(value)
    return value


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (the current request's, or `-`) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "request_id",
}


class RedactingFilter(logging.Filter):
    """Masks passwords, tokens, e-mails and coordinates in the message, args and extras."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = redact_text(message)
        record.args = None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRS:
                setattr(record, key, redact_value(key, value))
        return True
