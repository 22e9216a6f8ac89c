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

    if {"record", "parse"} <= medians.keys():
        record, parse = medians["record"], medians["parse"]
        terminalreporter.write_sep("-", "record_activity: 2 h at 1 Hz (7,201 samples)")
        terminalreporter.write_line(
            f"record_activity {record * 1000:.0f} ms, parsing the arrays {parse * 1000:.1f} ms "
            f"(medians) -> {record / parse:.0f}x parsing; peak memory "
            f"{medians.get('record_peak_mb', 0):.1f} MiB"
        )
    large = {k: v for k, v in medians.items() if k.startswith("fit_large ")}
    if large:
        terminalreporter.write_sep("-", "FIT import: the largest file (12 h at 1 Hz, all channels)")
        bare = large.get("fit_large fitdecode (count records)", (None,))[0]
        for name, (median, peak) in large.items():
            ratio = f", {median / bare:.2f}x the bare loop" if bare else ""
            terminalreporter.write_line(
                f"{name.removeprefix('fit_large ')}: {median * 1000:.0f} ms (median), "
                f"peak {peak:.1f} MiB{ratio}"
            )
    progress = {k: v for k, v in medians.items() if k.startswith("progress ")}
    if progress:
        terminalreporter.write_sep("-", "progress of an athlete with 3,000 activities")
        for name, (median, queries) in progress.items():
            terminalreporter.write_line(
                f"{name.removeprefix('progress ')}: {median * 1000:.1f} ms (median), "
                f"{queries} queries"
            )

    if "segments" in medians:
        median, candidates, efforts = medians["segments"]
        terminalreporter.write_sep("-", "segments: a 2 h run against 10,000 segments")
        terminalreporter.write_line(
            f"{median * 1000:.0f} ms per activity (median); the grid index offered "
            f"{candidates} of 10,000 segments; {efforts} efforts"
        )
    if {"lb_summary", "lb_aggregate", "lb_update"} <= medians.keys():
        s, a, u = medians["lb_summary"], medians["lb_aggregate"], medians["lb_update"]
        terminalreporter.write_sep("-", "leaderboard: 100,000 people, top 50 + my rank")
        terminalreporter.write_line(
            f"summary read {s * 1000:.1f} ms, aggregation read {a * 1000:.1f} ms "
            f"({a / s:.1f}x); update per recorded activity {u * 1000:.1f} ms "
            f"(one aggregation read costs {a / u:.0f} updates)"
        )
    gear = medians.get("gear import")
    if gear:
        terminalreporter.write_sep("-", "gear: catalog feed of 50,000 products")
        terminalreporter.write_line(
            f"{gear['vendor']}: first import {gear['first_s']} s ({gear['first_queries']} "
            f"queries); same feed again {gear['reimport_unchanged_s']} s "
            f"({gear['reimport_unchanged_queries']} queries); 1 % changed "
            f"{gear['reimport_1pct_changed_s']} s ({gear['reimport_1pct_changed_queries']} queries)"
        )
