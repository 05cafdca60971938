# test_cascade.sh — end-to-end tests of `gridres cascade`: a 2-bus cascade worked by hand
# (events.csv, summary, JSON), operator shedding, bad input, the random N-2 Monte Carlo
# (files, thread determinism) and, with the shared cases, shedding cutting the tail.
set -u
. "$(dirname "$0")/lib.sh"

# Case A (tests/unit/test_cascade.c): 100 MW over three parallel lines (x 0.1, 0.1, 0.2;
# rateB 45, 60, 25). branch:3 out → line 1 trips at 67.5 s, line 2 at 78.75 s, bus 2 dark.
A="$W/casea.m"
cat >"$A" <<'EOF'
function mpc = casea
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
  1 3 0   0 0 0 1 1 0 110 1 1.1 0.9;
  2 1 100 0 0 0 1 1 0 110 1 1.1 0.9;
];
mpc.gen = [
  1 100 0 300 -300 1 100 1 200 0;
];
mpc.branch = [
  1 2 0 0.1 0 40 45 50 0 0 1 -360 360;
  1 2 0 0.1 0 55 60 65 0 0 1 -360 360;
  1 2 0 0.2 0 20 25 30 0 0 1 -360 360;
];
EOF

# --- help --------------------------------------------------------------------------------
run 0 help "$G" --help && expect_in "$W/help.out" '^  cascade ' help
run 0 chelp "$G" cascade --help && expect_in "$W/chelp.out" '^usage: gridres cascade' chelp
expect_in "$W/chelp.out" '--random-n2' chelp

# --- one cascade, worked by hand --------------------------------------------------------
O="$W/a"
if run 0 a "$G" cascade "$A" --outage branch:3 --out "$O"; then
  expect_in "$W/a.out" '^lost +100\.000 MW \(100\.00 %\)' a_summary
  expect_in "$W/a.out" '^  islanding +100\.000 MW' a_summary
  cat >"$W/a.want" <<'EOF'
t_s,element,cause,mw_lost
0,branch:3,damage,0
67.5,branch:1,overload,0
78.75,branch:2,overload,0
78.75,island:2,islanding,100
78.75,gen:1,overfrequency,0
EOF
  cmp -s "$O/events.csv" "$W/a.want" && pass || { fail "events.csv differs:"; diff "$O/events.csv" "$W/a.want" >&2; }
fi
# no clobbering, then --force
run 2 a_again "$G" cascade "$A" --outage branch:3 --out "$O" && expect_in "$W/a_again.err" "exists" a_again
run 0 a_force "$G" cascade "$A" --outage branch:3 --out "$O" --force

# JSON summary
if run 0 aj "$G" cascade "$A" --outage branch:3 --json; then
  json_valid "$W/aj.out" && pass || fail "cascade --json: not valid JSON"
  near "$(json_get "$W/aj.out" lost_mw)" 100 1e-6 && pass || fail "json lost_mw"
  near "$(json_get "$W/aj.out" served_mw)" 0 1e-6 && pass || fail "json served_mw"
  [ "$(json_get "$W/aj.out" trips)" = 3 ] && pass || fail "json trips"
  if command -v python3 >/dev/null; then
    v=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lost_by_cause_mw"]["islanding"])' "$W/aj.out")
    near "$v" 100 1e-6 && pass || fail "json lost_by_cause_mw.islanding = $v"
  fi
fi

# AC gives the same trips here (no voltage problems)
if run 0 aac "$G" cascade "$A" --outage branch:3 --ac --out "$W/aac"; then
  cut -d, -f2,3 "$W/aac/events.csv" >"$W/aac.cols"
  cut -d, -f2,3 "$W/a.want" >"$W/a.cols"
  cmp -s "$W/aac.cols" "$W/a.cols" && pass || fail "AC events differ from DC"
fi

# operator control: 10 MW shed at bus 2, nothing trips
if run 0 shed "$G" cascade "$A" --outage branch:3 --control shed --out "$W/shed"; then
  expect_in "$W/shed/events.csv" '^0,bus:2,operator_shed,10$' shed_events
  [ "$(grep -c overload "$W/shed/events.csv")" = 0 ] && pass || fail "shed: relays still tripped"
  expect_in "$W/shed.out" '^  operator_shed +10\.000 MW' shed_summary
fi

# a destroyed bus and a generator, on the example grid
run 0 ex "$G" cascade "$EXAMPLE" --outage bus:4,gen:3 --json && {
  json_valid "$W/ex.out" && pass || fail "example: not valid JSON"
}

# --- bad input ----------------------------------------------------------------------------
run 2 no_outage "$G" cascade "$A" && expect_in "$W/no_outage.err" "--outage" no_outage
run 2 no_case "$G" cascade --outage branch:1
run 2 bad_spec "$G" cascade "$A" --outage branch:x && expect_in "$W/bad_spec.err" "branch:x" bad_spec
run 2 bad_kind "$G" cascade "$A" --outage wire:1
run 2 bad_row "$G" cascade "$A" --outage branch:9 && expect_in "$W/bad_row.err" "branch:9" bad_row
run 2 bad_bus "$G" cascade "$A" --outage bus:7 && expect_in "$W/bad_bus.err" "bus:7" bad_bus
run 2 bad_control "$G" cascade "$A" --outage branch:1 --control maybe
run 2 acdc "$G" cascade "$A" --outage branch:1 --ac --dc
run 2 qlim_dc "$G" cascade "$A" --outage branch:1 --qlim
run 2 bad_rating "$G" cascade "$A" --outage branch:1 --rating D
run 2 mc_outage "$G" cascade "$A" --outage branch:1 --random-n2 5 --seed 1 --out "$W/x"
# seed 1 and a new gridres-out-DATE-TIME folder by default (test_cli.sh checks them)
run 0 mc_noseed "$G" cascade "$A" --random-n2 5 --out "$W/x_noseed"
cd "$W" && run 0 mc_noout "$G" cascade "$A" --random-n2 5 --seed 1; cd - >/dev/null
run 2 seed_single "$G" cascade "$A" --outage branch:1 --seed 1
run 2 missing_file "$G" cascade "$W/nope.m" --outage branch:1
run 2 bad_overlay "$G" cascade "$A" --outage branch:1 --overlay "$W/nope.json"

# --- overlay: load classes for the operator's LP (a small synthetic grid) ----------------
if run 0 synth "$G" synth --buses 200 --out "$W/syn" --quiet; then
  run 0 ov "$G" cascade "$W/syn/grid.m" --overlay "$W/syn/scenario.json" --control shed \
    --outage branch:1,branch:2 --json && { json_valid "$W/ov.out" && pass || fail "overlay: not JSON"; }
  run 0 ov_mc "$G" cascade "$W/syn/grid.m" --overlay "$W/syn/scenario.json" --control shed \
    --random-n2 20 --seed 1 --out "$W/ov_mc"
  run 2 ov_mismatch "$G" cascade "$A" --overlay "$W/syn/scenario.json" --outage branch:1
fi

# --- Monte Carlo ---------------------------------------------------------------------------
if run 0 mc1 "$G" cascade "$EXAMPLE" --random-n2 60 --seed 5 --threads 1 --out "$W/mc1"; then
  [ "$(head -n 1 "$W/mc1/losses.csv")" = "event,branch1,branch2,mw_lost,fraction,n_trips" ] && pass || fail "losses.csv header"
  [ "$(($(wc -l <"$W/mc1/losses.csv") - 1))" = 60 ] && pass || fail "losses.csv rows"
  [ "$(head -n 1 "$W/mc1/ccdf.csv")" = "mw_lost,fraction,p_exceed" ] && pass || fail "ccdf.csv header"
  awk -F, 'NR > 1 && ($2 == $3 || $2 < 1 || $2 > 8 || $3 < 1 || $3 > 8) { bad = 1 } END { exit bad }' \
    "$W/mc1/losses.csv" && pass || fail "losses.csv: bad branch pair"
  # the CCDF ends at 0 and never rises
  awk -F, 'NR > 2 && $3 > prev + 1e-12 { bad = 1 } NR > 1 { prev = $3 } END { exit bad || prev != 0 }' \
    "$W/mc1/ccdf.csv" && pass || fail "ccdf.csv not a CCDF"
fi
if run 0 mc2 "$G" cascade "$EXAMPLE" --random-n2 60 --seed 5 --threads 2 --out "$W/mc2"; then
  cmp -s "$W/mc1/losses.csv" "$W/mc2/losses.csv" && pass || fail "losses.csv differs for 1 and 2 threads"
fi
run 0 mcj "$G" cascade "$EXAMPLE" --random-n2 20 --seed 5 --ac --json --out "$W/mcj" &&
  { json_valid "$W/mcj.out" && pass || fail "MC --json: not valid JSON"; }

# --- shared case: operator shedding cuts the tail -------------------------------------------
C2383="$SHARED/cases/matpower/case2383wp.m"
if [ -f "$C2383" ]; then
  if run 0 big_none "$G" cascade "$C2383" --random-n2 300 --seed 11 --out "$W/big_none" --json &&
     run 0 big_shed "$G" cascade "$C2383" --random-n2 300 --seed 11 --control shed --out "$W/big_shed" --json; then
    pn=$(json_get "$W/big_none.out" p_loss_over_1pct)
    ps=$(json_get "$W/big_shed.out" p_loss_over_1pct)
    awk -v a="$pn" -v b="$ps" 'BEGIN { exit !(a > 0.05 && b < a / 2) }' && pass ||
      fail "shedding does not cut the tail: P(loss > 1 %) $pn without, $ps with"
    mn=$(json_get "$W/big_none.out" mean_lost_mw)
    ms=$(json_get "$W/big_shed.out" mean_lost_mw)
    awk -v a="$mn" -v b="$ms" 'BEGIN { exit !(b < a) }' && pass || fail "mean loss with shedding $ms >= $mn"
  fi
fi

# --- --seed: one parser for every command (plain decimal; cascade takes 0 .. 2^63-1, the
# range of the JSON integer it prints) -----------------------------------------------------
for bad_seed in -1 1e3 1.0 +5 " 5" 0x10 9223372036854775808 18446744073709551616; do
  run 2 seed_bad "$G" cascade "$EXAMPLE" --random-n2 5 --seed "$bad_seed" --out "$W/seed_bad" &&
    expect_in "$W/seed_bad.err" "--seed expects an integer in \[0, 2\^63-1\], got '$(printf '%s' "$bad_seed" | sed 's/[+.]/\\&/g')'" \
      "cascade --seed $bad_seed"
done
[ ! -e "$W/seed_bad" ] && pass || fail "a refused --seed wrote outputs"
MAXS=9223372036854775807
if run 0 seed_max1 "$G" cascade "$EXAMPLE" --random-n2 30 --seed $MAXS --out "$W/seed_max1" --json &&
   run 0 seed_max2 "$G" cascade "$EXAMPLE" --random-n2 30 --seed=$MAXS --out "$W/seed_max2"; then
  [ "$(json_get "$W/seed_max1.out" seed)" = $MAXS ] && pass || fail "cascade --json seed at 2^63-1"
  expect_in "$W/seed_max2.out" "random N-2 \(seed $MAXS\)" "cascade summary seed at 2^63-1"
  cmp -s "$W/seed_max1/losses.csv" "$W/seed_max2/losses.csv" && pass ||
    fail "the same --seed gave different losses.csv"
fi
# leading zeros are the same number
run 0 seed_zeros "$G" cascade "$EXAMPLE" --random-n2 30 --seed 0005 --out "$W/seed_zeros"
run 0 seed_5 "$G" cascade "$EXAMPLE" --random-n2 30 --seed 5 --out "$W/seed_5" &&
  cmp -s "$W/seed_5/losses.csv" "$W/seed_zeros/losses.csv" && pass || fail "--seed 0005 differs from --seed 5"


# --- issue 22: a zero reactance is bad input for the DC cascade, not a 100 % loss ----------
ZX="$ROOT/tests/data/matpower/zero_x.m"
run 2 zx_dc "$G" cascade "$ZX" --dc --outage branch:3 &&
  expect_in "$W/zx_dc.err" 'branch 1 \(bus 1 to bus 2\): zero reactance' zx_dc
run 2 zx_n2 "$G" cascade "$ZX" --random-n2 5 --seed 1 --out "$W/zx_n2"

# --- reference rule sets (issue 18): --model dcsimsep|accfm on case A, worked by hand -----
# dcsimsep: damage at t = 1, relays at rateB in steps of at most 60 s: line 1 trips 67.5 s
# later (60 + 7.5), line 2 11.25 s after that; the generator left without load trips.
if run 0 md "$G" cascade "$A" --outage branch:3 --model dcsimsep --out "$W/md"; then
  expect_in "$W/md.out" '^rules +dcsimsep' md_rules
  cat >"$W/md.want" <<'EOF'
t_s,element,cause,mw_lost
1,branch:3,damage,0
68.5,branch:1,overload,0
79.75,branch:2,overload,0
79.75,gen:1,overfrequency,0
79.75,island:2,islanding,100
EOF
  cmp -s "$W/md/events.csv" "$W/md.want" && pass || { fail "dcsimsep events.csv differs:"; diff "$W/md/events.csv" "$W/md.want" >&2; }
fi
# accfm: instantaneous trips above 1.01 x rateA (40, 55): iteration 1 line 1 (50 MW),
# iteration 2 line 2 (100 MW), iteration 3 bus 2 without generation.
if run 0 ma "$G" cascade "$A" --outage branch:3 --model accfm --out "$W/ma"; then
  cat >"$W/ma.want" <<'EOF'
t_s,element,cause,mw_lost
0,branch:3,damage,0
1,branch:1,overload_instant,0
2,branch:2,overload_instant,0
3,island:2,islanding,100
EOF
  cmp -s "$W/ma/events.csv" "$W/ma.want" && pass || { fail "accfm events.csv differs:"; diff "$W/ma/events.csv" "$W/ma.want" >&2; }
fi
if run 0 maj "$G" cascade "$A" --outage branch:3 --model accfm --json; then
  [ "$(json_get "$W/maj.out" model)" = accfm ] && pass || fail "json model"
  [ "$(json_get "$W/maj.out" method)" = ac ] && pass || fail "accfm json method"
fi
run 2 m_bad "$G" cascade "$A" --outage branch:3 --model DCSIMSEP && expect_in "$W/m_bad.err" "--model must be" m_bad
run 2 m_ac "$G" cascade "$A" --outage branch:3 --model dcsimsep --ac && expect_in "$W/m_ac.err" "apply to --model gridres only" m_ac
run 2 m_stop "$G" cascade "$A" --outage branch:3 --model dcsimsep --stop-served 1.5
# the Monte Carlo takes the model too (same events for 1 and 2 threads)
if run 0 mmc1 "$G" cascade "$EXAMPLE" --random-n2 40 --seed 3 --model dcsimsep --threads 1 --out "$W/mmc1" &&
   run 0 mmc2 "$G" cascade "$EXAMPLE" --random-n2 40 --seed 3 --model dcsimsep --threads 2 --out "$W/mmc2"; then
  cmp -s "$W/mmc1/losses.csv" "$W/mmc2/losses.csv" && pass || fail "dcsimsep MC differs across threads"
  expect_in "$W/mmc1.out" '^rules +dcsimsep' mmc_rules
fi

finish
