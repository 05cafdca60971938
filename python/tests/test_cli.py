"""The package returns what the CLI writes: pf, contingency, cascade and a small campaign,
each run here through build/gridres into a temporary folder and compared column by column
(the CLI prints numbers with 10 significant digits)."""
import os
import subprocess

import numpy as np
import pytest

import gridres
from conftest import case_path, close, read_csv


def run_cli(cli, *args):
    p = subprocess.run([cli, *args], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p


@pytest.mark.parametrize("dc", [False, True])
def test_pf_equals_cli(shared, cli, tmp_path, dc):
    path = case_path(shared, "case300")
    run_cli(cli, "pf", path, "--out", str(tmp_path), *(["--dc"] if dc else []))
    r = gridres.read_case(path).pf(dc=dc)
    bus = read_csv(tmp_path / "bus.csv")
    close(r.res_bus["bus"], bus["bus_id"])
    close(r.res_bus["vm_pu"], bus["vm_pu"])
    close(r.res_bus["va_degree"], bus["va_deg"])
    close(-np.asarray(r.res_bus["p_mw"]), bus["p_inj_mw"], atol=1e-7)
    close(-np.asarray(r.res_bus["q_mvar"]), bus["q_inj_mvar"], atol=1e-7)
    gen = read_csv(tmp_path / "gen.csv")
    close(r.res_gen["p_mw"], gen["pg_mw"])
    close(r.res_gen["q_mvar"], gen["qg_mvar"])
    br = read_csv(tmp_path / "branch.csv")
    for ours, theirs in (("p_from_mw", "pf_mw"), ("q_from_mvar", "qf_mvar"),
                         ("p_to_mw", "pt_mw"), ("q_to_mvar", "qt_mvar"),
                         ("loading_percent", "loading_pct")):
        close(r.res_branch[ours], br[theirs])


@pytest.mark.parametrize("ac", [False, True])
def test_contingency_equals_cli(shared, cli, tmp_path, ac):
    path = case_path(shared, "case118" if not ac else "case30")
    run_cli(cli, "contingency", path, "--ac" if ac else "--dc", "--out", str(tmp_path),
            "--flows", "--threads", "2")
    r = gridres.read_case(path).contingency(ac=ac, flows=True, threads=2)
    c = read_csv(tmp_path / "contingencies.csv")
    t = r.contingencies
    close(t["id"], c["id"])
    assert list(t["elements"]) == list(c["elements"])
    for k in ("converged", "islands", "dark_load_mw", "max_loading_pct", "n_overloaded",
              "min_vm_pu", "max_vm_pu", "iterations"):
        close(t[k], c[k])
    mlb = np.where(np.asarray(t["max_loading_branch"]) < 0, np.nan, t["max_loading_branch"])
    close(mlb, c["max_loading_branch"])
    assert list(t["method"]) == list(c["method"])
    v = read_csv(tmp_path / "violations.csv")
    assert len(r.violations["kind"]) == len(v["kind"])
    if len(v["kind"]):
        close(r.violations["contingency"], v["contingency"])
        assert list(r.violations["kind"]) == list(v["kind"])
        close(r.violations["value"], v["value"])
        close(r.violations["limit"], v["limit"])
    f = read_csv(tmp_path / "flows.csv")
    n, nl = r.flows["pf_mw"].shape
    close(r.flows["pf_mw"].ravel(), f["pf_mw"])
    close(r.flows["qt_mvar"].ravel(), f["qt_mvar"])
    assert n * nl == len(f["pf_mw"])


def test_cascade_equals_cli(shared, cli, tmp_path):
    path = case_path(shared, "case118")
    # a heavy double outage that trips further lines
    spec = "branch:7,branch:9,branch:38"
    run_cli(cli, "cascade", path, "--outage", spec, "--control", "shed", "--out", str(tmp_path))
    r = gridres.read_case(path).cascade(outage=spec, control="shed")
    e = read_csv(tmp_path / "events.csv")
    assert len(r.events["t_s"]) == len(e["t_s"]) > 0
    close(r.events["t_s"], e["t_s"])
    assert list(r.events["element"]) == list(e["element"])
    assert list(r.events["cause"]) == list(e["cause"])
    close(r.events["mw_lost"], e["mw_lost"])


def test_cascade_random_n2_equals_cli(shared, cli, tmp_path):
    path = case_path(shared, "case30")
    run_cli(cli, "cascade", path, "--random-n2", "40", "--seed", "7", "--out", str(tmp_path))
    r = gridres.read_case(path).cascade(random_n2=40, seed=7)
    los = read_csv(tmp_path / "losses.csv")
    close(r.losses["branch1"], los["branch1"])
    close(r.losses["branch2"], los["branch2"])
    close(r.losses["mw_lost"], los["mw_lost"])
    close(r.losses["n_trips"], los["n_trips"])
    cc = read_csv(tmp_path / "ccdf.csv")
    close(r.ccdf["mw_lost"], cc["mw_lost"])
    close(r.ccdf["p_exceed"], cc["p_exceed"])


def test_campaign_equals_cli(cli, tmp_path):
    run_cli(cli, "campaign", "--nights", "2", "--runs", "2", "--seed", "5", "--out",
            str(tmp_path), "--quiet")
    r = gridres.campaign(runs=2, nights=2, seed=5)
    h = read_csv(tmp_path / "hourly.csv")
    for k in r.hourly.keys() if hasattr(r.hourly, "keys") else r.hourly.columns:
        close(r.hourly[k], h[k])
    n = read_csv(tmp_path / "nights.csv")
    cols = list(r.nights_table.keys()) if hasattr(r.nights_table, "keys") else list(r.nights_table.columns)
    assert cols == list(n.keys())
    for k in cols:
        close(r.nights_table[k], n[k])
    ru = read_csv(tmp_path / "runs.csv")
    for k in ru:
        close(r.runs_table[k], ru[k])
    ev = read_csv(tmp_path / "events.csv")
    assert len(r.events["t_h"]) == len(ev["t_h"]) > 0
    close(r.events["t_h"], ev["t_h"])
    for k in ("element", "kind", "cause"):
        assert list(r.events[k]) == list(ev[k])
    close(r.events["mw_lost"], ev["mw_lost"])
