#!/usr/bin/env python3
"""bench_python.py — Python's overhead over the C call (docs/python.md).

For each repetition one Python call is timed with time.perf_counter() around it, and the
library's own wall clock of the C call inside it (gr_pf_ac / gr_pf_dc / gr_ctg_run:
result.solve_s, from the same call, so the two are measured interleaved, on the same
caches and the same machine load). The median of the per-call ratios is Python's overhead: the
binding's argument parsing, the copies into numpy arrays and the Python layer's tables
(goal <= 1.1).

usage: PYTHONPATH=build/python /usr/bin/python3 bench/bench_python.py [SHARED_DIR] [--reps N]
"""
import argparse
import os
import statistics
import sys
import time

import gridres


def measure(fn, reps):
    py, c = [], []
    fn()  # warm-up
    for _ in range(reps):
        t0 = time.perf_counter()
        r = fn()
        py.append(time.perf_counter() - t0)
        c.append(r.solve_s)
    ratio = statistics.median(p / q for p, q in zip(py, c))
    return statistics.median(py), statistics.median(c), ratio


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("shared", nargs="?", default=os.path.join(here, "..", "..", "shared"))
    ap.add_argument("--reps", type=int, default=21)
    a = ap.parse_args()
    path = os.path.join(a.shared, "cases", "matpower", "case2383wp.m")
    if not os.path.exists(path):
        print("bench_python: %s absent" % path, file=sys.stderr)
        return 77
    case = gridres.read_case(path)
    on = [i + 1 for i, s in enumerate(case.branch["status"]) if s > 0][:1000]
    ctg = ["branch:%d" % k for k in on]
    rows = [
        ("pf AC case2383wp", lambda: case.pf(), a.reps),
        ("pf DC case2383wp", lambda: case.pf(dc=True), a.reps),
        ("DC N-1 %d contingencies case2383wp" % len(ctg),
         lambda: case.contingency(ac=False, contingencies=ctg, threads=1), max(5, a.reps // 2)),
    ]
    print("%-42s %12s %12s %8s" % ("call", "python_ms", "c_ms", "ratio"))
    print("(medians; ratio = median over calls of python time / C time of the same call)")
    for name, fn, reps in rows:
        py, c, ratio = measure(fn, reps)
        print("%-42s %12.3f %12.3f %8.3f" % (name, py * 1e3, c * 1e3, ratio))
    return 0


if __name__ == "__main__":
    sys.exit(main())
