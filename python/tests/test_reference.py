"""Power flow of every case in shared/reference equals MATPOWER's, to the tolerances of
tests/unit/test_pf_reference.c (Vm 1e-6 pu, Va 1e-5 deg, flows and dispatch 1e-4 MW/MVAr)."""
import csv
import os

import numpy as np
import pytest

import gridres
from conftest import case_path, read_csv, shared_dir

TOL_VM, TOL_VA, TOL_MW = 1e-6, 1e-5, 1e-4
RUNS = [("AC_NR", "ac", ""), ("AC_NR_QLIM", "ac", "_qlim"), ("DC", "dc", "")]


def _cases():
    d = os.path.join(shared_dir(), "reference")
    if not os.path.isdir(d):
        return []
    return sorted(n for n in os.listdir(d) if os.path.isdir(os.path.join(d, n)))


def _matpower_converged(shared):
    out = {}
    with open(os.path.join(shared, "reference", "summary.csv"), newline="") as f:
        for row in csv.DictReader(f):
            out[(row["case"], row["method"])] = row["converged"] == "1"
    return out


@pytest.mark.parametrize("name", _cases())
def test_pf_matches_matpower(shared, name):
    conv = _matpower_converged(shared)
    case = gridres.read_case(case_path(shared, name))
    checked = 0
    for method, prefix, suffix in RUNS:
        ref = os.path.join(shared, "reference", name)
        fb = os.path.join(ref, "%s_bus%s.csv" % (prefix, suffix))
        if not os.path.exists(fb):
            assert not conv.get((name, method), False), "%s %s: reference missing" % (name, method)
            continue
        rb = read_csv(fb)
        rg = read_csv(os.path.join(ref, "%s_gen%s.csv" % (prefix, suffix)))
        rl = read_csv(os.path.join(ref, "%s_branch%s.csv" % (prefix, suffix)))
        r = case.pf(dc=prefix == "dc", qlim=suffix == "_qlim")
        assert r.converged, "%s %s did not converge" % (name, method)
        np.testing.assert_array_equal(np.asarray(r.res_bus["bus"]), rb["bus_id"])
        if prefix == "ac":
            np.testing.assert_allclose(r.res_bus["vm_pu"], rb["Vm_pu"], rtol=0, atol=TOL_VM)
            np.testing.assert_array_equal(np.asarray(r.res_bus["type"]), rb["type"])
        np.testing.assert_allclose(r.res_bus["va_degree"], rb["Va_deg"], rtol=0, atol=TOL_VA)
        np.testing.assert_allclose(r.res_gen["p_mw"], rg["Pg_MW"], rtol=0, atol=TOL_MW)
        if "Qg_MVAr" in rg:
            np.testing.assert_allclose(r.res_gen["q_mvar"], rg["Qg_MVAr"], rtol=0, atol=TOL_MW)
        for ours, theirs in (("p_from_mw", "Pf_MW"), ("q_from_mvar", "Qf_MVAr"),
                             ("p_to_mw", "Pt_MW"), ("q_to_mvar", "Qt_MVAr")):
            if theirs in rl:
                np.testing.assert_allclose(r.res_branch[ours], rl[theirs], rtol=0, atol=TOL_MW)
        checked += 1
    assert checked > 0 or not any(conv.get((name, m), False) for m, _, _ in RUNS)


def test_case118_to_1e6(shared):
    """The issue's done-when: MATPOWER's case118 solution to 1e-6 pu."""
    r = gridres.read_case(case_path(shared, "case118")).pf()
    ref = read_csv(os.path.join(shared, "reference", "case118", "ac_bus.csv"))
    assert np.max(np.abs(np.asarray(r.res_bus["vm_pu"]) - ref["Vm_pu"])) < 1e-6
