"""Turn locust's CSV stats and the process samples into the Markdown tables of bench/README.md:
`python report.py PREFIX PROCESSES.json`."""

import csv
import json
import sys


def main() -> None:
    prefix, processes = sys.argv[1], sys.argv[2]
    print("| request | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with open(f"{prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            name = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
            print(
                f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
                f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} | "
                f"{float(row['Max Response Time']):.0f} |"
            )
    print()
    print("| process | processes | CPU avg % | CPU peak % | RSS peak MB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    with open(processes) as f:
        summary = json.load(f)
    for role, s in summary.items():
        print(
            f"| {role} | {s['processes']} | {s['cpu_avg_pct']} | {s['cpu_peak_pct']} | "
            f"{s['rss_peak_mb']} |"
        )
    try:
        with open(f"{prefix}_failures.csv") as f:
            failures = list(csv.DictReader(f))
    except FileNotFoundError:
        failures = []
    if failures:
        print("\nFailures:")
        for row in failures:
            print(f"- {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}x)")


if __name__ == "__main__":
    main()
