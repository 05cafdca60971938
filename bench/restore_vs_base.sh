#!/bin/sh
# restore_vs_base.sh — restoration planning (50 damaged elements, 6 crews, bench_restore's instance) of this build against 353929f built beside: CPU time per method, interleaved rounds, medians, objectives compared.
#
# Usage: bench/restore_vs_base.sh BASE_BENCH_RESTORE [NEW_BENCH_RESTORE] [METHOD] [ROUNDS]
#   defaults: NEW build/bench/bench_restore, METHOD rad, 3 rounds.
# The baseline, built beside (no git worktree needed); its bench runs every
# method, so METHOD=rad needs its loop started at RAD (the sed below):
#   mkdir -p /tmp/base353 && git archive 353929f | tar -x -C /tmp/base353
#   sed -i '183s/m = GR_RESTORE_GREEDY; m <= GR_RESTORE_MIP/m = GR_RESTORE_RAD; m <= GR_RESTORE_RAD/' \
#       /tmp/base353/bench/bench_restore.c          # METHOD=rad
#   cmake -S /tmp/base353 -B /tmp/base353/build -DCMAKE_BUILD_TYPE=Release
#   cmake --build /tmp/base353/build -j2 --target bench_restore
#   bench/restore_vs_base.sh /tmp/base353/build/bench/bench_restore
#
# Each round runs the baseline, then this build (`--method METHOD
# --no-reference --no-gap`), one process each; time = user + system CPU of
# the process (the synthetic grid build, ~0.4 s, is in both), wall too.
# The objective (weighted ENS, MW h) of each is printed from the row
# "METHOD ..." of each output: the new plan must be as good or better (to the
# 6 significant digits the baseline prints).
set -eu
base=${1:?usage: restore_vs_base.sh BASE_BENCH_RESTORE [NEW_BENCH_RESTORE] [METHOD] [ROUNDS]}
new=${2:-build/bench/bench_restore}
method=${3:-rad}
rounds=${4:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "restore $method: 50 elements, 6 crews, $rounds rounds interleaved (baseline, then new)"
echo "load before: $(uptime)"
: >"$tmp/times"
for r in $(seq 1 "$rounds"); do
    /usr/bin/time -f "%U %S %e" -o "$tmp/tb" "$base" --no-gap >"$tmp/ob"
    /usr/bin/time -f "%U %S %e" -o "$tmp/tn" "$new" --method "$method" --no-reference --no-gap >"$tmp/on"
    # baseline row: method time_s lp_s ens_mwh ens_weighted ...; new row: method variant time_s lp_s ens_weighted ...
    ob=$(awk -v m="$method" '$1 == m { print $5 }' "$tmp/ob")
    on=$(awk -v m="$method" '$1 == m && $2 == "bounded" { print $5 }' "$tmp/on")
    echo "base $(cat "$tmp/tb") $ob" >>"$tmp/times"
    echo "new $(cat "$tmp/tn") $on" >>"$tmp/times"
    echo "round $r: base $(cat "$tmp/tb") obj $ob | new $(cat "$tmp/tn") obj $on ($(uptime | sed 's/.*average: //'))"
done
echo "load after:  $(uptime)"
python3 - "$tmp/times" <<'EOF'
import sys, statistics as st
cpu = {"base": [], "new": []}; wall = {"base": [], "new": []}; obj = {"base": [], "new": []}
for line in open(sys.argv[1]):
    who, u, s, e, o = line.split()
    cpu[who].append(float(u) + float(s)); wall[who].append(float(e)); obj[who].append(float(o))
b, n = st.median(cpu["base"]), st.median(cpu["new"])
print(f"base: {b:.2f} s CPU (all {', '.join(f'{x:.2f}' for x in cpu['base'])}), wall {st.median(wall['base']):.2f} s")
print(f"new:  {n:.2f} s CPU (all {', '.join(f'{x:.2f}' for x in cpu['new'])}), wall {st.median(wall['new']):.2f} s")
print(f"ratio: {b / n:.1f}x CPU, {st.median(wall['base']) / st.median(wall['new']):.1f}x wall")
ob, on = obj["base"][0], obj["new"][0]
print(f"objective (weighted ENS): base {ob:.10g}, new {on:.10g} ({(on - ob) / ob * 100:+.4f} %)")
# the baseline prints 6 significant digits
print("RESULT: " + ("plan as good or better (to the baseline's 6 printed digits)" if on <= ob * (1 + 5e-6) else "new plan WORSE"))
EOF
