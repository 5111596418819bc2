#!/usr/bin/env python3
"""bench/idle-report.py RUN_DIR - the summary of a bench/run-idle.sh run: summary.json and summary.md in
RUN_DIR (the markdown is printed too). Reads meta.txt, memory-before.tsv, memory-after.tsv (one line per
instance: index pid http_port rss_kb heap_used_kb open_files gateway_connections), loader-*.ready.json
(connect results) and loader-*.json (after the hold)."""
import glob
import json
import os
import sys

COLUMNS = ["index", "pid", "http_port", "rss_kb", "heap_used_kb", "open_files", "gateway_connections"]


def tsv(path):
    rows = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                values = [int(v) if v.lstrip("-").isdigit() else None for v in line.rstrip("\n").split("\t")]
                row = dict(zip(COLUMNS, values))
                rows[row["index"]] = row
    return rows


def main(run):
    meta = {}
    with open(os.path.join(run, "meta.txt")) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    before = tsv(os.path.join(run, "memory-before.tsv"))
    after = tsv(os.path.join(run, "memory-after.tsv"))
    ready = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(run, "loader-*.ready.json")))]
    finals = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(run, "loader-[0-9]*.json")))
              if not p.endswith(".ready.json")]

    # connections each instance holds, as the loaders counted them (by the instance's port)
    by_port = {}
    for r in ready:
        for u in r["per_url"]:
            port = int(u["url"].split(":")[2].split("/")[0])
            by_port[port] = by_port.get(port, 0) + u.get("subscribed", 0)
    up = sum(r["subscribed"] for r in ready)
    failed = sum(r["failed"] for r in ready)
    start = min(r["start_epoch_ms"] for r in ready)
    end = max(r["end_epoch_ms"] for r in ready)
    seconds = (end - start) / 1000.0

    instances = []
    for i in sorted(after):
        b, a = before[i], after[i]
        held = by_port.get(a["http_port"], 0)
        inst = {
            "index": i, "pid": a["pid"], "http_port": a["http_port"], "connections": held,
            "gateway_connections_gauge": a["gateway_connections"],
            "rss_before_kb": b["rss_kb"], "rss_after_kb": a["rss_kb"],
            "heap_used_before_kb": b["heap_used_kb"], "heap_used_after_kb": a["heap_used_kb"],
            "open_files_before": b["open_files"], "open_files_after": a["open_files"],
        }
        if held:
            inst["rss_per_conn_bytes"] = round((a["rss_kb"] - b["rss_kb"]) * 1024 / held)
            inst["heap_per_conn_bytes"] = round((a["heap_used_kb"] - b["heap_used_kb"]) * 1024 / held)
        instances.append(inst)
    total = {k: sum(x[k] for x in instances) for k in
             ("connections", "rss_before_kb", "rss_after_kb", "heap_used_before_kb", "heap_used_after_kb")}
    if up:
        total["rss_per_conn_bytes"] = round((total["rss_after_kb"] - total["rss_before_kb"]) * 1024 / up)
        total["heap_per_conn_bytes"] = round((total["heap_used_after_kb"] - total["heap_used_before_kb"]) * 1024 / up)
    hold = {
        "loaders_reported": len(finals),
        "held_at_end": sum(f.get("held_at_end", 0) for f in finals),
        "held_seconds_min": min((f.get("held_seconds", 0) for f in finals), default=None),
        "closed_after_subscribed": sum(f.get("closed_after_subscribed", 0) for f in finals),
    }
    codes = {}
    for f in finals:
        for k, v in f.get("close_codes", {}).items():
            codes[k] = codes.get(k, 0) + v
    hold["close_codes"] = codes
    summary = {
        "meta": meta,
        "connect": {"requested": int(meta.get("connections", 0)), "connected": up, "failed": failed,
                    "seconds": round(seconds, 2), "handshakes_per_s": round(up / seconds) if seconds > 0 else None,
                    "loaders": [{k: r[k] for k in ("requested", "subscribed", "failed", "seconds", "handshakes_per_s",
                                                    "loader_cpu_cores")} for r in ready]},
        "instances": instances,
        "total": total,
        "hold": hold,
    }
    with open(os.path.join(run, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)

    c = summary["connect"]
    md = []
    md.append(f"## Idle connections: {up:,} of {c['requested']:,} over {len(instances)} notify-service instances\n")
    md.append(f"{meta.get('date')}, {meta.get('host')}, {meta.get('java')}, commit {meta.get('commit')}; "
              f"load average before {meta.get('load_before')}, when all were connected {meta.get('load_connected')}; "
              f"notify `{meta.get('notify_java_opts')}`, {meta.get('loaders')} loaders × {meta.get('concurrency')} "
              f"handshakes in flight, {meta.get('sources_per_loader')} source addresses each; "
              f"{meta.get('warm_n')} warm-up connections opened and closed first; open-file limit {meta.get('open_file_limit')}.\n")
    md.append(f"- connected: **{up:,}** of {c['requested']:,} ({failed:,} failed) in **{c['seconds']:.1f} s** "
              f"= **{c['handshakes_per_s']:,} handshakes/s** (JWT-authenticated upgrade, `connected`, subscribe "
              f"`leads`, `subscribed`; from the first loader's first attempt to the last loader's last `subscribed`)")
    md.append(f"- held idle {hold['held_seconds_min']} s or more after connecting: {hold['held_at_end']:,} still open "
              f"at the end, {hold['closed_after_subscribed']:,} closed meanwhile"
              + (f" (close codes {codes})" if codes else ""))
    md.append(f"- memory, all instances together (after `jcmd GC.run`): RSS {total['rss_before_kb'] / 1024:,.0f} MiB → "
              f"{total['rss_after_kb'] / 1024:,.0f} MiB = **{total.get('rss_per_conn_bytes', 0):,} B/connection**; "
              f"Java heap used {total['heap_used_before_kb'] / 1024:,.0f} MiB → {total['heap_used_after_kb'] / 1024:,.0f} MiB "
              f"= **{total.get('heap_per_conn_bytes', 0):,} B/connection**\n")
    md.append("| instance | connections | open files | RSS before KiB | RSS after KiB | RSS B/conn | heap used before KiB | heap used after KiB | heap B/conn |")
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for x in instances:
        md.append(f"| {x['index']} (pid {x['pid']}) | {x['connections']:,} | {x['open_files_after']:,} | "
                  f"{x['rss_before_kb']:,} | {x['rss_after_kb']:,} | {x.get('rss_per_conn_bytes', 0):,} | "
                  f"{x['heap_used_before_kb']:,} | {x['heap_used_after_kb']:,} | {x.get('heap_per_conn_bytes', 0):,} |")
    md.append(f"| **total** | **{total['connections']:,}** | | {total['rss_before_kb']:,} | {total['rss_after_kb']:,} | "
              f"{total.get('rss_per_conn_bytes', 0):,} | {total['heap_used_before_kb']:,} | {total['heap_used_after_kb']:,} | "
              f"{total.get('heap_per_conn_bytes', 0):,} |")
    gauges = [x["gateway_connections_gauge"] for x in instances]
    if all(g is not None and g >= 0 for g in gauges):
        md.append(f"\nThe instances' own count (gauge `leadline_gateway_connections` of /q/metrics, when measured): "
                  f"{sum(gauges):,} ({', '.join(f'{g:,}' for g in gauges)}).")
        if sum(gauges) != up:
            md.append(f"\n**WARNING: the loaders counted {up:,} connections up, the instances {sum(gauges):,}.**")
    text = "\n".join(md) + "\n"
    with open(os.path.join(run, "summary.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
