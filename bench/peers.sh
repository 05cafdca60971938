#!/usr/bin/env bash
# peers.sh — gridres against lightsim2grid (the peer in ../shared/anchors/lightsim2grid), timed side by side in one run: AC power flow (cold and warm), DC power flow, AC N-1 per contingency.
#
# usage: bench/peers.sh [BENCH_PF_BINARY]        (default: build/bench/bench_pf)
# environment:
#   CASES="case2383wp case2869pegase case9241pegase case13659pegase"
#                   MATPOWER cases (looked up in ../shared/cases/matpower, then pglib)
#   ROUNDS=3        rounds; each round runs, case by case, the peer then gridres
#                   (A B A B ...), and the table shows the median over rounds
#   REPS=5          repetitions inside one measurement (each side reports its median)
#   N1_MAX=400      AC N-1 of the branches among the first N1_MAX rows (0: no N-1)
#   ANCHOR=...      the peer's folder (default ../shared/anchors/lightsim2grid)
#   SCRATCH=        keep every raw measurement in this folder (default: a temporary one)
# Both sides solve the same model (MATPOWER's: pi branches, tap and shift on the from
# side, shunts, one slack, no Q limits) with the same settings: flat start, max |mismatch|
# <= 1e-8 pu, at most 10 Newton iterations. A case that has no flat-start solution for
# gridres (case13659pegase: Newton diverges from 1.0 pu, on both sides) is solved by both
# from the case's own voltages instead (MATPOWER's default), and the table says so.
# What is timed:
#   peer: bench_anchors.py's medians (ms): ls_ac_algo_ms (its Newton solver, a fresh model
#     each repetition, its symbolic analysis included, Ybus excluded), ls_ac_gridmodel_ms
#     (GridModel's own timer of the whole ac_pf: Ybus, solver, results), ls_ac_warm_algo_ms
#     (a re-solve on a model solved once), ls_dc_ms and ls_dc_gridmodel_ms (the DC solver's
#     timer, and the whole dc_pf's), n1_ms_per_cont (ContingencyAnalysisCPP,
#     1 thread, from the base solution, preprocessing excluded; outages that split the grid
#     are skipped but stay in the count) and n1_ms_per_cont_connected_only;
#   gridres: `bench_pf --peer` (ms): gr_pf_ac as a whole (islands, Ybus, ordering, analysis,
#     Newton, flows: more than the peer's figure), the Newton solve alone (pattern, ordering,
#     analysis, factorisations, iterations, with Ybus built before the clock starts as the
#     peer's timer does; bench_pf checks it takes the same steps to the same voltages),
#     gr_pf_solver_solve on a solver used once,
#     gr_pf_dc, and gr_ctg_run on 1 thread (the contingencies' own times over their number;
#     outages that split the grid are solved, and counted).
# Without the peer (its folder, /usr/bin/python3 with numpy and scipy) it says so and exits 0.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
B="${1:-$root/build/bench/bench_pf}"
ANCHOR="${ANCHOR:-$root/../shared/anchors/lightsim2grid}"
CASES="${CASES:-case2383wp case2869pegase case9241pegase case13659pegase}"
ROUNDS="${ROUNDS:-3}"
REPS="${REPS:-5}"
N1_MAX="${N1_MAX:-400}"
PY=/usr/bin/python3

skip() { echo "peers.sh: skipped: $*"; exit 0; }
[ -f "$ANCHOR/bench_anchors.py" ] || skip "no peer at $ANCHOR"
[ -x "$PY" ] || skip "no $PY (the peer runs with Debian's python3)"
"$PY" -c 'import numpy, scipy' 2>/dev/null || skip "$PY lacks numpy/scipy (python3-numpy python3-scipy)"
ANCHOR="$(cd "$ANCHOR" && pwd)"
export PYTHONPATH="$ANCHOR/shims:$ANCHOR/pkg:$ANCHOR"
"$PY" -c 'import lightsim2grid' 2>/dev/null || skip "lightsim2grid does not import from $ANCHOR/pkg"
[ -x "$B" ] || { echo "peers.sh: no bench_pf at $B (build first, or give its path)" >&2; exit 2; }

if [ -n "${SCRATCH:-}" ]; then mkdir -p "$SCRATCH"; S="$(cd "$SCRATCH" && pwd)"; else
  S="$(mktemp -d)"; trap 'rm -rf "$S"' EXIT; fi

# The peer from the case's own voltages (bench_anchors.py starts flat only): its model
# builder, DC and N-1 timers, imported from the anchor as they are; only the AC start differs.
cat > "$S/peer_case_start.py" <<'EOF'
import json, sys, time
import numpy as np
import bench_anchors as ba
import mpc_read
mfile, reps, n1_max, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
tol, max_iter = 1e-8, 10
ppc = mpc_read.read_m(mfile)
case = ba.LSCase(ppc)
ST = ba.ls_solver_types()
bus = ppc["bus"]
V0 = (bus[:, ba.VM] * np.exp(1j * np.deg2rad(bus[:, ba.VA]))).astype(complex)
algo, gmt, iters, m = [], [], None, None
for _ in range(reps):
    m = case.build()
    m.change_solver(ST.KLUSingleSlack)
    V = m.ac_pf(V0, max_iter, tol * case.sn)
    if V.shape[0] == 0:
        raise RuntimeError("lightsim2grid AC (case start) did not converge")
    algo.append(m.get_computation_time())
    gmt.append(m.timer_last_ac_pf)
    iters = int(m.get_solver().get_nb_iter())
warm = []
for _ in range(reps):
    m.ac_pf(V0, max_iter, tol * case.sn)
    warm.append(m.get_computation_time())
res = {"start": "case", "ls_ac_algo_ms": ba.median(algo) * 1e3,
       "ls_ac_gridmodel_ms": ba.median(gmt) * 1e3,
       "ls_ac_warm_algo_ms": ba.median(warm) * 1e3, "ls_ac_iters": iters}
res.update(ba.run_ls_dc(case, reps)[0])
if n1_max > 0:
    res.update(ba.run_ls_n1(case, m, V, n1_max, 1, tol, max_iter))
with open(out, "w") as f:
    json.dump(res, f)
EOF

case_file() {
  for d in "$root/../shared/cases/matpower" "$root/../shared/cases/pglib"; do
    [ -f "$d/$1.m" ] && { echo "$d/$1.m"; return; }
  done
  return 1
}

echo "peers.sh: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
: > "$S/rows.tsv"
declare -A START
for c in $CASES; do
  f="$(case_file "$c")" || { echo "peers.sh: no $c.m in shared/cases" >&2; exit 2; }
  conv="$("$B" --peer "$f" 1 0 | awk '$1 == "ac_converged" {print $2}')"
  START[$c]=$([ "$conv" = 1 ] && echo flat || echo case)
done
n1arg=(--skip-n1)
[ "$N1_MAX" -gt 0 ] && n1arg=(--n1-reps 1 --n1-max "$N1_MAX")
for r in $(seq 1 "$ROUNDS"); do
  for c in $CASES; do
    f="$(case_file "$c")"
    j="$S/peer_${c}_$r.json"
    echo "peers.sh: round $r/$ROUNDS $c (${START[$c]} start): lightsim2grid, then gridres" >&2
    (cd "$S" && if [ "${START[$c]}" = flat ]; then
        "$PY" "$ANCHOR/bench_anchors.py" --mfile "$f" --reps "$REPS" --skip-pp "${n1arg[@]}" --json "$j"
      else
        "$PY" "$S/peer_case_start.py" "$f" "$REPS" "$N1_MAX" "$j"
      fi) > "$S/peer_${c}_$r.log" 2>&1 || echo "peers.sh: the peer failed on $c (see $S/peer_${c}_$r.log)" >&2
    "$B" --peer "$f" "$REPS" "$N1_MAX" 10 "${START[$c]}" > "$S/gr_${c}_$r.txt"
    echo -e "$c\t$r\t${START[$c]}\t$j\t$S/gr_${c}_$r.txt" >> "$S/rows.tsv"
  done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

"$PY" - "$S/rows.tsv" "$ROUNDS" "$REPS" "$N1_MAX" "$load_end" <<'EOF'
import json, os, statistics, sys
rows, rounds, reps, n1max, load_end = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
data = {}
for line in open(rows):
    c, r, start, pj, gt = line.rstrip("\n").split("\t")
    d = data.setdefault(c, {"start": start, "peer": [], "gr": []})
    if os.path.exists(pj):
        d["peer"].append(json.load(open(pj)))
    g = {}
    for l in open(gt):
        k, v = l.split()
        g[k] = float(v)
    d["gr"].append(g)

def med(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None

def cell(p, g):
    if p is None or g is None:
        return "n/a | n/a | n/a"
    return "%.2f | %.2f | **%.2f×**" % (p, g, p / g)

print("| case | start | measure | lightsim2grid ms | gridres ms | ratio (peer / gridres) |")
print("|---|---|---|---:|---:|---:|")
notes = []
for c, d in data.items():
    P, G = d["peer"], d["gr"]
    def pm(k):
        return med([x.get(k) for x in P])
    def gm(k):
        return med([x.get(k) for x in G])
    # equal scopes: the whole power flow on both sides (the peer's GridModel timer includes
    # its Ybus/Bbus and results), and the solver alone on both sides; the mixed row (our whole
    # call against the peer's solver timer) is kept as the older tables printed it
    lines = [("AC cold, whole (peer: GridModel.ac_pf)", pm("ls_ac_gridmodel_ms"), gm("ac_cold_ms")),
             ("AC cold, Newton alone (peer: its solver's timer)", pm("ls_ac_algo_ms"),
              gm("ac_newton_ms")),
             ("AC cold, gr_pf_ac whole vs the peer's solver timer", pm("ls_ac_algo_ms"),
              gm("ac_cold_ms")),
             ("AC warm", pm("ls_ac_warm_algo_ms"), gm("ac_warm_ms")),
             ("DC, whole (peer: GridModel.dc_pf)", pm("ls_dc_gridmodel_ms"), gm("dc_ms")),
             ("DC, gr_pf_dc whole vs the peer's solver timer", pm("ls_dc_ms"), gm("dc_ms"))]
    if n1max > 0:
        lines.append(("N-1 per contingency, all", pm("n1_ms_per_cont"), gm("n1_ms")))
        lines.append(("N-1 per contingency, connected only", pm("n1_ms_per_cont_connected_only"),
                      gm("n1_ms_connected")))
    for name, p, g in lines:
        print("| %s | %s | %s | %s |" % (c, d["start"], name, cell(p, g)))
    it_p = pm("ls_ac_iters")
    note = "%s: %d of %d rounds timed the peer; Newton iterations peer %s, gridres %s steps" % (
        c, len(P), len(G), "n/a" if it_p is None else "%d" % it_p, "%d" % gm("ac_iters"))
    same = [x.get("ac_newton_same") for x in G]
    if any(v is not None for v in same):
        note += "; Newton alone took gr_pf_ac's steps to its voltages in %d of %d rounds" % (
            sum(1 for v in same if v == 1), len(G))
    if n1max > 0 and P:
        note += "; N-1 of %d branch outages: %d split the grid, skipped by the peer (counted in its 'all' mean at no cost), solved by gridres (%d converged)" % (
            gm("n1_contingencies"), pm("n1_islanding_skipped") or 0,
            gm("n1_contingencies") - gm("n1_not_converged"))
    notes.append(note)
print()
for n in notes:
    print("- " + n)
print("- medians over %s rounds (peer, then gridres, case by case), each the median of %s repetitions; load at the end: %s" % (rounds, reps, load_end))
EOF
