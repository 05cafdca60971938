#!/usr/bin/env python3
"""make_sample.py — writes the small hand-made campaign output folder used by the
report tests (tests/data/report/campaign/): a 14-bus 750/330/110 kV grid with two
cities, its overlay, and 5 runs x 4 nights of hourly, nightly, event, run and summary
files in the format of `gridres campaign` (docs/campaign.md). Deterministic; rerun it
after changing it:  python3 tests/data/report/make_sample.py"""
import json, math, os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "campaign")
RUNS, NIGHTS = 5, 4

# ---------------------------------------------------------------- grid.m
# bus: id, kv, pd, substation, city, population, heat_district
BUSES = [
    (1, 750, 0, 0, None, 0, None),       # NPP switchyard 750
    (2, 750, 0, 1, None, 0, None),       # SS750-East 750
    (3, 330, 0, 1, None, 0, None),       # SS750-East 330 (AT 2-3)
    (4, 330, 0, 2, None, 0, None),       # SS330-North
    (5, 330, 0, 3, None, 0, None),       # SS330-South
    (6, 330, 0, 4, 0, 0, None),          # CHP Ardan switchyard
    (7, 110, 40, 2, None, 70000, None),  # SS330-North 110 (T 4-7)
    (8, 110, 30, 3, None, 50000, None),  # SS330-South 110 (T 5-8)
    (9, 110, 120, 5, 0, 220000, 0),      # Ardan-1
    (10, 110, 100, 6, 0, 180000, 0),     # Ardan-2
    (11, 110, 90, 7, 1, 160000, None),   # Belov-1
    (12, 110, 30, 8, None, 45000, None), # Rural-1 (hydro)
    (13, 330, 0, 0, None, 0, None),      # NPP 330 (AT 1-13)
    (14, 110, 0, 4, 0, 0, None),         # CHP Ardan 110 (T 6-14)
]
GENS = [(1, 450, 600, 0), (6, 150, 200, 1), (12, 40, 60, 2)]  # bus, pg, pmax, plant
# from, to, r, x, b, rate, tap
BRANCHES = [
    (1, 2, 0.002, 0.03, 0.8, 2000, 0),
    (2, 3, 0.0005, 0.02, 0, 1000, 1.0),
    (1, 13, 0.0005, 0.02, 0, 1000, 1.0),
    (13, 5, 0.006, 0.04, 0.3, 700, 0),
    (3, 4, 0.006, 0.035, 0.3, 700, 0),
    (3, 6, 0.005, 0.03, 0.25, 700, 0),
    (4, 5, 0.007, 0.04, 0.3, 700, 0),
    (4, 7, 0.001, 0.05, 0, 250, 1.0),
    (5, 8, 0.001, 0.05, 0, 250, 1.0),
    (6, 14, 0.001, 0.04, 0, 300, 1.0),
    (8, 11, 0.03, 0.09, 0.01, 150, 0),
    (14, 9, 0.01, 0.03, 0.005, 200, 0),
    (14, 10, 0.01, 0.03, 0.005, 200, 0),
    (9, 10, 0.02, 0.05, 0.005, 150, 0),
    (7, 9, 0.03, 0.08, 0.01, 150, 0),
    (8, 12, 0.03, 0.09, 0.01, 120, 0),
    (11, 12, 0.03, 0.09, 0.01, 120, 0),
]
SUBS = [("NPP Zoria", "plant", 30, 75), ("SS750-East", "transmission", 160, 80),
        ("SS330-North", "transmission", 110, 125), ("SS330-South", "transmission", 100, 30),
        ("Ardan CHP", "plant", 156, 117), ("Ardan-1", "distribution", 148, 112),
        ("Ardan-2", "distribution", 153, 104), ("Belov-1", "distribution", 95, 38),
        ("Rural-1", "distribution", 60, 55)]
BUS_XY = {1: (30, 75), 13: (31, 74), 2: (160, 80), 3: (161, 81), 4: (110, 125), 7: (111, 124),
          5: (100, 30), 8: (101, 31), 6: (156, 117), 14: (157, 116), 9: (148, 112),
          10: (153, 104), 11: (95, 38), 12: (60, 55)}
CITIES = [("Ardan", 400000, 150, 110, 9.0), ("Belov", 160000, 95, 36, 6.0)]
PEAK = sum(b[2] for b in BUSES)
POP = sum(b[5] for b in BUSES)


def write_case(path):
    with open(path, "w") as f:
        f.write("function mpc = sample14\n%SAMPLE14  hand-made 750/330/110 kV grid for the report tests.\n")
        f.write("mpc.version = '2';\nmpc.baseMVA = 100;\nmpc.bus = [\n")
        for (i, kv, pd, *_rest) in BUSES:
            typ = 3 if i == 1 else (2 if i in (6, 12) else 1)
            f.write(f"\t{i}\t{typ}\t{pd}\t{pd * 0.3:g}\t0\t0\t1\t1\t0\t{kv}\t1\t1.1\t0.9;\n")
        f.write("];\nmpc.gen = [\n")
        for (b, pg, pmax, _p) in GENS:
            f.write(f"\t{b}\t{pg}\t0\t{pmax * 0.6:g}\t{-pmax * 0.3:g}\t1.02\t{pmax}\t1\t{pmax}\t0;\n")
        f.write("];\nmpc.branch = [\n")
        for (a, b, r, x, bb, rate, tap) in BRANCHES:
            f.write(f"\t{a}\t{b}\t{r}\t{x}\t{bb}\t{rate}\t{rate * 1.1:g}\t{rate * 1.2:g}\t{tap}\t0\t1\t-360\t360;\n")
        f.write("];\n")


def write_overlay(path):
    bus_lines = []
    for (i, kv, pd, sub, city, pop, heat) in BUSES:
        x, y = BUS_XY[i]
        crit = {"hospital": 2 if pop > 100000 else 0, "water": 1 if pop else 0, "heating": 1 if heat is not None else 0}
        bus_lines.append({"bus": i, "x_km": x, "y_km": y, "kv": kv, "substation": sub, "city": city,
                          "population": pop, "heat_district": heat,
                          "heat_population": int(pop * 0.6) if heat is not None else 0, "critical": crit})
    heat_pop = sum(b["heat_population"] for b in bus_lines)
    ov = {
        "format": "gridres-scenario", "version": 1, "case": "grid.m", "seed": None,
        "region": {"width_km": 200, "height_km": 150, "population": POP, "kw_per_person": 0.55, "load_pf": 0.95},
        "facility_mw": {"hospital": 0.5, "water": 0.4, "heating": 0.3},
        "cities": [{"id": k, "name": c[0], "population": c[1], "x_km": c[2], "y_km": c[3], "radius_km": c[4],
                    "heat_districts": [{"id": 0, "plant": 1, "population": heat_pop}] if k == 0 else []}
                   for k, c in enumerate(CITIES)],
        "substations": [{"id": k, "name": s[0], "kind": s[1], "x_km": s[2], "y_km": s[3]} for k, s in enumerate(SUBS)],
        "plants": [{"id": 0, "name": "Zoria NPP", "type": "nuclear", "substation": 0, "city": None},
                   {"id": 1, "name": "Ardan CHP", "type": "chp", "substation": 4, "city": 0},
                   {"id": 2, "name": "Rural hydro", "type": "hydro", "substation": 8, "city": None}],
        "buses": bus_lines,
        "generators": [{"gen": k + 1, "bus": g[0], "plant": g[3]} for k, g in enumerate(GENS)],
        "defended_zones": [{"id": 0, "name": "Ardan air defence", "city": 0, "x_km": 150, "y_km": 110, "radius_km": 25},
                           {"id": 1, "name": "Zoria NPP air defence", "city": None, "x_km": 30, "y_km": 75, "radius_km": 15}],
        "crew_bases": [{"id": 0, "name": "Ardan crew base", "substation": 5, "crews": 2, "x_km": 148, "y_km": 112}],
        "branches": [{"branch": k + 1, "from": br[0], "to": br[1],
                      "length_km": 0 if br[6] else round(math.dist(BUS_XY[br[0]], BUS_XY[br[1]]) * 1.1, 1)}
                     for k, br in enumerate(BRANCHES)],
    }
    with open(path, "w") as f:
        json.dump(ov, f, indent=1)
        f.write("\n")


# ---------------------------------------------------------------- the campaign
PROFILE = [1.0, 1.0, .98, .94, .89, .83, .78, .74, .72, .70, .70, .72, .78, .87, .93, .95,
           .95, .94, .93, .92, .91, .92, .95, .99]  # from 18:00


def num(x):
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    if x == 0:
        return "0"
    return "%.10g" % x


def campaign():
    """Per run: per hour load lost (MW), people without power and without heat; nights; events."""
    hourly, nights, events, runs, cities = [], [], [], [], []
    for r in range(1, RUNS + 1):
        f = [1.0, 0.6, 1.5, 0.3, 1.1][r - 1]  # run-to-run severity
        lost = [0.0] * (24 * NIGHTS)
        heat = [0.0] * (24 * NIGHTS)
        ev = []
        # night 1: a hit without damage
        ev.append((1, 4, "bus:4", "hit", "drone", 0))
        # night 2: Belov-1 cut off at hour 3 (branches 11 and 17 damaged): 90 MW dark;
        # branch 17 repaired at hour 15 (+ run jitter), back to 20 MW lost (operator shedding)
        t0 = 24 + 3
        ev += [(2, t0, "branch:11", "damage", "drone", 0), (2, t0, "branch:17", "damage", "drone", 0),
               (2, t0, "island:11", "shed", "islanding", 90 * min(f, 1.0))]
        rep = t0 + 12 + r
        ev.append((2, rep, "branch:17", "repair", "line", 0))
        for h in range(t0, 48):
            lost[h] = 90 * min(f, 1.0) if h < rep else 20 * f
        # night 3: cruise missiles at hour 2: SS750-East switchyard (bus 2) and the CHP unit
        t1 = 48 + 2
        ev += [(3, t1, "bus:2", "damage", "cruise", 0), (3, t1, "gen:2", "damage", "cruise", 0),
               (3, t1, "branch:8", "trip", "overload", 0), (3, t1, "bus:9", "shed", "operator_shed", 60 * f),
               (3, t1 + 2, "branch:8", "reclose", "operator", 0)]
        for h in range(t1, 24 * NIGHTS):
            lost[h] = max(lost[h], 60 * f if h < t1 + 3 else 35 * f)
            if h >= t1 + 4:
                heat[h] = 150000 * min(f, 1.2)
        # night 4: a hit without damage, no new loss
        ev.append((4, 72 + 5, "bus:4", "hit", "drone", 0))
        for (n, t, el, kind, cause, mw) in ev:
            events.append((r, n, t, el, kind, cause, mw))
        ens_tot = ch_tot = 0.0
        ppl_max = heat_max = 0.0
        for n in range(1, NIGHTS + 1):
            ens = peak = ch = hm = 0.0
            for h in range(24):
                t = 24 * (n - 1) + h
                load = PEAK * PROFILE[h]
                ls = min(lost[t] * PROFILE[h], load)
                served = load - ls
                crit = 0.05 * served
                ppl = POP * ls / load
                hourly.append((r, n, h, t, load, served, crit, ppl, heat[t]))
                # cities.csv: the people without power split over Ardan (city 1), Belov (2)
                # and the buses of no city (0); Ardan's 132 k heated people below 12 °C from
                # ten hours after the CHP unit was hit
                cold = 132000 * min(f, 1.0) if t >= t1 + 10 else 0.0
                for c, share in ((1, 0.55), (2, 0.30), (0, 0.15)):
                    cc = cold if c == 1 else 0.0
                    if ppl * share or cc:
                        cities.append((r, n, h, c, ppl * share, cc, ("", "Ardan", "Belov")[c]))
                ens += ls
                peak = max(peak, ls)
                ch += ppl
                hm = max(hm, heat[t])
                ppl_max = max(ppl_max, ppl)
            drones = [12, 40, 10, 8][n - 1]
            missiles = [0, 0, 6, 0][n - 1]
            hits = [1, 2, 3, 1][n - 1]
            nights.append((r, n, drones, missiles, drones + missiles - hits - 3, 3, hits,
                           [0, 2, 2, 0][n - 1], ens, peak, ch, hm, 0.0, drones + missiles, 4 - (n > 2), 1.0))
            ens_tot += ens
            ch_tot += ch
            heat_max = max(heat_max, hm)
        runs.append((r, ens_tot, ch_tot, ppl_max, heat_max))
    return hourly, nights, events, runs, cities


def stats(x):
    s = sorted(x)
    def pct(p):
        k = (len(s) - 1) * p / 100.0
        i = int(math.floor(k))
        j = min(i + 1, len(s) - 1)
        return s[i] + (s[j] - s[i]) * (k - i)
    return {"mean": sum(s) / len(s), "p5": pct(5), "p50": pct(50), "p95": pct(95)}


def main():
    os.makedirs(OUT, exist_ok=True)
    write_case(os.path.join(OUT, "grid.m"))
    write_overlay(os.path.join(OUT, "scenario.json"))
    hourly, nights, events, runs, cities = campaign()
    with open(os.path.join(OUT, "cities.csv"), "w") as f:
        f.write("run,night,hour,city,people_without_power,people_below_12c,name\n")
        for row in cities:
            f.write(",".join(v if isinstance(v, str) else num(v) for v in row) + "\n")
    with open(os.path.join(OUT, "hourly.csv"), "w") as f:
        f.write("run,night,hour,t_h,load_mw,served_mw,served_critical_mw,people_without_power,people_without_heat\n")
        for row in hourly:
            f.write(",".join(num(v) for v in row) + "\n")
    with open(os.path.join(OUT, "nights.csv"), "w") as f:
        f.write("run,night,drones,missiles,intercepted,ew,hits,damaged,ens_mwh,peak_lost_mw,customer_hours,"
                "people_without_heat_max,critical_dark_h,interceptors_used,spares_left,level_before_wave\n")
        for row in nights:
            f.write(",".join(num(v) for v in row) + "\n")
    with open(os.path.join(OUT, "events.csv"), "w") as f:
        f.write("run,night,t_h,element,kind,cause,mw_lost\n")
        for row in events:
            f.write(",".join(v if isinstance(v, str) else num(v) for v in row) + "\n")
    with open(os.path.join(OUT, "runs.csv"), "w") as f:
        f.write("run,ens_mwh,customer_hours,people_without_power_max,people_without_heat_max\n")
        for row in runs:
            f.write(",".join(num(v) for v in row) + "\n")
    summary = {
        "scenario": "sample: 4 nights on a 14-bus test grid", "source": "tests/data/report/make_sample.py",
        "nights": NIGHTS, "runs": RUNS, "seed": 7, "control": "shed",
        "grid": {"buses": len(BUSES), "branches": len(BRANCHES), "generators": len(GENS),
                 "population": POP, "peak_mw": PEAK, "case": "grid.m", "overlay": "scenario.json"},
        "totals": {"ens_mwh": stats([r[1] for r in runs]), "customer_hours": stats([r[2] for r in runs]),
                   "people_without_power_max": stats([r[3] for r in runs]),
                   "people_without_heat_max": stats([r[4] for r in runs]),
                   "final_level": stats([1 - 35 * [1.0, 0.6, 1.5, 0.3, 1.1][k] * PROFILE[23] / (PEAK * PROFILE[23]) for k in range(RUNS)]),
                   "worst_night": stats([3.0] * RUNS), "damaged": stats([4.0] * RUNS)},
        "interception": {"drone": {"launched": 70 * RUNS, "intercepted": 50 * RUNS, "ew": 13 * RUNS, "hits": 7 * RUNS,
                                   "intercepted_share": 50 / 70, "ew_share": 13 / 70, "downed_share": 63 / 70, "hit_share": 7 / 70},
                         "cruise": {"launched": 6 * RUNS, "intercepted": 4 * RUNS, "ew": 0, "hits": 2 * RUNS,
                                    "intercepted_share": 4 / 6, "ew_share": 0.0, "downed_share": 4 / 6, "hit_share": 2 / 6}},
        "trapezoid": {"lambda": stats([0.2, 0.13, 0.2, 0.07, 0.2]), "e_h": stats([13.0, 14, 15, 16, 17]), "events": 2 * RUNS},
        "warning_times": [{"city": "Ardan", "population": 400000, "mean_min": stats([18.0, 20, 22, 19, 21]), "shortest_min": 15.5},
                          {"city": "Belov", "population": 160000, "mean_min": stats([30.0, 31, 29, 33, 28]), "shortest_min": 27.0}],
        "repairs": {"line": {"damaged_per_run": 2.0, "repaired_per_run": 1.0, "mean_repair_h": 14.0, "mean_restore_h": 15.0},
                    "switchyard": {"damaged_per_run": 1.0, "repaired_per_run": 0.0, "mean_repair_h": 250.0, "mean_restore_h": None}},
        "files": ["hourly.csv", "nights.csv", "events.csv", "runs.csv", "cities.csv", "summary.json", "grid.m", "scenario.json"],
    }
    with open(os.path.join(OUT, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
