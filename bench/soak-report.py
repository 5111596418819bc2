#!/usr/bin/env python3
"""bench/soak-report.py RUN_DIR - the summary of a bench/run-soak.sh run: summary.json and summary.md in RUN_DIR
(the markdown is printed too), and soak.png with gnuplot (without it, a text table of the samples in summary.md).

Reads meta.txt (key=value), soak.csv (one row per sample) and soak.json (the loader's totals). For RSS, heap
in use after a forced GC and open files of notify-service it compares the first window after the warm-up
([warmup_s, warmup_s + window_s) of the run) with the last one (the final window_s seconds), by the median of
each window's samples, and calls the metric flat when the two differ by at most FLAT (10 %). It also says
whether the loader kept up (every event published at the rate asked for, everything delivered, the churn at
its rate), the errors it saw, and its own CPU and open files."""
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys

FLAT = 0.10
OPEN_FILE_LIMIT = 20000
# the loader runs 2 event loops; above this many cores of its own it may be what limits (as fanout-report.py)
LOADER_BOUND_CORES = 0.9

FLAT_METRICS = [("notify_rss_kb", "RSS", "KiB"), ("notify_heap_after_gc_kb", "heap used after GC", "KiB"),
                ("notify_open_files", "open files", "")]
OTHER_METRICS = [("notify_threads", "threads", ""), ("gateway_connections", "gateway connections (gauge)", "")]


def num(v):
    if v is None or v == "":
        return None
    try:
        return float(v)
    except ValueError:
        return None


def read_meta(run):
    meta = {}
    with open(os.path.join(run, "meta.txt")) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    return meta


def median(rows, key):
    values = [num(r[key]) for r in rows if num(r[key]) is not None and num(r[key]) >= 0]
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def main(run):
    meta = read_meta(run)
    with open(os.path.join(run, "soak.csv")) as f:
        rows = list(csv.DictReader(f))
    totals = {}
    if os.path.exists(os.path.join(run, "soak.json")):
        with open(os.path.join(run, "soak.json")) as f:
            totals = json.load(f)
    if len(rows) < 3:
        print(f"only {len(rows)} samples in {run}/soak.csv: nothing to compare")
        sys.exit(1)
    warmup = float(meta.get("warmup_s", 300))
    window = float(meta.get("window_s", 300))
    rate = float(meta.get("rate", totals.get("rate_per_s", 0)))
    subs = int(meta.get("subs", totals.get("subs", 1000)))
    churn_rate = float(meta.get("churn_rate", totals.get("churn_per_s", 100)))
    for r in rows:
        r["t"] = float(r["t_s"])
    load_rows = [r for r in rows if r["t"] > 0]  # the first row is taken before the load starts
    end = max(r["t"] for r in rows)
    first = [r for r in rows if warmup <= r["t"] < warmup + window]
    last = [r for r in rows if r["t"] > end - window]
    overlap = bool(first and last and min(r["t"] for r in last) < warmup + window)

    metrics = []
    for key, label, unit in FLAT_METRICS + OTHER_METRICS:
        a, b = median(first, key), median(last, key)
        change = None if a in (None, 0) or b is None else (b - a) / a
        entry = {"metric": key, "label": label, "unit": unit, "first_window": a, "last_window": b,
                 "change": None if change is None else round(change, 4)}
        if (key, label, unit) in FLAT_METRICS:
            entry["flat"] = change is not None and abs(change) <= FLAT
        metrics.append(entry)
    flat = all(m["flat"] for m in metrics if "flat" in m)

    def series(key):
        return [num(r[key]) for r in load_rows if num(r[key]) is not None]

    published = series("published_per_s")
    deliveries = series("deliveries_per_s")
    churn_done = series("churn_completed_per_s")
    churn_started = series("churn_started_per_s")
    loader_cpu = series("loader_cpu_cores")
    notify_cpu = series("notify_cpu_cores")
    load1 = series("load1")
    p99 = series("p99_ms")
    loader_files = max(series("loader_open_files_max") or [0])
    loader_errors = sum(series("loader_errors"))
    churn = totals.get("churn", {})
    delivered_ratio = totals.get("delivered_ratio")
    loader = {
        "publish_per_s_mean": round(statistics.mean(published), 1) if published else None,
        "publish_per_s_min": min(published) if published else None,
        "deliveries_per_s_mean": round(statistics.mean(deliveries)) if deliveries else None,
        "delivered_ratio": delivered_ratio,
        "churn_started_per_s_mean": round(statistics.mean(churn_started), 1) if churn_started else None,
        "churn_completed_per_s_mean": round(statistics.mean(churn_done), 1) if churn_done else None,
        "churn": churn,
        "errors": loader_errors,
        "publish_errors": totals.get("publish_errors"),
        "subscriber_closes": totals.get("subscriber_closes"),
        "loader_cpu_cores_mean": round(statistics.mean(loader_cpu), 2) if loader_cpu else None,
        "loader_cpu_cores_max": max(loader_cpu) if loader_cpu else None,
        "loader_open_files_max": loader_files,
        "p99_ms_median": statistics.median(p99) if p99 else None,
        "p99_ms_max": max(p99) if p99 else None,
    }
    kept_up = (bool(published) and statistics.mean(published) >= 0.99 * rate and min(published) >= 0.95 * rate
               and bool(churn_started) and statistics.mean(churn_started) >= 0.98 * churn_rate
               and (delivered_ratio or 0) >= 0.999)
    loader["kept_up"] = kept_up
    loader["cpu_headroom"] = (loader["loader_cpu_cores_max"] or 0) <= LOADER_BOUND_CORES
    loader["open_files_under_limit"] = loader_files < OPEN_FILE_LIMIT
    machine = {"load1_min": min(load1) if load1 else None, "load1_max": max(load1) if load1 else None,
               "load1_median": statistics.median(load1) if load1 else None,
               "notify_cpu_cores_mean": round(statistics.mean(notify_cpu), 2) if notify_cpu else None}
    summary = {"meta": meta, "samples": len(rows), "end_s": end, "first_window": [warmup, warmup + window],
               "last_window": [end - window, end], "windows_overlap": overlap, "metrics": metrics, "flat": flat,
               "loader": loader, "machine": machine, "totals": totals}
    with open(os.path.join(run, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)

    md = []
    md.append(f"## Soak: {end / 60:.0f} min at {rate:g} events/s to {subs:,} subscribers "
              f"({rate * subs:,.0f} deliveries/s) and {churn_rate:g} short-lived clients/s\n")
    md.append(f"{meta.get('date')}, {meta.get('host')}, {meta.get('java')}, commit {meta.get('commit')}; notify "
              f"`{meta.get('notify_java_opts')}`; rate: {meta.get('rate_source')}; a sample every "
              f"{meta.get('sample_s')} s ({len(rows)} samples). **Load average (1 min) during the soak: "
              f"{fmt(machine['load1_min'], 2)}–{fmt(machine['load1_max'], 2)}, median {fmt(machine['load1_median'], 2)}** "
              f"(2 cores; other engineers' builds share the machine).\n")
    md.append(f"First window: {warmup:.0f}–{warmup + window:.0f} s; last window: {end - window:.0f}–{end:.0f} s; "
              f"each compared by the median of its samples"
              + (" (**the windows overlap: the run is too short for them**)" if overlap else "") + ".\n")
    md.append("| notify-service | first window | last window | change | flat within 10 %? |")
    md.append("|---|---:|---:|---:|---|")
    for m in metrics:
        unit = f" {m['unit']}" if m["unit"] else ""
        change = "–" if m["change"] is None else f"{100 * m['change']:+.1f} %"
        verdict = ("yes" if m["flat"] else "**no**") if "flat" in m else "(not judged)"
        md.append(f"| {m['label']} | {fmt(m['first_window'])}{unit} | {fmt(m['last_window'])}{unit} | {change} | {verdict} |")
    md.append("")
    md.append(f"**Verdict: {'flat' if flat else 'NOT flat'}** (RSS, heap after GC and open files "
              f"{'all' if flat else 'not all'} within 10 % from the first window to the last).\n")
    md.append(f"- published {fmt(loader['publish_per_s_mean'], 1)} events/s on average (lowest sample "
              f"{fmt(loader['publish_per_s_min'], 1)}; asked {rate:g}), {fmt(loader['deliveries_per_s_mean'])} deliveries/s; "
              f"delivered {'–' if delivered_ratio is None else f'{100 * delivered_ratio:.4f} %'} of published × subscribers "
              f"({totals.get('delivered', 0):,} of {totals.get('expected_deliveries', 0):,}); "
              f"p99 latency median {fmt(loader['p99_ms_median'])} ms over the samples, worst {fmt(loader['p99_ms_max'])} ms")
    md.append(f"- short-lived clients: {fmt(loader['churn_started_per_s_mean'], 1)} started/s, "
              f"{fmt(loader['churn_completed_per_s_mean'], 1)} completed/s; in all {churn.get('started', 0):,} started, "
              f"{churn.get('completed', 0):,} completed ({churn.get('by_event', 0):,} on an event, "
              f"{churn.get('by_pong', 0):,} on the pong), {churn.get('failed', 0):,} failed, {churn.get('timed_out', 0):,} timed out"
              + (f" (by the step reached: {churn['timed_out_at']})" if churn.get("timed_out") else ""))
    if churn.get("nudged"):
        md.append(f"- **{churn['nudged']:,} short-lived clients ({100 * churn['nudged'] / max(1, churn.get('started', 1)):.2f} %) "
                  f"saw no `connected` frame within 5 s of the upgrade**; pinged then, {churn.get('connected_missing', 0):,} "
                  f"answered `pong` without any `connected` before it (the session was open, the frame lost) and "
                  f"{churn.get('connected_late', 0):,} sent `connected` after all; those that answered went on to subscribe")
    md.append(f"- loader errors: {loader_errors:.0f} (publish errors {totals.get('publish_errors')}, subscribers closed "
              f"{totals.get('subscriber_closes')}, churn failures and time-outs above)")
    md.append(f"- loader: CPU {fmt(loader['loader_cpu_cores_mean'], 2)} cores on average, {fmt(loader['loader_cpu_cores_max'], 2)} "
              f"at most ({'under' if loader['cpu_headroom'] else '**over**'} the {LOADER_BOUND_CORES} cores above which "
              f"fanout-report.py calls a step loader-bound); open files at most {loader_files:,.0f} (limit {OPEN_FILE_LIMIT:,}: "
              f"{'under' if loader['open_files_under_limit'] else '**OVER**'}); "
              f"**{'kept up' if kept_up else 'did NOT keep up (see above)'}**"
              + (f"; in the same run it sustained the ceiling of {int(meta['ceiling_deliveries_per_s']):,} deliveries/s, "
                 f"twice this rate" if meta.get("ceiling_deliveries_per_s") else ""))
    md.append(f"- notify-service CPU {fmt(machine['notify_cpu_cores_mean'], 2)} cores on average (forced GCs included); "
              f"its log: {meta.get('notify_log_warn', '?')} WARN, {meta.get('notify_log_error', '?')} ERROR lines")
    md.append("")

    png = plot(run, rows, warmup, window, end)
    if png:
        md.append(f"Plot: {png}\n")
    else:
        md.append("No gnuplot: the samples instead.\n")
        md.append("| t (s) | load1 | RSS KiB | heap after GC KiB | open files | threads | deliveries/s | p99 ms | churn done/s | errors | loader CPU |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            md.append(f"| {r['t_s']} | {r['load1']} | {r['notify_rss_kb']} | {r['notify_heap_after_gc_kb']} | "
                      f"{r['notify_open_files']} | {r['notify_threads']} | {r['deliveries_per_s']} | {r['p99_ms']} | "
                      f"{r['churn_completed_per_s']} | {r['loader_errors']} | {r['loader_cpu_cores']} |")
    text = "\n".join(md) + "\n"
    with open(os.path.join(run, "summary.md"), "w") as f:
        f.write(text)
    print(text)


def plot(run, rows, warmup, window, end):
    if not shutil.which("gnuplot"):
        return None
    png = os.path.join(run, "soak.png")
    data = os.path.join(run, "soak.dat")
    cols = ["notify_rss_kb", "notify_heap_after_gc_kb", "notify_open_files", "notify_threads", "deliveries_per_s",
            "load1", "loader_errors", "churn_completed_per_s"]
    with open(data, "w") as f:
        f.write("# minutes " + " ".join(cols) + "\n")
        for r in rows:
            f.write(" ".join([f"{r['t'] / 60:.3f}"] + [r[c] if r[c] != "" else "NaN" for c in cols]) + "\n")
    d = '"' + data + '"'
    shade = [f"set object {i + 1} rect from {a / 60:.3f}, graph 0 to {b / 60:.3f}, graph 1 behind fc rgb '#eeeeee' fs solid noborder"
             for i, (a, b) in enumerate([(warmup, warmup + window), (end - window, end)])]
    script = [
        "set terminal pngcairo size 1100,1000 noenhanced font ',10'",
        f"set output '{png}'",
        "set multiplot layout 4,1 title 'notify-service soak (grey: the first and last windows compared)'",
        "set grid", "set key outside right", "set xrange [0:*]", "set lmargin 12", "set rmargin 34",
        *shade,
        "set ylabel 'MiB'", "set yrange [0:*]",
        f"plot {d} using 1:($2/1024) with linespoints pt 7 ps 0.5 title 'RSS', "
        f"{d} using 1:($3/1024) with linespoints pt 7 ps 0.5 title 'heap after GC'",
        "set ylabel 'count'",
        f"plot {d} using 1:4 with linespoints pt 7 ps 0.5 title 'open files', "
        f"{d} using 1:5 with linespoints pt 7 ps 0.5 title 'threads'",
        "set ylabel 'deliveries/s'",
        f"plot {d} using 1:6 with linespoints pt 7 ps 0.5 title 'deliveries/s'",
        "set ylabel ''", "set xlabel 'minutes'",
        f"plot {d} using 1:7 with linespoints pt 7 ps 0.5 title 'load average (1 min)', "
        f"{d} using 1:9 with linespoints pt 7 ps 0.5 title 'short-lived clients done/s', "
        f"{d} using 1:8 with impulses lw 3 title 'loader errors'",
        "unset multiplot",
    ]
    gp = os.path.join(run, "soak.gp")
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    try:
        subprocess.run(["gnuplot", gp], check=True, timeout=60)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        print(f"gnuplot failed: {e}", file=sys.stderr)
        return None
    return png


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
