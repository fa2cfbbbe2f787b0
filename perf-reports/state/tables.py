#!/usr/bin/env python3
"""Markdown tables from the JMH JSON of SlotTableBenchmark: throughput per store and the ratios of
MappedSlotTable against Long2LongHashMap and Chronicle Map measured in the same run.
Usage: tables.py jmh-round1.json [jmh-round2.json ...]"""
import json
import sys
from collections import defaultdict

IMPLS = ["mapped", "direct", "l2l", "hashmap", "chronicle", "rawmemory"]


def load(path):
    scores = {}
    for r in json.load(open(path)):
        op = r["benchmark"].rsplit(".", 1)[1]
        p = r["params"]
        scores[(op, int(p["keys"]), p["distribution"], p["impl"])] = (
            r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"])
    return scores


def fmt_keys(k):
    return f"{k // 1_000_000}M"


def main():
    runs = [load(p) for p in sys.argv[1:]]
    for i, (path, scores) in enumerate(zip(sys.argv[1:], runs)):
        print(f"\n#### Run {i + 1} (`{path}`), ops/µs, higher is better (± is JMH's 99.9% error)\n")
        print("| op | keys | keys drawn | " + " | ".join(IMPLS) + " | mapped/l2l | mapped/chronicle |")
        print("|---|---|---|" + "---|" * len(IMPLS) + "---|---|")
        combos = sorted({(op, k, d) for (op, k, d, _) in scores},
                        key=lambda c: (["get", "put", "update"].index(c[0]), c[1], c[2]))
        for op, k, d in combos:
            cells = []
            for impl in IMPLS:
                s = scores.get((op, k, d, impl))
                cells.append(f"{s[0]:.2f} ± {s[1]:.2f}" if s else "-")
            m = scores.get((op, k, d, "mapped"))
            l2l = scores.get((op, k, d, "l2l"))
            cm = scores.get((op, k, d, "chronicle"))
            r1 = f"{m[0] / l2l[0]:.2f}" if m and l2l else "-"
            r2 = f"{m[0] / cm[0]:.1f}x" if m and cm else "-"
            print(f"| {op} | {fmt_keys(k)} | {d} | " + " | ".join(cells) + f" | {r1} | {r2} |")
    if len(runs) > 1:
        print("\n#### Ratios over the runs (min – max)\n")
        print("| op | keys | keys drawn | mapped/l2l | mapped/chronicle | mapped/direct |")
        print("|---|---|---|---|---|---|")
        combos = sorted(set.intersection(*[{(op, k, d) for (op, k, d, _) in s} for s in runs]),
                        key=lambda c: (["get", "put", "update"].index(c[0]), c[1], c[2]))
        for op, k, d in combos:
            cols = []
            for other in ["l2l", "chronicle", "direct"]:
                vals = [s[(op, k, d, "mapped")][0] / s[(op, k, d, other)][0]
                        for s in runs if (op, k, d, "mapped") in s and (op, k, d, other) in s]
                cols.append(f"{min(vals):.2f} – {max(vals):.2f}" if vals else "-")
            print(f"| {op} | {fmt_keys(k)} | {d} | " + " | ".join(cols) + " |")


if __name__ == "__main__":
    main()
