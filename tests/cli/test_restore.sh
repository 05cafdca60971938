# test_restore.sh — end-to-end tests of `gridres restore`: example6 damage with every method,
# CSV and JSON output, no-clobber, MIP <= RAD <= greedy, bad damage files (JSON paths, exit 2),
# --time-limit (fallback, gap), impossible plans named with exit 2,
# a synthetic grid with its overlay (crew bases, people without power).
set -u
. "$(dirname "$0")/lib.sh"
D="$ROOT/tests/data/restore"
DMG="$D/example6_damage.json"

# --- help and command line ----------------------------------------------------------------
run 0 help "$G" restore --help && expect_in "$W/help.out" '^usage: gridres restore' help
expect_in "$W/help.out" '--damage' help
run 0 list "$G" --help && expect_in "$W/list.out" '^  restore ' list
run 2 nodamage "$G" restore "$EXAMPLE" && expect_in "$W/nodamage.err" 'damage.*required' nodamage
run 2 nocase "$G" restore --damage "$DMG" && expect_in "$W/nocase.err" 'CASE' nocase
run 2 badmethod "$G" restore "$EXAMPLE" --damage "$DMG" --method best &&
  expect_in "$W/badmethod.err" "greedy, rad or mip" badmethod
run 2 badcrews "$G" restore "$EXAMPLE" --damage "$DMG" --crews 0
run 2 nofile "$G" restore "$EXAMPLE" --damage "$W/none.json" && expect_in "$W/nofile.err" 'none\.json: cannot open' nofile

# --- example6: every method --------------------------------------------------------------
for m in greedy rad mip; do
  if run 0 "$m" "$G" restore "$EXAMPLE" --damage "$DMG" --crews 2 --method "$m"; then
    expect_in "$W/$m.out" "^method +$m, 2 crews" "$m"
    expect_in "$W/$m.out" '^load +375\.000 MW demand, 150\.000 MW served after the damage' "$m"
    expect_in "$W/$m.out" '^ens +[0-9.]+ MWh' "$m"
    [ "$(grep -cE '^ +[12] +(branch|bus):' "$W/$m.out")" = 5 ] && pass || fail "$m: schedule rows"
  fi
  if run 0 "${m}_json" "$G" restore "$EXAMPLE" --damage "$DMG" --crews 2 --method "$m" --json; then
    json_valid "$W/${m}_json.out" && pass || fail "$m --json: not valid JSON"
    [ "$(json_get "$W/${m}_json.out" elements)" = 5 ] && pass || fail "$m json: elements"
    [ "$(json_get "$W/${m}_json.out" method)" = "$m" ] && pass || fail "$m json: method"
  fi
done
og=$(json_get "$W/greedy_json.out" objective)
orad=$(json_get "$W/rad_json.out" objective)
om=$(json_get "$W/mip_json.out" objective)
[ "$(json_get "$W/mip_json.out" mip_optimal)" = true ] && pass || fail "mip: not proven optimal"
awk -v g="$og" -v r="$orad" -v m="$om" 'BEGIN { exit !(m <= r * (1 + 1e-9) && r <= g * (1 + 1e-9)) }' &&
  pass || fail "objectives not ordered: mip $om rad $orad greedy $og"
# the MIP's own objective is the evaluator's value of its schedule
near "$(json_get "$W/mip_json.out" mip_objective)" "$om" 1e-3 && pass || fail "mip objective differs from the schedule's"

# --- files ---------------------------------------------------------------------------------
O="$W/out"
if run 0 out "$G" restore "$EXAMPLE" --damage "$DMG" --crews 2 --out "$O"; then
  [ "$(head -n 1 "$O/schedule.csv")" = "crew,element,depart_h,arrive_h,start_h,end_h,spare_used" ] &&
    pass || fail "schedule.csv header"
  [ "$(head -n 1 "$O/served.csv")" = "t_h,served_mw,served_critical_mw,people_without_power" ] &&
    pass || fail "served.csv header"
  [ "$(($(wc -l <"$O/schedule.csv") - 1))" = 5 ] && pass || fail "schedule.csv rows"
  grep -q '^[12],branch:4,' "$O/schedule.csv" && pass || fail "schedule.csv: branch:4 missing"
  # one spare unit in stock: exactly two rows use AT-330/110, one of them after the lead time
  [ "$(grep -c ',AT-330/110$' "$O/schedule.csv")" = 2 ] && pass || fail "spare_used column"
  awk -F, 'NR > 1 && $7 == "AT-330/110" && $5 >= 2000 { n++ } END { exit n != 1 }' "$O/schedule.csv" &&
    pass || fail "the second autotransformer does not wait for its lead time"
  # precedence: branch:8 (5-6) starts after bus:5 ends
  awk -F, '$2 == "bus:5" { be = $6 } $2 == "branch:8" { bs = $5 } END { exit !(bs >= be - 1e-9) }' \
    "$O/schedule.csv" && pass || fail "branch:8 starts before bus:5 is back"
  # crews: no overlap, in order
  sort -t, -k1,1n -k5,5g <(tail -n +2 "$O/schedule.csv") |
    awk -F, '$1 == c && $3 < e - 1e-9 { bad = 1 } { c = $1; e = $6 } END { exit bad }' &&
    pass || fail "a crew is in two places at once"
  head -n 2 "$O/served.csv" | tail -n 1 | grep -q '^0,150,' && pass || fail "served.csv first row"
  tail -n 1 "$O/served.csv" | grep -q ',375,' && pass || fail "served.csv: not all load back at the end"
  echo sentinel >"$O/served.csv"
  run 2 noforce "$G" restore "$EXAMPLE" --damage "$DMG" --out "$O" &&
    expect_in "$W/noforce.err" 'schedule\.csv.*exists.*--force' noforce
  [ "$(cat "$O/served.csv")" = sentinel ] && pass || fail "refused run changed served.csv"
  run 0 force "$G" restore "$EXAMPLE" --damage "$DMG" --out "$O" --force
  [ "$(head -n 1 "$O/served.csv")" = "t_h,served_mw,served_critical_mw,people_without_power" ] &&
    pass || fail "--force did not rewrite served.csv"
fi

# --- horizon and shifts ----------------------------------------------------------------------
if run 0 hz "$G" restore "$EXAMPLE" --damage "$DMG" --crews 2 --horizon-h 48 --json; then
  [ "$(json_get "$W/hz.out" window_h)" = 48.0 ] && pass || fail "horizon: window_h"
  # 225 MW dark from 0 to 48 h at least until the first transformer is back (72 h of work)
  awk -v e="$(json_get "$W/hz.out" ens_mwh)" 'BEGIN { exit !(e > 225 * 48 - 1e-6 && e <= 225 * 48 + 1e-6) }' &&
    pass || fail "horizon: ens_mwh $(json_get "$W/hz.out" ens_mwh)"
fi
run 0 work24 "$G" restore "$EXAMPLE" --damage "$DMG" --crews 2 --work-h 24 --json &&
  awk -v a="$(json_get "$W/work24.out" restored_h)" -v b="$(json_get "$W/rad_json.out" restored_h)" \
    'BEGIN { exit !(a < b) }' && pass || fail "work around the clock is not faster"

# --- bad damage files: clear message with the JSON path, exit 2 ----------------------------
bad() {   # NAME REGEX
  run 2 "$1" "$G" restore "$EXAMPLE" --damage "$D/$1.json" && expect_in "$W/$1.err" "$2" "$1"
}
bad bad_negative_hours 'bad_negative_hours\.json: \$\.elements\[3\]\.repair_h: expected a non-negative number'
bad bad_no_element 'bad_no_element\.json: \$\.elements\[1\]\.row: branch 42 does not exist'
bad bad_spares '\$\.elements\[1\]\.spare: more "AT-330/110" units used than exist'
bad bad_spare_class '\$\.elements\[0\]\.spare: unknown spare class "AT-750/330"'
bad bad_type '\$\.elements\[0\]\.bus: expected a bus number, found string'
bad bad_syntax 'bad_syntax\.json:[0-9]+:[0-9]+: '
# the MIP refuses large instances (every branch and generator: 12 elements)
printf '{"elements": [%s]}\n' "$(for r in 1 2 3 4 5 6 7 8; do printf '{"kind": "branch", "row": %d}, ' $r; done; \
  printf '{"kind": "gen", "row": 1}, {"kind": "gen", "row": 2}, {"kind": "gen", "row": 3}, {"kind": "gen", "row": 4}')" \
  >"$W/big.json"
run 2 mipbig "$G" restore "$EXAMPLE" --damage "$W/big.json" --method mip &&
  expect_in "$W/mipbig.err" 'MIP is for small instances: 12 elements' mipbig
run 0 big_greedy "$G" restore "$EXAMPLE" --damage "$W/big.json" --method greedy --crews 3
run 2 badov "$G" restore "$EXAMPLE" --damage "$DMG" --overlay "$D/bad_type.json"

# --- --time-limit (issue 14): a bounded MIP; without time for CBC the heuristic plan ----------
run 2 tl_bad "$G" restore "$EXAMPLE" --damage "$DMG" --method mip --time-limit 0 &&
  expect_in "$W/tl_bad.err" 'time-limit' tl_bad
if run 0 tl_fb "$G" restore "$EXAMPLE" --damage "$DMG" --crews 2 --method mip --time-limit 0.01 --json; then
  [ "$(json_get "$W/tl_fb.out" mip_status)" = fallback ] && pass || fail "tiny limit: not a fallback"
  [ "$(json_get "$W/tl_fb.out" fallback)" = true ] && pass || fail "tiny limit: fallback flag"
  [ "$(json_get "$W/tl_fb.out" time_limit_s)" = 0.01 ] && pass || fail "time_limit_s"
  # the kept plan is the heuristic one: RAD's objective (never worse than greedy)
  awk -v f="$(json_get "$W/tl_fb.out" objective)" -v g="$og" 'BEGIN { exit !(f <= g * (1 + 1e-9)) }' &&
    pass || fail "fallback plan worse than greedy"
fi
run 0 tl_fb_txt "$G" restore "$EXAMPLE" --damage "$DMG" --crews 2 --method mip --time-limit 0.01 &&
  expect_in "$W/tl_fb_txt.out" '^mip +fallback: no integer solution within 0\.01 s; the heuristic plan' tl_fb_txt
if run 0 tl_ok "$G" restore "$EXAMPLE" --damage "$DMG" --crews 2 --method mip --time-limit 600 --json; then
  [ "$(json_get "$W/tl_ok.out" mip_status)" = optimal ] && pass || fail "600 s: not optimal"
  [ "$(json_get "$W/tl_ok.out" mip_gap_pct)" = 0.0 ] && pass || fail "optimal: gap not 0"
fi
run 0 tl_old "$G" restore "$EXAMPLE" --damage "$DMG" --crews 2 --method mip --mip-time-s 600 &&
  expect_in "$W/tl_old.out" '^mip +optimal, .* gap 0 %' tl_old

# --- impossible plans are named (issue 14): element and spare class, exit 2 -------------------
# (times past 10 years are refused by the reader since issue 22: the planner's own check,
# RS_PLAN_MAX_H, is for damage sets built in memory, tests/unit/test_restore.c)
sed -e 's/"stock": 1, "lead_h": 2000/"stock": 0, "lead_h": null, "on_order_h": [100, 5000000]/' "$DMG" >"$W/late.json"
for m in mip greedy; do
  run 2 "late_$m" "$G" restore "$EXAMPLE" --damage "$W/late.json" --method "$m" &&
    expect_in "$W/late_$m.err" 'late\.json: \$\.spares\[0\]\.on_order_h\[1\]: 5e\+06 h is more than the maximum of 87600 h' "late_$m"
done
sed -e 's/"repair_h": 30, "x_km": 35/"repair_h": 2000000, "x_km": 35/' "$DMG" >"$W/long.json"
run 2 long "$G" restore "$EXAMPLE" --damage "$W/long.json" --method mip &&
  expect_in "$W/long.err" 'long\.json: \$\.elements\[2\]\.repair_h: 2e\+06 h is more than the maximum of 87600 h' long

# --- issue 22 item 8: physical bounds of damage.json, named by JSON path, exit 2 ----------------
bound() {   # NAME SED-EXPR REGEX
  sed -e "$2" "$DMG" >"$W/$1.json"
  run 2 "$1" "$G" restore "$EXAMPLE" --damage "$W/$1.json" --method mip &&
    expect_in "$W/$1.err" "$1\.json: $3" "$1"
}
bound b_repair 's/"repair_h": 72, "label": "AT-1/"repair_h": 1e12, "label": "AT-1/' \
  '\$\.elements\[0\]\.repair_h: 1e\+12 h is more than the maximum of 87600 h'
bound b_lead 's/"lead_h": 2000/"lead_h": 1e12/' '\$\.spares\[0\]\.lead_h: 1e\+12 h is more than the maximum of 87600 h'
bound b_default 's/"repair_h": {"line": 20}/"repair_h": {"line": 87601}/' '\$\.repair_h\.line: 87601 h is more'
bound b_stock 's/"stock": 1,/"stock": 1000000,/' '\$\.spares\[0\]\.stock: .*found 1000000 \(the maximum is 100000\)'
bound b_count 's/"spare": "AT-330\/110", "repair_h": 72, "label": "AT-2/"spare": "AT-330\/110", "spare_count": 1001, "repair_h": 72, "label": "AT-2/' \
  '\$\.elements\[1\]\.spare_count: .*found 1001 \(the maximum is 1000\)'
bound b_km 's/"x_km": 40, "y_km": 10/"x_km": 40, "y_km": 1e9/' '\$\.elements\[0\]\.y_km: 1e\+09 is more than the physical maximum of 40075'
awk 'BEGIN { printf "{\"spares\": [{\"class\": \"A\", \"on_order_h\": [0"; for (i = 1; i <= 100000; i++) printf ", 1"; print "]}], \"elements\": [{\"kind\": \"branch\", \"row\": 4, \"spare\": \"A\"}]}" }' >"$W/b_order.json"
run 2 b_order "$G" restore "$EXAMPLE" --damage "$W/b_order.json" &&
  expect_in "$W/b_order.err" 'b_order\.json: \$\.spares\[0\]\.on_order_h: 100001 units on order, more than the maximum of 100000' b_order
# the largest stock and order book the reader takes: the MIP's spare slots are capped at the
# units needed (2), so it is solved to optimality as with a stock of 1 (before: > 120 s, 2.8 GB
# setting up 10^6 slots per element)
awk 'BEGIN { printf "{\"spares\": [{\"class\": \"AT\", \"stock\": 100000, \"lead_h\": 2000, \"on_order_h\": [1"; for (i = 1; i < 100000; i++) printf ", %d", 1 + i % 5000; print "]}],"
  print "\"elements\": [{\"kind\": \"transformer\", \"row\": 4, \"spare\": \"AT\", \"repair_h\": 72},"
  print "{\"kind\": \"transformer\", \"row\": 5, \"spare\": \"AT\", \"repair_h\": 72}, {\"kind\": \"line\", \"from\": 4, \"to\": 6}]}" }' >"$W/maxstock.json"
if run 0 maxstock "$G" restore "$EXAMPLE" --damage "$W/maxstock.json" --method mip --mip-time-s 60 --json; then
  [ "$(json_get "$W/maxstock.out" mip_status)" = optimal ] && pass || fail "max stock: MIP not optimal"
fi
# a MIP past its size limits (10,000 crews: 2 x 10 pairs x 10,000 disjunctive rows) is refused
# before it is built, naming its sizes (before: 39 s, 750 MB for a 5 s limit)
run 2 mip_size "$G" restore "$EXAMPLE" --damage "$DMG" --method mip --crews 10000 --mip-time-s 5 &&
  expect_in "$W/mip_size.err" 'the MIP would have [0-9]+ rows, [0-9]+ columns and [0-9]+ nonzeros .*the limits are 50000 rows, 50000 columns, 200000 nonzeros' mip_size

# --- issue 22 item 1: CBC under a time limit on a model with 10,000 spare units -----------------
# CBC 2.10 crashed in CglPreProcess::postProcess (exit 139) when the limit expired inside its
# preprocessing, or called the (feasible) model infeasible ("failed" after ~20 s for a 1 s limit)
for t in 0.01 0.02 0.2 1 30; do
  if run 0 "stock10k_$t" "$G" restore "$EXAMPLE" --damage "$D/example6_stock10k.json" --method mip \
      --mip-time-s "$t" --json; then
    case "$(json_get "$W/stock10k_$t.out" mip_status)" in
      optimal | "time limit" | fallback) pass ;;
      *) fail "stock10k $t s: mip_status $(json_get "$W/stock10k_$t.out" mip_status)" ;;
    esac
  fi
done
[ "$(json_get "$W/stock10k_30.out" mip_status)" = optimal ] && pass || fail "stock10k 30 s: not optimal"

# --- issue 22 item 7: out of memory inside CBC/CLP is exit 1, never an abort or a hang -----------
# Under an address-space limit CBC waited forever for a worker thread it could not start (50 MB)
# or std::bad_alloc escaped as exit 134 (40-45 MB). Levels below what the dynamic loader needs
# (exit 127) are not tried; a sanitizer build cannot run under ulimit -v.
if ! ldd "$G" 2>/dev/null | grep -q 'libasan\|libtsan'; then
  oom() {   # NAME KB CMD...
    local name="$1" kb="$2" got
    shift 2
    (ulimit -v "$kb"; exec timeout 60 "$@") >"$W/$name.out" 2>"$W/$name.err"
    got=$?
    n_check=$((n_check + 1))
    # a level below what the dynamic loader needs for this build (a sanitizer runtime
    # makes the binary bigger): the command never started, nothing to check
    if [ "$got" = 127 ] && grep -q 'error while loading shared libraries' "$W/$name.err"; then
      n_check=$((n_check - 1))
      return 0
    fi
    n_ran=$((n_ran + 1))
    case "$got" in
      0) ;;
      1) grep -q 'out of memory' "$W/$name.err" && n_oom=$((n_oom + 1)) ||
           fail "$name: exit 1 without 'out of memory'" ;;
      *) fail "$name: exit $got under ulimit -v $kb (expected 0 or 1): $*"
         sed 's/^/    stderr: /' "$W/$name.err" | head -5 >&2 ;;
    esac
  }
  n_oom=0
  n_ran=0
  for kb in 40000 45000 50000 60000; do
    oom "oom_mip_$kb" "$kb" "$G" restore "$EXAMPLE" --damage "$DMG" --method mip --mip-time-s 2
  done
  C2383="$SHARED/cases/matpower/case2383wp.m"
  if [ -f "$C2383" ]; then
    for kb in 42000 46000 52000; do
      oom "oom_shed_$kb" "$kb" "$G" shed "$C2383"
      oom "oom_cascade_$kb" "$kb" "$G" cascade "$C2383" --control shed --outage branch:1
    done
  fi
  if [ "$n_ran" -gt 0 ]; then
    [ "$n_oom" -gt 0 ] && pass || fail "no run under ulimit -v ran out of memory: the levels are too high"
  fi
fi

# --- synthetic grid with its overlay -------------------------------------------------------
S="$W/syn"
if run 0 synth "$G" synth --buses 200 --out "$S" --quiet; then
  # two loaded buses, one 330 kV bus and two branches
  loads=$(awk '/^mpc.bus = \[/{f=1;next} /^\];/{f=0} f && $3 > 0 {print $1}' "$S/grid.m" | head -n 2)
  hv=$(awk '/^mpc.bus = \[/{f=1;next} /^\];/{f=0} f && $10 >= 300 {print $1}' "$S/grid.m" | head -n 1)
  set -- $loads
  cat >"$S/damage.json" <<JSON
{"elements": [
  {"kind": "bus", "bus": $1, "repair_h": 30},
  {"kind": "bus", "bus": $2, "repair_h": 50},
  {"kind": "bus", "bus": $hv, "repair_h": 80},
  {"kind": "branch", "row": 1},
  {"kind": "branch", "row": 2}
]}
JSON
  if run 0 syn_rad "$G" restore "$S/grid.m" --overlay "$S/scenario.json" --damage "$S/damage.json" \
      --crews 3 --out "$S/out" --json; then
    awk -F, 'NR == 2 { exit !($4 > 0) }' "$S/out/served.csv" && pass || fail "synth: nobody without power"
    awk -F, 'END { exit !($4 < 1e-6) }' "$S/out/served.csv" && pass || fail "synth: people still out at the end"
    awk -F, 'NR > 1 && $4 > $3 { t = 1 } END { exit !t }' "$S/out/schedule.csv" && pass ||
      fail "synth: no crew travelled from a base"
    [ "$(json_get "$W/syn_rad.out" people_hours)" != 0.0 ] && pass || fail "synth: people_hours"
  fi
  run 0 syn_mip "$G" restore "$S/grid.m" --overlay "$S/scenario.json" --damage "$S/damage.json" \
    --crews 2 --method mip --json &&
    [ "$(json_get "$W/syn_mip.out" mip_optimal)" = true ] && pass || fail "synth mip not optimal"
fi

# --- --seed: the RAD seed takes the whole uint64_t range, plain decimal only ---------------
for bad_seed in -1 1e3 1.5 +1 18446744073709551616 99999999999999999999; do
  run 2 seed_bad "$G" restore "$EXAMPLE" --damage "$DMG" --seed "$bad_seed" &&
    expect_in "$W/seed_bad.err" "--seed expects an integer in \[0, 2\^64-1\], got '$(printf '%s' "$bad_seed" | sed 's/[+.]/\\&/g')'" \
      "restore --seed $bad_seed"
done
if run 0 seed_u64a "$G" restore "$EXAMPLE" --damage "$DMG" --seed 18446744073709551615 --out "$W/seed_u64a" &&
   run 0 seed_u64b "$G" restore "$EXAMPLE" --damage "$DMG" --seed 18446744073709551615 --out "$W/seed_u64b"; then
  cmp -s "$W/seed_u64a/schedule.csv" "$W/seed_u64b/schedule.csv" && pass ||
    fail "the same --seed gave different schedules"
fi

# --- --damage-random and the overlay built on the fly (issue 13 item 1) --------------------
if run 0 rnd_a "$G" restore "$EXAMPLE" --damage-random 3 --seed 5 --out "$W/rnd_a" &&
   run 0 rnd_b "$G" restore "$EXAMPLE" --damage-random 3 --seed 5 --out "$W/rnd_b"; then
  [ "$(($(wc -l <"$W/rnd_a/schedule.csv") - 1))" = 3 ] && pass || fail "--damage-random 3: schedule rows"
  [ "$(cut -d, -f2 "$W/rnd_a/schedule.csv" | sed 1d | sort -u | grep -c '^branch:')" = 3 ] &&
    pass || fail "--damage-random 3: not three distinct branches"
  cmp -s "$W/rnd_a/schedule.csv" "$W/rnd_b/schedule.csv" && pass || fail "--damage-random: same seed, other schedule"
  expect_in "$W/rnd_a.err" '^gridres restore: no overlay for .*: built one .*written to .*rnd_a/scenario\.json$' rnd_msg
  json_valid "$W/rnd_a/scenario.json" && pass || fail "restore: built scenario.json is not valid JSON"
fi
run 2 rnd_both "$G" restore "$EXAMPLE" --damage "$DMG" --damage-random 2 &&
  expect_in "$W/rnd_both.err" 'exclude each other' rnd_both
run 2 rnd_many "$G" restore "$EXAMPLE" --damage-random 1000 &&
  expect_in "$W/rnd_many.err" 'only [0-9]+ branches in service' rnd_many

finish
