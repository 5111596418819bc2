#!/usr/bin/env python3
"""Compares two bench/run-money.sh runs: bench/money-compare.py BEFORE_RUN_DIR AFTER_RUN_DIR [LIMIT_PERCENT]

Prints each phase's median throughput and latencies before and after, the change in percent and whether
the throughput fell by more than LIMIT_PERCENT (default 10). Exits 1 when one did. The load averages of
both runs are printed too: a comparison is only worth its noise (see docs/benchmarks.md, "Money paths")."""
import json
import pathlib
import sys


def load(run_dir):
    return json.loads((pathlib.Path(run_dir) / "results.json").read_text())


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    before, after = load(sys.argv[1]), load(sys.argv[2])
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    for label, run in (("before", before), ("after", after)):
        loads = [line for line in run["meta"] if line.startswith(("date", "commit", "load"))]
        print(f"{label}: " + " | ".join(loads))
    print()
    print("| figure | before | after | change |")
    print("|---|---:|---:|---:|")
    regressed = []
    for phase, figure, higher_is_better in (
            ("debit", "accepted_per_second", True), ("debit", "p50_ms", False), ("debit", "p99_ms", False),
            ("claims", "accepted_per_second", True), ("claims", "per_second", True),
            ("claims", "p50_ms", False), ("claims", "p99_ms", False)):
        b, a = before[phase]["median"][figure], after[phase]["median"][figure]
        change = (a - b) / b * 100 if b else float("nan")
        print(f"| {phase} {figure} | {b:,.1f} | {a:,.1f} | {change:+.1f} % |")
        if higher_is_better and figure == "accepted_per_second" and change < -limit:
            regressed.append(f"{phase} {change:+.1f} %")
    print()
    if regressed:
        print(f"throughput fell by more than {limit:g} %: " + ", ".join(regressed))
        sys.exit(1)
    print(f"no throughput fell by more than {limit:g} %")


if __name__ == "__main__":
    main()
