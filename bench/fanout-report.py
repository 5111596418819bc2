#!/usr/bin/env python3
"""Markdown table of one bench/run-fanout.sh run: notify-service first, then each peer with the
ratio notify/peer (for `pusher`, notify-service's own /app endpoint, the ratio pusher/notify: /app over /ws).
usage: fanout-report.py RUN_DIR notify PEER...  (reads RUN_DIR/<name>-*.json)"""
import json
import os
import sys


def load(run, name, kind):
    path = os.path.join(run, f"{name}-{kind}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def ok(step, p99):
    return (step["latency"]["count"] > 0 and step["latency"]["p99_ms"] <= p99
            and step["delivered_ratio"] >= 0.999 and step["publish_errors"] == 0
            and step["closes"] <= max(1, step["receivers"] // 200)
            and step["publish_per_s"] >= 0.95 * step["target_publish_per_s"])


def best(run, name, kind, p99):
    """Highest step meeting p99 (and every delivery, no closes), in ladder order until the first that does not."""
    data = load(run, name, kind)
    if not data or "steps" not in data:
        return None
    found = None
    for step in data["steps"]:
        if ok(step, p99):
            if found is None or step["deliveries_per_s"] > found["deliveries_per_s"]:
                found = step
    return found


def fmt_int(v):
    return "–" if v is None else f"{v:,.0f}"


def ratio(a, b, digits=2):
    if a is None or b in (None, 0):
        return "–"
    return f"{a / b:.{digits}f}×"


# endpoints of notify-service itself: their column is the ratio endpoint/notify, not notify/endpoint
SAME_PROCESS = {"pusher"}


def main():
    run, names = sys.argv[1], sys.argv[2:]
    notify, peers = names[0], names[1:]
    rows = []

    def metric(label, fn, fmt=fmt_int, lower_better=False):
        values = {n: fn(n) for n in names}
        cells = [fmt(values[notify])]
        for p in peers:
            if p in SAME_PROCESS:
                cells += [fmt(values[p]), ratio(values[p], values[notify])]
            else:
                cells += [fmt(values[p]), ratio(values[notify], values[p])]
        rows.append((label + (" (lower is better)" if lower_better else ""), cells))

    def tput(kind, p99):
        return lambda n: (lambda s: s and s["deliveries_per_s"])(best(run, n, kind, p99))

    def lat(kind, p99):
        def f(n):
            s = best(run, n, kind, p99)
            return None if not s else f'{s["latency"]["p50_ms"]} / {s["latency"]["p99_ms"]}'
        return f

    small = (load(run, notify, "small") or {}).get("subs", 1000)
    large = (load(run, notify, "large") or {}).get("subs", 10000)
    metric(f"deliveries/s, {small:,} subscribers, p99 ≤ 200 ms", tput("small", 200))
    rows.append((f"  p50 / p99 at that rate (ms)", [lat("small", 200)(notify)] + sum(
        [[lat("small", 200)(p), ""] for p in peers], [])))
    metric(f"deliveries/s, {large:,} subscribers, p99 ≤ 1 s", tput("large", 1000))
    rows.append((f"  p50 / p99 at that rate (ms)", [lat("large", 1000)(notify)] + sum(
        [[lat("large", 1000)(p), ""] for p in peers], [])))
    metric(f"deliveries/s, {large:,} subscribers, p99 ≤ 200 ms", tput("large", 200))

    def hs(n):
        c = load(run, n, "connect")
        return c and c["connect"]["handshakes_per_s"]

    def mem(n):
        c = load(run, n, "connect")
        return c and c.get("memory", {}).get("rss_per_conn_bytes")

    mem_n = (load(run, notify, "connect") or {}).get("n", 10000)
    metric(f"handshakes/s ({mem_n:,} connections; notify: JWT-authenticated)", hs)
    metric(f"RSS per idle connection, bytes ({mem_n:,} connections)", mem, lower_better=True)

    meta = os.path.join(run, "meta.txt")
    if os.path.exists(meta):
        with open(meta) as f:
            for line in f:
                print("- " + line.rstrip())
        print()
    header = "| | " + notify + " | " + " | ".join(f"{p} | {p}/notify" if p in SAME_PROCESS else f"{p} | notify/{p}" for p in peers) + " |"
    print(header)
    print("|---" * (2 + 2 * len(peers)) + "|")
    for label, cells in rows:
        print(f"| {label} | " + " | ".join("–" if c is None else c for c in cells) + " |")

    c = load(run, notify, "connect")
    if c and "memory" in c:
        m = c["memory"]
        print()
        print(f"notify-service memory: RSS {m['rss_before_kb']:,} KiB → {m['rss_after_gc_kb']:,} KiB with "
              f"{c['held']:,} idle authenticated connections after GC.run = {m['rss_per_conn_bytes']:,} B/connection; "
              f"Java heap used {m.get('heap_used_before_kb', 0):,} → {m.get('heap_used_after_kb', 0):,} KiB = "
              f"{m.get('heap_per_conn_bytes', 0):,} B/connection.")

    print()
    print("Every step (warm-up, then the measured window; deliveries counted for events created in the window):")
    print()
    print("| server | subscribers | publish/s | deliveries/s | p50 | p90 | p99 | max (ms) | delivered | server CPU | loader CPU | |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for n in names:
        for kind in ("small", "large"):
            data = load(run, n, kind)
            if not data:
                continue
            for s in data.get("steps", []):
                l = s["latency"]
                print(f"| {n} | {data['subs']:,} | {s['publish_per_s']:,.1f} | {s['deliveries_per_s']:,} | {l['p50_ms']} | "
                      f"{l['p90_ms']} | {l['p99_ms']} | {l['max_ms']} | {100 * s['delivered_ratio']:.2f}% | "
                      f"{s['server_cpu_cores']} | {s['loader_cpu_cores']} | {'pass' if s['pass'] else s['why']} |")
            if "error" in data:
                print(f"| {n} | {data['subs']:,} | | | | | | | | | | {data['error']} |")


if __name__ == "__main__":
    main()
