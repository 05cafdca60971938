"""gridres — power-grid resilience engine (Python binding of libgridres).

    import gridres
    case = gridres.read_case("case118.m")
    res = case.pf()
    print(res.converged, res.res_bus["vm_pu"][:5])

Every table is a pandas DataFrame when pandas is importable, else a :class:`Table`
(a dict of equal-length numpy columns with ``to_pandas()``). Library errors raise
:class:`gridres.Error` subclasses carrying the library's message. See docs/python.md.
"""
import math as _math
import os as _os

import numpy as _np

from . import _core
from ._core import (Error, ParseError, InvalidError, IOError, NoMemoryError,  # noqa: F401
                    SingularError, LPError, NotFoundError, InfeasibleError, ExistsError)

__version__ = _core.LIB_VERSION
__all__ = ["read_case", "parse_case", "from_pandapower", "campaign", "synth", "Case", "Table",
           "Result", "Error", "ParseError", "InvalidError", "IOError", "NoMemoryError",
           "SingularError", "LPError", "NotFoundError", "InfeasibleError", "ExistsError",
           "use_pandas"]

try:  # optional
    import pandas as _pd
except ImportError:  # pragma: no cover - pandas is optional
    _pd = None

_use_pandas = _pd is not None


def use_pandas(flag=None):
    """Return whether tables are DataFrames; with a bool, switch it (False: Table)."""
    global _use_pandas
    if flag is not None:
        if flag and _pd is None:
            raise ImportError("pandas is not installed")
        _use_pandas = bool(flag)
    return _use_pandas


class Table(dict):
    """Columns of equal length: ``t["vm_pu"]`` is a numpy array. ``t.columns`` lists
    them in order; ``len(t)`` is the number of rows; ``t.to_pandas()`` converts."""

    @property
    def columns(self):
        return list(self.keys())

    def __len__(self):
        for v in self.values():
            return len(v)
        return 0

    @property
    def shape(self):
        return (len(self), len(self.keys()))

    def to_pandas(self):
        if _pd is None:
            raise ImportError("pandas is not installed")
        return _pd.DataFrame(dict(self))

    def __repr__(self):
        return "Table(%d rows: %s)" % (len(self), ", ".join(self.keys()))


def _table(cols, index=None):
    t = Table(cols)
    if _use_pandas:
        df = t.to_pandas()
        if index is not None:
            df.index = _pd.Index(cols[index], name=index) if isinstance(index, str) else index
        return df
    return t


class Result:
    """What a study returns: figures as attributes (``r.converged``), tables as
    DataFrames/Tables; ``r["name"]`` and ``r.keys()`` work as for a dict."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __getitem__(self, k):
        return self.__dict__[k]

    def keys(self):
        return self.__dict__.keys()

    def __contains__(self, k):
        return k in self.__dict__

    def __repr__(self):
        items = []
        for k, v in self.__dict__.items():
            if isinstance(v, (int, float, bool, str)) or v is None:
                items.append("%s=%r" % (k, v))
            else:
                items.append("%s=<%s>" % (k, type(v).__name__))
        return "Result(%s)" % ", ".join(items)


_RAD2DEG = 180.0 / _math.pi
_ELEMENTS = {"branch": 1, "branches": 1, "gen": 2, "gens": 2}
_CTG_METHODS = _np.array(["none", "lodf", "fast", "islands", "full", "?"], dtype=object)
_VIOL_KINDS = _np.array(["flow", "vmin", "vmax", "not_converged", "?"], dtype=object)


def _fspath(p):
    return None if p is None else _os.fspath(p)


def _check_threads(threads):
    if threads is None:
        return 0
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
        raise InvalidError("threads must be a non-negative integer (0: OpenMP's default), "
                           "not %r" % (threads,))
    return threads


class Case:
    """A MATPOWER case (read from .m or PSS/E .raw) and its grid model."""

    def __init__(self, ccase):
        if not isinstance(ccase, _core.CCase):
            raise TypeError("use gridres.read_case(path) or gridres.parse_case(text)")
        self._c = ccase
        self._t = None
        self._gi = None

    # -- data ------------------------------------------------------------
    def _tables(self):
        if self._t is None:
            self._t = self._c.tables()
        return self._t

    def _grid(self):
        if self._gi is None:
            self._gi = self._c.grid_info()
        return self._gi

    @property
    def name(self):
        return self._tables()["name"]

    @property
    def path(self):
        return self._tables()["path"]

    @property
    def base_mva(self):
        return self._tables()["base_mva"]

    @property
    def warnings(self):
        """The reader's notes (what a RAW file held that the case cannot)."""
        return list(self._tables()["warnings"])

    @property
    def bus(self):
        cols = dict(self._tables()["bus"])
        if self._tables()["bus_name"] is not None:
            cols["name"] = _np.array(self._tables()["bus_name"], dtype=object)
        return _table(cols)

    @property
    def gen(self):
        return _table(dict(self._tables()["gen"]))

    @property
    def branch(self):
        return _table(dict(self._tables()["branch"]))

    @property
    def gencost(self):
        return self._tables()["gencost"].copy()

    def __repr__(self):
        t = self._tables()
        return "<gridres.Case %s: %d buses, %d generators, %d branches>" % (
            t["name"] or t["path"], len(t["bus"]["bus_i"]), len(t["gen"]["bus"]),
            len(t["branch"]["f_bus"]))

    def write(self, path):
        """Write the case as a MATPOWER file that read_case reads back bit-identically."""
        self._c.write(_fspath(path))

    # -- power flow ------------------------------------------------------
    def pf(self, dc=False, qlim=False, tol=1e-8, max_iter=10, flat=False,
           distributed_slack=False):
        """AC (Newton-Raphson) or DC power flow; `gridres pf`. Non-convergence is a
        result (converged False), not an error."""
        if dc and (qlim or flat or distributed_slack):
            raise InvalidError("qlim, flat and distributed_slack apply to the AC power flow "
                               "only, not with dc=True")
        r = self._c.pf(dc=bool(dc), qlim=bool(qlim), tol=float(tol), max_iter=int(max_iter),
                       flat=bool(flat), distributed_slack=bool(distributed_slack))
        gi = self._grid()
        base = gi["base_mva"]
        nb = len(gi["bus_id"])
        fi, ti = gi["br_f"], gi["br_t"]
        qf = _np.zeros_like(r["qf"]) if dc else r["qf"]
        qt = _np.zeros_like(r["qt"]) if dc else r["qt"]
        pinj = _np.bincount(fi, r["pf"], nb) + _np.bincount(ti, r["pt"], nb)
        qinj = _np.bincount(fi, qf, nb) + _np.bincount(ti, qt, nb)
        res_bus = {
            "bus": gi["bus_id"],
            "vm_pu": _np.ones(nb) if dc else r["vm"],
            "va_degree": r["va"] * _RAD2DEG,
            "p_mw": -pinj * base,          # pandapower's sign: consumption positive
            "q_mvar": -qinj * base,
            "type": r["bus_type"],
            "island": r["bus_island"],
        }
        sf = _np.abs(r["pf"]) if dc else _np.hypot(r["pf"], qf)
        st = _np.abs(r["pt"]) if dc else _np.hypot(r["pt"], qt)
        rated = gi["rate_a"] > 0
        loading = _np.full(len(sf), _np.nan)
        loading[rated] = 100.0 * _np.maximum(sf[rated], st[rated]) / gi["rate_a"][rated]
        res_branch = {
            "from_bus": gi["from_bus_id"], "to_bus": gi["to_bus_id"],
            "p_from_mw": r["pf"] * base, "q_from_mvar": qf * base,
            "p_to_mw": r["pt"] * base, "q_to_mvar": qt * base,
            "pl_mw": (r["pf"] + r["pt"]) * base, "ql_mvar": (qf + qt) * base,
            "loading_percent": loading, "in_service": gi["br_on"].astype(bool),
        }
        res_gen = {
            "bus": gi["gen_bus_id"], "p_mw": r["pg"] * base,
            "q_mvar": _np.zeros_like(r["qg"]) if dc else r["qg"] * base,
            "in_service": gi["gen_on"].astype(bool),
        }
        return Result(converged=bool(r["converged"]), iterations=r["iterations"],
                      max_mismatch_pu=r["max_mismatch"], islands=r["n_islands"],
                      dark_islands=r["n_dark_islands"], loss_mw=r["loss_p"] * base,
                      loss_mvar=0.0 if dc else r["loss_q"] * base,
                      dark_load_mw=r["dark_load_p"] * base, solve_s=r["solve_s"],
                      method="dc" if dc else "ac",
                      res_bus=_table(res_bus), res_branch=_table(res_branch),
                      res_gen=_table(res_gen))

    # -- contingencies ---------------------------------------------------
    def contingency(self, ac=True, n2=False, contingencies=None, elements="branch",
                    qlim=False, tol=1e-8, max_iter=10, threads=0, flows=False):
        """N-1 (default), N-2 (n2=True) or listed contingencies (`contingencies`: a file
        path, or a list such as ["branch:12", "branch:12,branch:40", "gen:3"]);
        `gridres contingency`. Tables as the CLI's contingencies.csv and
        violations.csv; with flows=True also `flows` (contingency x branch arrays, MW)."""
        if not ac and (qlim or tol != 1e-8 or max_iter != 10):
            raise InvalidError("qlim, tol and max_iter apply to the AC model only, not with "
                               "ac=False")
        mask = 0
        for e in str(elements).split(","):
            if e.strip() not in _ELEMENTS:
                raise InvalidError("elements expects branch, gen or branch,gen, got %r"
                                   % (elements,))
            mask |= _ELEMENTS[e.strip()]
        kw = dict(ac=bool(ac), qlim=bool(qlim), tol=float(tol), max_iter=int(max_iter),
                  kind="n-2" if n2 else "n-1", elements=mask, threads=_check_threads(threads),
                  keep_flows=bool(flows))
        if contingencies is not None:
            if n2:
                raise InvalidError("n2 and contingencies exclude each other")
            if isinstance(contingencies, (str, bytes, _os.PathLike)):
                kw["list_path"] = _fspath(contingencies)
            else:
                kw["list_text"] = "\n".join(str(c) for c in contingencies) + "\n"
        r = self._c.contingency(**kw)
        gi = self._grid()
        base = gi["base_mva"]
        n = r["n"]
        names = r["elements"]
        mlb = r["max_loading_branch"]
        ctg = {
            "id": r["label"], "elements": _np.array(names, dtype=object),
            "converged": r["converged"], "islands": r["islands"],
            "dark_load_mw": r["dark_load_p"] * base,
            "max_loading_pct": r["max_loading"] * 100.0,
            "max_loading_branch": _np.where(mlb >= 0, mlb + 1, -1),
            "n_overloaded": r["n_overloaded"], "min_vm_pu": r["vm_min"],
            "max_vm_pu": r["vm_max"], "iterations": r["iterations"],
            "method": _CTG_METHODS[_np.clip(r["method"], 0, 5)],
            "n_new_or_worse": r["n_new_viol"],
        }
        vk = r["viol_kind"]
        elem = r["viol_element_name"]
        flow = vk == 0
        viol = {
            "contingency": r["label"][r["viol_ctg"]] if len(vk) else r["viol_ctg"],
            "element": _np.array(elem, dtype=object),
            "kind": _VIOL_KINDS[_np.clip(vk, 0, 4)],
            "value": _np.where(flow, r["viol_value"] * base, r["viol_value"]),
            "limit": _np.where(vk == 3, _np.nan,
                               _np.where(flow, r["viol_limit"] * base, r["viol_limit"])),
            "new_or_worse": r["viol_new_or_worse"],
        }
        out = Result(model="ac" if ac else "dc", count=n, threads=r["threads"],
                     solve_s=r["solve_s"], base_max_loading_pct=r["base_max_loading"] * 100.0,
                     base_violations=r["base_nviol"], with_new_or_worse=r["n_ctg_new"],
                     skipped_changes=r["n_ignored"], contingencies=_table(ctg),
                     violations=_table(viol))
        if flows:
            out.flows = {k: r[s] * base for k, s in
                         (("pf_mw", "pf"), ("qf_mvar", "qf"), ("pt_mw", "pt"),
                          ("qt_mvar", "qt"))}
        return out

    def sens(self, ptdf=True, lodf=True, monitored=None, outaged=None):
        """DC sensitivities (MATPOWER's makePTDF/makeLODF model; `gridres sens`):
        ``ptdf`` (monitored branches x buses) and ``lodf`` (monitored x outaged branches)
        as numpy arrays. monitored/outaged: 0-based branch rows (None: all)."""
        r = self._c.sens(ptdf=bool(ptdf), lodf=bool(lodf), monitored=monitored,
                         outaged=outaged)
        return Result(ptdf=r["ptdf"], lodf=r["lodf"], monitored=r["monitored"],
                      outaged=r["outaged"], bus=self._grid()["bus_id"])

    # -- cascades and shedding -------------------------------------------
    def cascade(self, outage=None, random_n2=None, seed=None, ac=False, qlim=False,
                control="none", rating=None, base_overload=None, t_max=None, overlay=None,
                threads=0):
        """One cascading failure from `outage` (element names as the CLI: "branch:12,
        trafo:3,gen:3,bus:45", or an overlay's substation/plant names), or a Monte
        Carlo of `random_n2` random N-2 events with `seed`; `gridres cascade`."""
        common = dict(ac=bool(ac), qlim=bool(qlim), control=str(control), rating=rating,
                      base_overload=base_overload, t_max=-1.0 if t_max is None else float(t_max))
        if overlay is not None:
            common["overlay"] = _fspath(overlay)
        if random_n2 is not None:
            if outage is not None:
                raise InvalidError("outage and random_n2 exclude each other")
            if seed is None:
                raise InvalidError("random_n2 needs seed (a non-negative integer)")
            m = self._c.cascade_random_n2(int(random_n2), int(seed),
                                          threads=_check_threads(threads), **common)
            load0 = m["load0_mw"]
            losses = {"event": _np.arange(1, len(m["mw_lost"]) + 1),
                      "branch1": m["branch1"] + 1, "branch2": m["branch2"] + 1,
                      "mw_lost": m["mw_lost"], "fraction": m["fraction"],
                      "n_trips": m["n_trips"], "status": m["status"]}
            ccdf = {"mw_lost": m["ccdf_mw"],
                    "fraction": m["ccdf_mw"] / load0 if load0 > 0 else m["ccdf_mw"] * 0,
                    "p_exceed": m["ccdf_p"]}
            return Result(load0_mw=load0, losses=_table(losses), ccdf=_table(ccdf),
                          lost_by_category_mw=m["lost_by_cat_mw"])
        if outage is None:
            raise InvalidError("give outage=SPEC or random_n2=N")
        if seed is not None or threads:
            raise InvalidError("seed and threads go with random_n2")
        r = self._c.cascade(str(outage), **common)
        events = {"t_s": r["t_s"], "element": _np.array(r["element"], dtype=object),
                  "cause": _np.array(r["cause"], dtype=object), "mw_lost": r["mw_lost"],
                  "value": r["value"]}
        stop = {0: "no overload left", 1: "time limit", 2: "step limit"}
        return Result(load0_mw=r["load0_mw"], served_mw=r["served_mw"], lost_mw=r["lost_mw"],
                      lost_by_category_mw=r["lost_by_category_mw"],
                      operator_shed_mw=r["operator_shed_mw"], n_trips=r["n_trips"],
                      n_steps=r["n_steps"], t_end_s=r["t_end_s"],
                      stop_reason=stop.get(r["stop_reason"], "?"), islands=r["n_islands"],
                      dark_islands=r["n_dark_islands"], events=_table(events),
                      final=_table({"bus": self._grid()["bus_id"], "pd_mw": r["pd_mw"],
                                    "island": r["bus_island"]}),
                      branch_on=r["br_on"].astype(bool), gen_on=r["gen_on"].astype(bool),
                      gen_pg_mw=r["pg_mw"])

    def shed(self, outage="", rating="A", overlay=None):
        """Emergency load shedding (DC optimal shedding LP with priority classes;
        `gridres shed`). Tables as the CLI's shed.csv and flows.csv."""
        kw = dict(outage=str(outage), rating=str(rating))
        if overlay is not None:
            kw["overlay"] = _fspath(overlay)
        r = self._c.shed(**kw)
        gi = self._grid()
        base = gi["base_mva"]
        lim = r["rate_b"] if str(rating).upper() == "B" else r["rate_a"]
        if str(rating).upper() == "B":
            lim = _np.where(lim > 0, lim, r["rate_a"])
        with _np.errstate(divide="ignore", invalid="ignore"):
            loading = _np.where(lim > 0, 100.0 * _np.abs(r["flow_p"]) / lim, _np.nan)
        sc = r["shed_class_p"] * base
        shed_t = {"bus_id": gi["bus_id"], "load_mw": r["load_p"] * base,
                  "shed_mw": r["shed_p"] * base, "shed_critical_mw": sc[:, 0],
                  "shed_residential_mw": sc[:, 1], "shed_other_mw": sc[:, 2]}
        flows = {"branch": _np.arange(1, len(lim) + 1), "from": gi["from_bus_id"],
                 "to": gi["to_bus_id"], "flow_mw": r["flow_p"] * base, "limit_mw": lim * base,
                 "loading_pct": loading}
        return Result(shed_mw=r["shed_total_p"] * base,
                      shed_by_class_mw=dict(zip(("critical", "residential", "other"),
                                                r["shed_by_class_p"] * base)),
                      dark_mw=r["dark_p"] * base, objective=r["objective"],
                      lp_iterations=r["lp_iterations"], solve_s=r["solve_s"],
                      shed=_table(shed_t), flows=_table(flows), gen_pg_mw=r["pg"] * base)

    def restore(self, damage, method="rad", crews=4, overlay=None, seed=1, horizon_h=0.0,
                speed_kmh=60.0, work_h=16.0, start_h=0.0, mip_time_s=60.0):
        """Repair plan for damage.json (`gridres restore`): the schedule and the
        served-load curve, as the CLI's schedule.csv and curve.csv."""
        kw = dict(method=str(method), crews=int(crews), seed=int(seed),
                  horizon_h=float(horizon_h), speed_kmh=float(speed_kmh), work_h=float(work_h),
                  start_h=float(start_h), mip_time_s=float(mip_time_s))
        if overlay is not None:
            kw["overlay"] = _fspath(overlay)
        r = self._c.restore(_fspath(damage), **kw)
        sched = {"crew": r["crew"], "element": _np.array(r["element"], dtype=object),
                 "depart_h": r["depart_h"], "arrive_h": r["arrive_h"], "start_h": r["start_h"],
                 "end_h": r["end_h"], "spare_used": r["spare_used"]}
        curve = {"t_h": r["step_t_h"], "served_mw": r["step_served_mw"],
                 "served_critical_mw": r["step_served_critical_mw"],
                 "people_without_power": r["step_people_out"], "repaired": r["step_repaired"]}
        return Result(method=r["method"], start_h=r["start_h"], end_h=r["end_h"],
                      ens_mwh=r["ens_mwh"], ens_weighted=r["ens_weighted"],
                      people_out_h=r["people_out_h"], objective=r["objective"],
                      demand_mw=r["demand_mw"], lp_solves=r["lp_solves"],
                      schedule=_table(sched), curve=_table(curve))


# -- module functions -----------------------------------------------------
def read_case(path):
    """Read a MATPOWER case (.m) or a PSS/E RAW file (.raw, by extension)."""
    return Case(_core.read_case(_fspath(path)))


def parse_case(text, name="<string>", raw=False):
    """Parse a case from a string (MATPOWER, or PSS/E RAW with raw=True)."""
    if isinstance(text, bytes):
        text = text.decode()
    return Case(_core.parse_case(text, name, bool(raw)))


def from_pandapower(net):
    """A Case from a pandapower network, through pandapower's own converter to a
    MATPOWER case (pandapower.converter.to_mpc), written to a temporary file and read
    back. Needs pandapower (optional)."""
    try:
        import pandapower.converter as pc
    except ImportError as e:  # pragma: no cover - depends on pandapower
        raise ImportError("from_pandapower needs pandapower (pip install pandapower)") from e
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        mpc = pc.to_mpc(net, filename=None)
        m = _os.path.join(d, "net.m")
        _write_mpc_dict(mpc["mpc"] if "mpc" in mpc else mpc, m)
        return read_case(m)


def _write_mpc_dict(mpc, path):
    """Write a MATPOWER case dict (baseMVA, bus, gen, branch[, gencost]) as a .m file."""
    def mat(name, a):
        a = _np.atleast_2d(_np.asarray(a, dtype=float))
        rows = ";\n".join("\t" + "\t".join(repr(float(x)) for x in row) for row in a)
        return "mpc.%s = [\n%s;\n];\n" % (name, rows)
    with open(path, "w") as f:
        f.write("function mpc = net\nmpc.version = '2';\n")
        f.write("mpc.baseMVA = %r;\n" % float(mpc["baseMVA"]))
        for k in ("bus", "gen", "branch", "gencost"):
            if k in mpc and _np.size(mpc[k]):
                f.write(mat(k, mpc[k]))


def campaign(scenario=None, runs=1, nights=0, threads=0, seed=1, control=None):
    """A multi-night strike campaign (`gridres campaign`): the built-in scenario when
    scenario is None, else a scenario.json path. Tables as the CLI's hourly.csv,
    nights.csv, events.csv and runs.csv; identical for any thread count."""
    kw = dict(runs=int(runs), nights=int(nights), threads=_check_threads(threads),
              seed=int(seed))
    if control is not None:
        kw["control"] = str(control)
    if scenario is not None:
        kw["scenario"] = _fspath(scenario)
    r = _core.campaign(**kw)
    R, N = r["runs"], r["nights"]
    run = _np.repeat(_np.arange(1, R + 1), N)
    night = _np.tile(_np.arange(1, N + 1), R)
    h = r["hourly"]
    nh = h.shape[0]
    hourly = {"run": _np.repeat(_np.arange(1, R + 1), N * 24)[:nh],
              "night": _np.tile(_np.repeat(_np.arange(1, N + 1), 24), R)[:nh],
              "hour": _np.tile(_np.arange(24), R * N)[:nh],
              "t_h": _np.tile(_np.arange(N * 24), R)[:nh],
              "load_mw": h[:, 0], "served_mw": h[:, 1], "served_critical_mw": h[:, 2],
              "people_without_power": h[:, 3], "people_without_heat": h[:, 4]}
    nights_t = {"run": run, "night": night}
    nights_t.update(r["nights_table"])
    order = ["run", "night", "drones", "missiles", "intercepted", "ew", "hits", "damaged",
             "ens_mwh", "peak_lost_mw", "customer_hours", "people_without_heat_max",
             "critical_dark_h", "interceptors_used", "spares_left", "level_before_wave"]
    nights_t = {k: nights_t[k] for k in order}
    runs_t = {"run": _np.arange(1, R + 1)}
    runs_t.update(r["runs_table"])
    ev = r["events_table"]
    events = {k: (_np.array(ev[k], dtype=object) if isinstance(ev[k], list) else ev[k])
              for k in ("run", "night", "t_h", "element", "kind", "cause", "mw_lost")}
    return Result(runs=R, nights=N, seed=r["seed"], population=r["population"],
                  peak_mw=r["peak_mw"], scenario=r["scenario_name"],
                  source=r["scenario_source"], threads=r["threads"], wall_s=r["wall_s"],
                  lp_solves=r["lp_solves"], status=r["status"],
                  hourly=_table(hourly), nights_table=_table(nights_t),
                  events=_table(events), runs_table=_table(runs_t))


def synth(n_bus=2000, seed=1, n_cities=0, population=0.0, region_km=0.0, tune=True,
          overlay=None):
    """A synthetic regional grid (`gridres synth`): returns the Case; with
    overlay=PATH also writes its scenario overlay (scenario.json) there."""
    kw = dict(n_bus=int(n_bus), seed=int(seed), n_cities=int(n_cities),
              population=float(population), region_km=float(region_km), tune=bool(tune))
    if overlay is not None:
        kw["overlay_path"] = _fspath(overlay)
    return Case(_core.synth(**kw))
