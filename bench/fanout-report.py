#!/usr/bin/env python3
"""Markdown table of one bench/run-fanout.sh run: notify-service first, then each peer with the
ratio notify/peer (for `pusher`, notify-service's own /app endpoint, the ratio pusher/notify: /app over /ws;
for `notify-single`, the same /ws without batch=1, the ratio notify-single/notify).
A ceiling is flagged "loader-bound?" when the loader itself used more than LOADER_BOUND_CORES at the step
that set it (the highest passing step or the first failing step above it): then the loader, not the
server, may have been the limit. The calibration line checks that the loader can measure nats-ws's
ceiling at 1,000 subscribers (at least CALIBRATION_DELIVERIES with p99 <= CALIBRATION_P99_MS).
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


# the loader runs 2 event loops by default; above this many cores of its own it may be what saturates
LOADER_BOUND_CORES = 0.9
CALIBRATION_SERVER = "nats-ws"
CALIBRATION_SUBS = 1000
CALIBRATION_DELIVERIES = 1_500_000
CALIBRATION_P99_MS = 200


def limit_step(run, name, kind, p99):
    """The step that set the ceiling from above: the lowest-rate step above the best one that did not meet p99."""
    data = load(run, name, kind)
    if not data or "steps" not in data:
        return None
    b = best(run, name, kind, p99)
    floor = b["target_deliveries_per_s"] if b else -1
    above = [s for s in data["steps"] if s["target_deliveries_per_s"] > floor and not ok(s, p99)]
    return min(above, key=lambda s: s["target_deliveries_per_s"]) if above else None


def loader_bound(*steps):
    return any(s is not None and (s.get("loader_cpu_cores") or 0) > LOADER_BOUND_CORES for s in steps)


def top_step(data):
    """The step with the highest rate asked for (the last attempt of it)."""
    steps = (data or {}).get("steps") or []
    return max(steps, key=lambda s: (s["target_deliveries_per_s"], s.get("attempt", 1))) if steps else None


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
SAME_PROCESS = {"pusher", "notify-single"}


def main():
    run, names = sys.argv[1], sys.argv[2:]
    notify, peers = names[0], names[1:]
    rows = []

    def metric(label, fn, fmt=fmt_int, lower_better=False, note=lambda n: ""):
        values = {n: fn(n) for n in names}
        cells = [fmt(values[notify]) + note(notify)]
        for p in peers:
            if p in SAME_PROCESS:
                cells += [fmt(values[p]) + note(p), ratio(values[p], values[notify])]
            else:
                cells += [fmt(values[p]) + note(p), ratio(values[notify], values[p])]
        rows.append((label + (" (lower is better)" if lower_better else ""), cells))

    def bound_note(kind, p99):
        def f(n):
            if load(run, n, kind) is None:
                return ""
            return " (loader-bound?)" if loader_bound(best(run, n, kind, p99), limit_step(run, n, kind, p99)) else ""
        return f

    def cpu_row(kind, p99):
        def f(n):
            s = best(run, n, kind, p99)
            if not s:
                return None
            return f'{s.get("loader_cpu_cores", "–")} / {s.get("server_cpu_cores") if s.get("server_cpu_cores") is not None else "–"}'
        rows.append(("  loader / server CPU at that rate (cores)", [f(notify)] + sum([[f(p), ""] for p in peers], [])))

    def tput(kind, p99):
        return lambda n: (lambda s: s and s["deliveries_per_s"])(best(run, n, kind, p99))

    def lat(kind, p99):
        def f(n):
            s = best(run, n, kind, p99)
            return None if not s else f'{s["latency"]["p50_ms"]} / {s["latency"]["p99_ms"]}'
        return f

    small = (load(run, notify, "small") or {}).get("subs", 1000)
    large = (load(run, notify, "large") or {}).get("subs", 10000)
    metric(f"deliveries/s, {small:,} subscribers, p99 ≤ 200 ms", tput("small", 200), note=bound_note("small", 200))
    rows.append((f"  p50 / p99 at that rate (ms)", [lat("small", 200)(notify)] + sum(
        [[lat("small", 200)(p), ""] for p in peers], [])))
    cpu_row("small", 200)
    metric(f"deliveries/s, {large:,} subscribers, p99 ≤ 1 s", tput("large", 1000), note=bound_note("large", 1000))
    rows.append((f"  p50 / p99 at that rate (ms)", [lat("large", 1000)(notify)] + sum(
        [[lat("large", 1000)(p), ""] for p in peers], [])))
    cpu_row("large", 1000)
    metric(f"deliveries/s, {large:,} subscribers, p99 ≤ 200 ms", tput("large", 200), note=bound_note("large", 200))

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

    print()
    print(f'"loader-bound?": the loader used more than {LOADER_BOUND_CORES} cores of its own (it runs 2 event loops '
          f'by default) at the highest passing step or at the first failing step above it; that ceiling may be the '
          f"loader's, not the server's.")
    print()
    print(calibration(run, names))

    c = load(run, notify, "connect")
    if c and "memory" in c:
        m = c["memory"]
        print()
        print(f"notify-service memory: RSS {m['rss_before_kb']:,} KiB → {m['rss_after_gc_kb']:,} KiB with "
              f"{c['held']:,} idle authenticated connections after GC.run = {m['rss_per_conn_bytes']:,} B/connection; "
              f"Java heap used {m.get('heap_used_before_kb', 0):,} → {m.get('heap_used_after_kb', 0):,} KiB = "
              f"{m.get('heap_per_conn_bytes', 0):,} B/connection"
              + (f"; the heap was pre-touched, so an idle connection retains heap + RSS growth = "
                 f"**{m['retained_per_conn_bytes']:,} B**." if "retained_per_conn_bytes" in m else "."))

    print()
    print("Every step (warm-up, then the measured window; deliveries counted for events created in the window):")
    print()
    print("| server | subscribers | step | publish/s | deliveries/s | p50 | p90 | p99 | max (ms) | delivered | server CPU (cores) | loader CPU (cores) | |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for n in names:
        for kind in ("small", "large"):
            data = load(run, n, kind)
            if not data:
                continue
            for i, s in enumerate(data.get("steps", []), 1):
                l = s["latency"]
                step = f"{i} {s.get('phase', '')}".strip() + (f" (retry)" if s.get("attempt", 1) > 1 else "")
                loader_cpu = s.get("loader_cpu_cores")
                loader_cell = f"{loader_cpu}" + (" loader-bound?" if loader_bound(s) else "")
                print(f"| {n} | {data['subs']:,} | {step} | {s['publish_per_s']:,.1f} | {s['deliveries_per_s']:,} | {l['p50_ms']} | "
                      f"{l['p90_ms']} | {l['p99_ms']} | {l['max_ms']} | {100 * s['delivered_ratio']:.2f}% | "
                      f"{'–' if s.get('server_cpu_cores') is None else s['server_cpu_cores']} | {loader_cell} | "
                      f"{'pass' if s['pass'] else s['why']}"
                      f"{'; ' + str(s['reopened']) + ' closed connections opened again after it' if s.get('reopened') else ''} |")
            if "search" in data:
                se = data["search"]
                found = se.get("pass_deliveries_per_s")
                failed = se.get("fail_deliveries_per_s")
                print(f"| {n} | {data['subs']:,} | search | | | | | | | | | | "
                      f"x2 from {se['start']:,.0f}, bisect to {100 * se['precision']:g} %: "
                      f"{'none passed' if found is None else f'{found:,.0f} passed'}"
                      f"{'' if failed is None else f', {failed:,.0f} failed'}"
                      f"{', the maximum searched' if se.get('reached_max') else ''}{', stopped early' if se.get('stopped') else ''} |")
            if "error" in data:
                print(f"| {n} | {data['subs']:,} | | | | | | | | | | | {data['error']} |")


def calibration(run, names):
    """Whether the loader can measure the fastest peer: nats-ws's ceiling at 1,000 subscribers."""
    want = (f"{CALIBRATION_SERVER} ≥ {CALIBRATION_DELIVERIES:,} deliveries/s at {CALIBRATION_SUBS:,} subscribers "
            f"with p99 ≤ {CALIBRATION_P99_MS} ms")
    data = None
    if CALIBRATION_SERVER in names:
        for kind in ("small", "large"):
            d = load(run, CALIBRATION_SERVER, kind)
            if d and d.get("subs") == CALIBRATION_SUBS and d.get("steps"):
                data = d
                break
    if data is None:
        return f"Calibration ({want}): not measured in this run (needs {CALIBRATION_SERVER} in PEERS and SMALL={CALIBRATION_SUBS})."
    found = None
    for s in data["steps"]:
        if ok(s, CALIBRATION_P99_MS) and (found is None or s["deliveries_per_s"] > found["deliveries_per_s"]):
            found = s
    reached = found["deliveries_per_s"] if found else 0
    if reached >= CALIBRATION_DELIVERIES:
        return (f"Calibration ({want}): holds, {reached:,} deliveries/s (p99 {found['latency']['p99_ms']} ms, "
                f"loader {found.get('loader_cpu_cores')} cores).")
    top = top_step(data)
    server = top.get("server_cpu_cores")
    return (f"Calibration ({want}): does NOT hold, {CALIBRATION_SERVER} reached {reached:,} deliveries/s. At its top step "
            f"({top['target_deliveries_per_s']:,} deliveries/s asked, {top['deliveries_per_s']:,} measured, p99 "
            f"{top['latency']['p99_ms']} ms) the loader used {top.get('loader_cpu_cores')} cores and {CALIBRATION_SERVER} "
            f"{'–' if server is None else server} cores"
            + (f": the loader was above {LOADER_BOUND_CORES} cores, so it is the likely limit, not the server."
               if loader_bound(top) else f": the loader stayed under {LOADER_BOUND_CORES} cores, so the limit is "
               f"more likely the server (or the machine's other load)."))


if __name__ == "__main__":
    main()
