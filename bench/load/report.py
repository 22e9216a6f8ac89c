"""Turn locust's CSV stats and the process samples into the section of bench/README.md §12:
`python report.py PREFIX PROCESSES.json [--users N --spawn R --duration D ...]`.

Prints the run's parameters and machine, one row per request type (HTTP and `WS` events:
count, failures, throughput, p50/p95/p99/max), CPU and memory per process, and every failure
with its count, as Markdown to paste under a dated heading."""

import argparse
import csv
import json
import os
import platform
from datetime import UTC, datetime


def _ms(value: str) -> str:
    return "–" if value in ("", "N/A") else f"{float(value):.0f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("prefix")
    parser.add_argument("processes")
    for name in ("users", "spawn", "duration", "seeded", "web", "ws", "locust"):
        parser.add_argument(f"--{name}", default="?")
    args = parser.parse_args()

    load1, load5, _ = os.getloadavg()
    print(
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: **{args.users} members** (+{args.spawn}/s), "
        f"{args.duration}, {args.seeded} seeded people; gunicorn {args.web} threads, uvicorn "
        f"{args.ws} worker(s), locust {args.locust} process(es); {os.cpu_count()} CPUs "
        f"({platform.machine()}), load average at the end {load1:.1f} / {load5:.1f} (1 / 5 min)."
    )
    print()
    print("| type | request | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    total = None
    with open(f"{args.prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                total = row
                continue
            print(
                f"| {row['Type']} | {row['Name']} | {row['Request Count']} | "
                f"{row['Failure Count']} | {float(row['Requests/s']):.1f} | {_ms(row['50%'])} | "
                f"{_ms(row['95%'])} | {_ms(row['99%'])} | {_ms(row['Max Response Time'])} |"
            )
    if total is not None:
        print(
            f"| | **all** | **{total['Request Count']}** | **{total['Failure Count']}** | "
            f"**{float(total['Requests/s']):.1f}** | {_ms(total['50%'])} | {_ms(total['95%'])} | "
            f"{_ms(total['99%'])} | {_ms(total['Max Response Time'])} |"
        )
    print()
    print("| process | processes | CPU avg % | CPU peak % | RSS avg MB | RSS peak MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    with open(args.processes) as f:
        summary = json.load(f)
    for role, s in summary.items():
        print(
            f"| {role} | {s['processes']} | {s['cpu_avg_pct']} | {s['cpu_peak_pct']} | "
            f"{s.get('rss_avg_mb', '–')} | {s['rss_peak_mb']} |"
        )
    print("\nCPU: 100 % is one core; a role counts its process and all its children.")
    try:
        with open(f"{args.prefix}_failures.csv") as f:
            failures = list(csv.DictReader(f))
    except FileNotFoundError:
        failures = []
    print("\nFailures:" if failures else "\nFailures: none.")
    for row in failures:
        print(f"- {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}x)")


if __name__ == "__main__":
    main()
