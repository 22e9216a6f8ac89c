"""Sample CPU and memory of the load-test processes: `python sample_processes.py OUT.json
ROLE=PID ...` until SIGTERM; each role counts its process and all its children (gunicorn
workers, Celery pool processes). Writes average and peak CPU % (100 = one core) and average
and peak RSS."""

import json
import signal
import sys
import time

import psutil

stop = False


def _stop(*_):
    global stop
    stop = True


def main() -> None:
    out = sys.argv[1]
    roles = dict(arg.split("=", 1) for arg in sys.argv[2:])
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    samples = {role: [] for role in roles}
    procs: dict[int, psutil.Process] = {}
    while not stop:
        for role, pid in roles.items():
            try:
                root = psutil.Process(int(pid))
                family = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            cpu = rss = 0.0
            for p in family:
                proc = procs.setdefault(p.pid, p)
                try:
                    cpu += proc.cpu_percent(None)
                    rss += proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
            samples[role].append((cpu, rss, len(family)))
        time.sleep(1.0)
    summary = {}
    for role, rows in samples.items():
        rows = rows[1:]  # the first cpu_percent reading of a process is always 0
        if not rows:
            continue
        summary[role] = {
            "processes": max(r[2] for r in rows),
            "cpu_avg_pct": round(sum(r[0] for r in rows) / len(rows), 1),
            "cpu_peak_pct": round(max(r[0] for r in rows), 1),
            "rss_avg_mb": round(sum(r[1] for r in rows) / len(rows) / 2**20, 1),
            "rss_peak_mb": round(max(r[1] for r in rows) / 2**20, 1),
        }
    with open(out, "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
