#!/usr/bin/env python3
"""Plots of one bench/run-fanout.sh run: per subscriber count, one PNG with deliveries/s (x) against p99 in
ms (y, log scale), one line per server through every step it ran (passed and failed, in the order of the
rates asked for), and the p99 threshold of that sweep as a horizontal line. Needs gnuplot (gnuplot-nox).
A failed step's point is ringed.
usage: fanout-plot.py RUN_DIR [SERVER...]   (reads RUN_DIR/<server>-small.json and -large.json, writes
       RUN_DIR/fanout-<N>-subscribers.png; SERVER... orders the series, e.g. notify first as run-fanout.sh does)"""
import glob
import json
import os
import shutil
import subprocess
import sys

KINDS = ("small", "large")
# p99 is recorded in whole ms; 0 ms cannot sit on a log axis: such a point is drawn at 0.5 ms
FLOOR_MS = 0.5


def series(run):
    """{subs: {"limit": ms, "servers": {name: [(deliveries/s, p99 ms, pass), ...]}}}"""
    plots = {}
    for path in sorted(glob.glob(os.path.join(run, "*-*.json"))):
        base = os.path.basename(path)[:-len(".json")]
        name, _, kind = base.rpartition("-")
        if kind not in KINDS or not name:
            continue
        with open(path) as f:
            data = json.load(f)
        if data.get("mode") != "fanout" or not data.get("steps"):
            continue
        plot = plots.setdefault(data["subs"], {"limits": set(), "servers": {}})
        plot["limits"].add(data.get("p99_limit_ms", 200))
        steps = sorted(data["steps"], key=lambda s: (s["target_deliveries_per_s"], s.get("attempt", 1)))
        plot["servers"][name] = [(s["deliveries_per_s"], max(FLOOR_MS, s["latency"]["p99_ms"]), s["pass"])
                                 for s in steps if s["latency"]["count"] > 0]
    return plots


def quote(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def render(run, subs, plot, order):
    rank = {n: i for i, n in enumerate(order)}
    names = sorted(plot["servers"], key=lambda n: (rank.get(n, len(rank)), n))
    servers = {n: plot["servers"][n] for n in names if plot["servers"][n]}
    if not servers:
        return None
    png = os.path.join(run, f"fanout-{subs}-subscribers.png")
    data = os.path.join(run, f"fanout-{subs}-subscribers.dat")
    with open(data, "w") as f:
        for name, pts in servers.items():
            f.write(f"# {name}: deliveries/s, p99 ms, pass\n")
            for x, y, ok in pts:
                f.write(f"{x} {y} {1 if ok else 0}\n")
            f.write("\n\n")
    limits = sorted(plot["limits"])
    ymax = max([y for pts in servers.values() for _, y, _ in pts] + limits)
    script = [
        "set terminal pngcairo size 1100,700 noenhanced font ',11'" if has_cairo() else "set terminal png size 1100,700 noenhanced",
        f"set output {quote(png)}",
        f"set title {quote(f'fan-out, {subs:,} subscribers: p99 latency against deliveries/s (every step, passed and failed)')}",
        "set xlabel 'thousand deliveries/s (events received by all subscribers per second, measured)'",
        "set ylabel 'p99 latency, ms (log scale)'",
        "set logscale y",
        f"set yrange [{FLOOR_MS / 1.5}:{ymax * 3}]",
        "set xrange [0:*]",
        "set offsets 0, graph 0.05, 0, 0",
        "set format x '%.0f'",
        "set grid xtics ytics mytics",
        "set bmargin 7",
        "set key bmargin center horizontal box",
    ]
    for limit in limits:
        script.append(f"set arrow from graph 0, first {limit} to graph 1, first {limit} nohead dashtype 2 lw 2 lc rgb 'red'")
        script.append(f"set label {quote(f'p99 threshold {limit:g} ms')} at graph 0.99, first {limit * 1.15} right tc rgb 'red'")
    plots = []
    for i, name in enumerate(servers):
        plots.append(f"{quote(data)} index {i} using ($1/1000):2 with linespoints lw 2 pt 7 ps 1.2 lc {i + 1} title {quote(name)}")
        plots.append(f"{quote(data)} index {i} using ($1/1000):($3 == 0 ? $2 : 1/0) with points pt 6 ps 2.6 lw 2 lc {i + 1} notitle")
    if any(not ok for pts in servers.values() for _, _, ok in pts):
        plots.append("NaN with points pt 6 ps 2.6 lw 2 lc rgb 'black' title 'failed step (ringed)'")
    script.append("plot " + ", \\\n     ".join(plots))
    gp = os.path.join(run, f"fanout-{subs}-subscribers.gp")
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    subprocess.run(["gnuplot", gp], check=True, timeout=60)
    return png


_cairo = None


def has_cairo():
    global _cairo
    if _cairo is None:
        out = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True, timeout=30)
        _cairo = "pngcairo" in (out.stdout + out.stderr)
    return _cairo


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    if not shutil.which("gnuplot"):
        print("no gnuplot on the PATH (apt-get install gnuplot-nox)", file=sys.stderr)
        sys.exit(1)
    run = sys.argv[1]
    plots = series(run)
    if not plots:
        print(f"no fan-out steps in {run}", file=sys.stderr)
        sys.exit(1)
    for subs in sorted(plots):
        png = render(run, subs, plots[subs], sys.argv[2:])
        if png:
            print(f"plot: {png}")


if __name__ == "__main__":
    main()
