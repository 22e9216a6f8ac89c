"""Prometheus metrics of the provider pipeline, served at /metrics with django-prometheus's
registry: how fast webhooks are acknowledged, how long an event takes to become an activity,
and failures per provider and kind."""

from prometheus_client import Counter, Histogram

WEBHOOK_ACK = Histogram(
    "stride_devices_webhook_ack_seconds",
    "Time to acknowledge a provider webhook (verify, store, enqueue).",
    ["provider"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0),
)
EVENT_LAG = Histogram(
    "stride_devices_event_to_activity_seconds",
    "Time from receiving a webhook event to the activity being recorded.",
    ["provider"],
    buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600),
)
WEBHOOK_FAILURES = Counter(
    "stride_devices_webhook_failures_total",
    "Provider webhook events that failed an attempt, by provider and reason.",
    ["provider", "reason"],
)
