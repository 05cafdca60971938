#!/usr/bin/env python3
"""Read a case, run a DC N-1 and a cascade study from its worst contingency, and plot
the loading of every contingency (matplotlib, when importable).

usage: PYTHONPATH=build/python python3 examples/python/n1_and_cascade.py [CASE.m] [OUT.png]
"""
import os
import sys

import numpy as np

import gridres

here = os.path.dirname(os.path.abspath(__file__))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "..", "shared",
                                                           "cases", "matpower", "case118.m")
png = sys.argv[2] if len(sys.argv) > 2 else "n1_loading.png"

case = gridres.read_case(path)
print(case)
base = case.pf()
print("AC power flow: converged %s in %d iterations, losses %.1f MW"
      % (base.converged, base.iterations, base.loss_mw))

n1 = case.contingency(ac=False)
t = n1.contingencies
load = np.asarray(t["max_loading_pct"], dtype=float)
dark = np.asarray(t["dark_load_mw"], dtype=float)
worst = int(np.nanargmax(np.where(np.isnan(load), -1, load) + 1e6 * dark))
elements = list(t["elements"])
print("DC N-1: %d contingencies, %d with overloads, worst %s (%.1f %% loading, %.1f MW dark)"
      % (n1.count, int(np.sum(np.asarray(t["n_overloaded"]) > 0)), elements[worst],
         load[worst], dark[worst]))

spec = elements[worst].replace(";", ",")
cas = case.cascade(outage=spec, control="shed")
print("cascade from %s: %d events, %.1f of %.1f MW lost (%s)"
      % (spec, len(cas.events["t_s"]), cas.lost_mw, cas.load0_mw, cas.stop_reason))
for k, v in cas.lost_by_category_mw.items():
    if v:
        print("  %-12s %.1f MW" % (k, v))

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib not installed: no plot")
else:
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(np.arange(1, len(load) + 1), load, ".", ms=4)
    ax.axhline(100, color="r", lw=0.8)
    ax.set_xlabel("contingency (branch row)")
    ax.set_ylabel("max branch loading after the outage, % of rateA")
    ax.set_title("DC N-1 of %s" % (case.name or path))
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    print("wrote", png)
