"""Benchmarks share pytest-django's test database (SQLite in memory unless DATABASE_URL).

`make bench` runs them: `.venv/bin/pytest bench -p no:randomly --benchmark-only -q`.
Each benchmark stores its median here; the summary prints how the variants compare.
"""

import pytest

MEDIANS = pytest.StashKey[dict]()


@pytest.fixture
def bench_medians(request) -> dict[str, float]:
    """Median seconds per round of each benchmark that ran, by name, for this session."""
    return request.config.stash.setdefault(MEDIANS, {})


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    medians = config.stash.get(MEDIANS, {})
    if {"per_row", "buffered"} <= medians.keys():
        per_row, buffered = medians["per_row"], medians["buffered"]
        terminalreporter.write_sep("-", "analytics events: one INSERT each vs buffered")
        terminalreporter.write_line(
            f"{medians.get('vendor', '?')}, {medians.get('events', '?')} events: "
            f"per-row {per_row * 1000:.1f} ms, buffered {buffered * 1000:.1f} ms "
            f"(median of each) -> buffered is {per_row / buffered:.1f}x faster"
        )
