"""No leak over 1,000 read/solve cycles, and results identical for any thread count."""
import os

import numpy as np

import gridres
from conftest import case_path


def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def cycle(path):
    c = gridres.read_case(path)
    r = c.pf()
    assert r.converged
    c.contingency(ac=False)
    c.cascade(outage="branch:1")
    try:
        gridres.read_case(path + ".missing")
    except gridres.IOError:
        pass


def test_no_leak_over_1000_cycles(shared):
    path = case_path(shared, "case30")
    for _ in range(100):   # warm-up: allocator pools, numpy caches
        cycle(path)
    before = rss_kb()
    for _ in range(1000):
        cycle(path)
    grown = rss_kb() - before
    # one cycle holds ~100 kB; a leak of even 1 kB a cycle would show as 1 MB
    assert grown < 1024, "RSS grew by %d kB over 1,000 cycles" % grown


def test_campaign_threads_identical():
    a = gridres.campaign(runs=3, nights=2, seed=11, threads=1)
    b = gridres.campaign(runs=3, nights=2, seed=11, threads=2)
    for t in ("hourly", "nights_table", "runs_table", "events"):
        ta, tb = a[t], b[t]
        for k in (ta.keys() if hasattr(ta, "keys") else ta.columns):
            x, y = np.asarray(ta[k]), np.asarray(tb[k])
            if x.dtype == object:
                assert list(x) == list(y), (t, k)
            else:
                np.testing.assert_array_equal(x, y, err_msg="%s.%s" % (t, k))
    assert a.threads == 1 and b.threads == 2


def test_contingency_threads_identical(shared):
    c = gridres.read_case(case_path(shared, "case118"))
    a = c.contingency(ac=True, threads=1, flows=True)
    b = c.contingency(ac=True, threads=2, flows=True)
    np.testing.assert_array_equal(a.flows["pf_mw"], b.flows["pf_mw"])
    np.testing.assert_array_equal(np.asarray(a.contingencies["max_loading_pct"]),
                                  np.asarray(b.contingencies["max_loading_pct"]))
