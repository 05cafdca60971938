#!/bin/sh
# campaign_vs_base.sh — gridres campaign of this build against a baseline binary (353929f): time per run (interleaved, medians, with the machine's load) and the CSV outputs compared.
#
# Usage: bench/campaign_vs_base.sh BASE_GRIDRES [NEW_GRIDRES] [RUNS] [NIGHTS] [SEED] [REPS]
#   defaults: NEW_GRIDRES build/gridres, 3 runs, 30 nights, seed 1, 3 reps.
# The baseline, built beside (no git worktree needed):
#   mkdir -p /tmp/base && git archive 353929f | tar -x -C /tmp/base
#   cmake -S /tmp/base -B /tmp/base/build -DCMAKE_BUILD_TYPE=Release
#   cmake --build /tmp/base/build -j2 --target gridres
#   bench/campaign_vs_base.sh /tmp/base/build/gridres
#
# Time per run: (user CPU of R runs - user CPU of a 1-night run) / R, i.e.
# without the scenario set-up that both pay once (~0.45 s); wall times too.
# Comparison (hourly.csv, nights.csv, events.csv): hour by hour up to the
# first event that differs in the run, load_mw, served_mw and
# served_critical_mw must agree to 1e-6 relative (the LP optimum); the
# people columns and everything after the first differing event are reported,
# not required: which buses of a class the LP sheds is not unique (the
# baseline itself changes them when only its starting dispatch changes) and
# the cascades start from the per-bus load. Exit 1 when a required column
# differs. Needs python3.
set -eu
base=${1:?usage: campaign_vs_base.sh BASE_GRIDRES [NEW_GRIDRES] [RUNS] [NIGHTS] [SEED] [REPS]}
new=${2:-build/gridres}
runs=${3:-3}
nights=${4:-30}
seed=${5:-1}
reps=${6:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpu() { # binary outdir runs nights -> user seconds
    /usr/bin/time -f "%U %e" -o "$tmp/t" "$1" campaign --runs "$3" --nights "$4" --seed "$seed" \
        --threads 1 --quiet --force --out "$2" >/dev/null
    cat "$tmp/t"
}

echo "campaign: $runs runs x $nights nights, seed $seed, 1 thread, $reps reps interleaved"
echo "load before: $(uptime)"
: >"$tmp/times"
for rep in $(seq 1 "$reps"); do
    for who in base new; do
        if [ $who = base ]; then bin=$base; else bin=$new; fi
        setup=$(cpu "$bin" "$tmp/$who.setup" 1 1)
        full=$(cpu "$bin" "$tmp/$who" "$runs" "$nights")
        echo "$who $setup $full" >>"$tmp/times"
    done
done
echo "load after:  $(uptime)"
python3 - "$tmp/times" "$runs" <<'EOF'
import sys, statistics as st
runs = int(sys.argv[2])
per = {"base": [], "new": []}
wall = {"base": [], "new": []}
for line in open(sys.argv[1]):
    who, su, sw, fu, fw = line.split()
    per[who].append((float(fu) - float(su)) / runs)
    wall[who].append(float(fw) / runs)
b, n = st.median(per["base"]), st.median(per["new"])
print(f"base: {b:.3f} s per run (user CPU, set-up removed; all: {', '.join(f'{x:.3f}' for x in per['base'])}), wall {st.median(wall['base']):.3f} s per run")
print(f"new:  {n:.3f} s per run (user CPU, set-up removed; all: {', '.join(f'{x:.3f}' for x in per['new'])}), wall {st.median(wall['new']):.3f} s per run")
print(f"ratio: {b / n:.1f}x per run (user CPU), {st.median(wall['base']) / st.median(wall['new']):.1f}x wall per run incl. set-up")
EOF

python3 - "$tmp/base" "$tmp/new" <<'EOF'
import csv, sys
a_dir, b_dir = sys.argv[1], sys.argv[2]
def rows(d, f):
    return list(csv.DictReader(open(f"{d}/{f}")))
ea, eb = rows(a_dir, "events.csv"), rows(b_dir, "events.csv")
def first_diff(run):
    xa = [e for e in ea if e["run"] == run]
    xb = [e for e in eb if e["run"] == run]
    for x, y in zip(xa, xb):
        same = all(x[k] == y[k] for k in ("night", "t_h", "element", "kind", "cause"))
        if not same or abs(float(x["mw_lost"]) - float(y["mw_lost"])) > 1e-6 * max(1, abs(float(x["mw_lost"]))):
            return min(float(x["t_h"]), float(y["t_h"]))
    m = min(len(xa), len(xb))  # one log is longer: its first extra event
    nxt = [float(l[m]["t_h"]) for l in (xa, xb) if len(l) > m]
    return min(nxt) if nxt else float("inf")
ha, hb = rows(a_dir, "hourly.csv"), rows(b_dir, "hourly.csv")
runs = sorted({h["run"] for h in ha}, key=int)
cut = {r: first_diff(r) for r in runs}
req = ["load_mw", "served_mw", "served_critical_mw"]
rep = ["people_without_power", "people_without_heat"]
bad = 0
stats = {k: [0, 0.0] for k in req + rep}
after = {k: [0, 0.0] for k in req + rep}
n_before = n_shed = 0
for x, y in zip(ha, hb):
    before = float(x["t_h"]) < cut[x["run"]]
    n_before += before
    n_shed += before and float(x["served_mw"]) < float(x["load_mw"]) - 1.0
    for k in req + rep:
        u, v = float(x[k]), float(y[k])
        d = abs(u - v) / max(1.0, abs(u), abs(v))
        s = stats[k] if before else after[k]
        s[1] = max(s[1], d)
        if d > 1e-6:
            s[0] += 1
            if before and k in req:
                bad += 1
print("first differing event per run (campaign hour):", ", ".join(f"run {r}: {cut[r]:g}" for r in runs))
print(f"hours before it: {n_before} of {len(ha)} ({n_shed} with load shed)")
for k in req + rep:
    s, t = stats[k], after[k]
    tag = "required" if k in req else "reported"
    print(f"  {k:22s} ({tag}) before: {s[0]:4d} hours beyond 1e-6, max rel {s[1]:.2g}; after: {t[0]:4d}, max rel {t[1]:.2g}")
na, nb = rows(a_dir, "nights.csv"), rows(b_dir, "nights.csv")
for k in ("ens_mwh", "customer_hours", "damaged", "hits"):
    sa = sum(float(x[k]) for x in na)
    sb = sum(float(x[k]) for x in nb)
    print(f"  total {k:15s} base {sa:.6g}  new {sb:.6g}  ({(sb - sa) / sa * 100 if sa else 0:+.3f} %)")
print(f"events: {len(ea)} base, {len(eb)} new")
print("RESULT: " + ("required columns agree" if bad == 0 else f"{bad} required values differ"))
sys.exit(1 if bad else 0)
EOF
