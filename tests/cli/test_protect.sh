# test_protect.sh — `gridres protect`: output files and their headers, identical outputs for
# 1 and 2 threads, refusal to overwrite, bad command lines and cost files (exit 2, JSON path),
# the built-in catalogue written and read back.
set -u
. "$(dirname "$0")/lib.sh"

D="$ROOT/tests/data/protect"
# sanitizer builds: fontconfig's never-freed configuration (the chart's text) is not our leak
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$D/lsan.supp"
SCN="$D/tiny.json"
COSTS="$D/costs_small.json"

# --- a plan, its files and headers ----------------------------------------------------------
# 8 runs: enough for a purchase whose interval excludes 0 (the planner buys no noise)
if run 0 one "$G" protect "$SCN" --budget 60 --costs "$COSTS" --runs 8 --threads 1 --seed 7 \
       --out "$W/d1" --quiet; then
  for f in plan.csv rules.csv curve.png curve.svg summary.json; do
    n_check=$((n_check + 1))
    [ -s "$W/d1/$f" ] || fail "one: $f missing or empty"
  done
  n_check=$((n_check + 1))
  [ "$(head -1 "$W/d1/plan.csv")" = "rank,option,asset,cost,benefit,benefit_ci,cumulative_cost,cumulative_benefit,cumulative_benefit_ci,type,protection,runs_simulated,adaptive_benefit,adaptive_benefit_ci,adaptive_cumulative_benefit,adaptive_cumulative_benefit_ci" ] ||
    fail "plan.csv header: $(head -1 "$W/d1/plan.csv")"
  expect_in "$W/d1/rules.csv" "^rule,cost,objective,benefit_vs_none," rules_header
  expect_in "$W/d1/rules.csv" "^none,0," rules_none
  expect_in "$W/d1/rules.csv" "^plan," rules_plan
  for r in capacity degree random; do expect_in "$W/d1/rules.csv" "^$r," "rules_$r"; done
  expect_in "$W/d1/plan.csv" '^1,"[^"]+","[^"]+",[0-9.e+-]+,' plan_rows
  # the money spent never exceeds the budget; cumulative costs add up
  n_check=$((n_check + 1))
  awk -F, 'NR > 1 { s += $4; d = s - $7; if (d < 0) d = -d; if (d > 1e-6 || $7 > 60 + 1e-9) bad++ }
           END { exit bad > 0 }' "$W/d1/plan.csv" || fail "plan.csv: cumulative cost"
  n_check=$((n_check + 1))
  [ "$(head -c 8 "$W/d1/curve.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] ||
    fail "curve.png is not a PNG"
  expect_in "$W/d1/curve.svg" "<svg" svg
  json_valid "$W/d1/summary.json" || fail "summary.json is not valid JSON"
  n_check=$((n_check + 1))
  [ "$(json_get "$W/d1/summary.json" runs)" = 8 ] || fail "summary.json runs"
  n_check=$((n_check + 1))
  [ "$(json_get "$W/d1/summary.json" objective)" = ens ] || fail "summary.json objective"
  n_check=$((n_check + 1))
  near "$(json_get "$W/d1/summary.json" budget)" 60 1e-9 || fail "summary.json budget"
  expect_in "$W/d1/summary.json" '"weighted_ens_mwh"' summary_metrics
  expect_in "$W/d1/summary.json" '"scenario_protection"' summary_protection
fi

# --- the same with 2 threads: identical files -------------------------------------------------
if run 0 two "$G" protect "$SCN" --budget 60 --costs "$COSTS" --runs 8 --threads 2 --seed 7 \
       --out "$W/d2" --quiet; then
  for f in plan.csv rules.csv summary.json curve.svg; do
    n_check=$((n_check + 1))
    cmp -s "$W/d1/$f" "$W/d2/$f" || fail "1 vs 2 threads: $f differs"
  done
fi

# --- the table, --json, another objective -----------------------------------------------------
if run 0 table "$G" protect "$SCN" --budget 40 --costs "$COSTS" --runs 2 --objective heat \
       --out "$W/d3"; then
  expect_in "$W/table.out" "^  objective   heat" table_objective
  expect_in "$W/table.out" "rank +option +target" table_header
  expect_in "$W/table.out" "^  plan +spent" table_plan
  expect_in "$W/table.out" "capacity +spent" table_rules
fi
if run 0 json "$G" protect "$SCN" --budget 20 --costs "$COSTS" --runs 2 --no-rules --json \
       --out "$W/d4"; then
  json_valid "$W/json.out" || fail "--json output is not valid JSON"
  expect_in "$W/json.out" '"rules": \[\]' json_no_rules
fi

# --- existing outputs: refused without --force ------------------------------------------------
run 2 exists "$G" protect "$SCN" --budget 60 --costs "$COSTS" --runs 3 --out "$W/d1" --quiet &&
  expect_in "$W/exists.err" "exists; not overwriting it \(use --force\)" exists_msg
run 0 force "$G" protect "$SCN" --budget 60 --costs "$COSTS" --runs 3 --out "$W/d1" --quiet --force

# --- bad command lines and inputs: exit 2 with a clear message --------------------------------
run 2 neg "$G" protect "$SCN" --budget -5 --out "$W/e1" &&
  expect_in "$W/neg.err" "^gridres protect: --budget expects an amount >= 0" neg_msg
run 2 nobudget "$G" protect "$SCN" --out "$W/e2" &&
  expect_in "$W/nobudget.err" "--budget is required" nobudget_msg
run 2 badobj "$G" protect "$SCN" --budget 10 --objective money --out "$W/e3" &&
  expect_in "$W/badobj.err" "--objective expects ens, heat or critical" badobj_msg
run 2 badtype "$G" protect "$SCN" --budget 10 --costs "$D/costs_bad_type.json" --out "$W/e4" &&
  expect_in "$W/badtype.err" 'costs_bad_type.json: \$\.options\[0\]\.cost\.sub330: expected a number, found string' badtype_msg
run 2 badopt "$G" protect "$SCN" --budget 10 --costs "$D/costs_bad_option.json" --out "$W/e5" &&
  expect_in "$W/badopt.err" '\$\.options\[1\]\.type: unknown option type "moat" \(expected shelter, spare, crew or air_defence\)' badopt_msg
# an air-defence option with a bad field: exit 2 with the JSON path
cat >"$W/costs_bad_ad.json" <<'EOF2'
{"format": "gridres-costs", "version": 1, "options": [
  {"type": "crew", "cost": 8},
  {"type": "air_defence", "name": "battery", "system": "battery", "cost": 100,
   "channels": 2, "stock": 16, "radius_km": 10, "pk": {"drone": 0.8, "cruise": "high", "ballistic": 0.3}}]}
EOF2
run 2 badad "$G" protect "$SCN" --budget 10 --costs "$W/costs_bad_ad.json" --out "$W/e10" &&
  expect_in "$W/badad.err" 'costs_bad_ad.json: \$\.options\[1\]\.pk\.cruise: expected a number, found string' badad_msg
run 2 badatt "$G" protect "$SCN" --budget 10 --attacker clever --out "$W/e11" &&
  expect_in "$W/badatt.err" "--attacker expects fixed, adaptive or both, got 'clever'" badatt_msg
run 2 nocosts "$G" protect "$SCN" --budget 10 --costs "$W/none.json" --out "$W/e6" &&
  expect_in "$W/nocosts.err" "none.json: cannot open the file" nocosts_msg
run 2 badseed "$G" protect "$SCN" --budget 10 --seed x --out "$W/e7"
run 2 badruns "$G" protect "$SCN" --budget 10 --runs 0 --out "$W/e8"
echo '{"format": "gridres-campaign", "version": 1, "schedule": "tonight"}' >"$W/bad_scn.json"
run 2 badscn "$G" protect "$W/bad_scn.json" --budget 10 --out "$W/e9" &&
  expect_in "$W/badscn.err" 'bad_scn.json: \$\.schedule' badscn_msg
n_check=$((n_check + 1))
[ ! -e "$W/e1" ] && [ ! -e "$W/e4" ] || fail "an output directory was created for a bad input"

# --- the built-in catalogue, written and read back --------------------------------------------
if run 0 write "$G" protect --write-costs "$W/costs.json"; then
  json_valid "$W/costs.json" || fail "written costs.json is not valid JSON"
  expect_in "$W/costs.json" '"format": "gridres-costs"' write_format
  run 0 readback "$G" protect "$SCN" --budget 30 --costs "$W/costs.json" --runs 2 --no-rules \
      --out "$W/d5" --quiet
fi
# --- significance flags and the adaptive attacker side by side -------------------------------
if run 0 adaptive "$G" protect "$SCN" --budget 60 --costs "$COSTS" --runs 8 --seed 7 --adaptive \
       --out "$W/d4" --force; then
  expect_in "$W/adaptive.out" "^  adaptive    the same runs against the adaptive attacker" adaptive_line
  expect_in "$W/d4/summary.json" '"adaptive": \{' adaptive_json
  expect_in "$W/d4/summary.json" '"plan_gain_significant"' significant_json
  # every plan step bought is significant (its interval excludes 0)
  n_check=$((n_check + 1))
  awk -F, 'NR > 1 && !($5 - $6 > 0) { bad++ } END { exit bad > 0 }' "$W/d4/plan.csv" ||
    fail "plan.csv: a step whose benefit interval includes 0 was bought"
fi
# --- planned against both attackers (robust): each step valued against both ------------------
if run 0 both "$G" protect "$SCN" --budget 60 --costs "$COSTS" --runs 8 --seed 7 \
       --attacker both --no-rules --out "$W/d8"; then
  expect_in "$W/both.out" "^  attacker    candidates judged against both attackers" both_line
  expect_in "$W/both.out" "cum\. vs adaptive" both_column
  n_check=$((n_check + 1))
  [ "$(json_get "$W/d8/summary.json" attacker)" = both ] || fail "summary.json attacker"
  expect_in "$W/d8/summary.json" '"adaptive": \{' both_json
  expect_in "$W/d8/plan.csv" '^1,' both_bought
  # every step bought: significant against the fixed and the adaptive attacker
  n_check=$((n_check + 1))
  awk -F, 'NR > 1 && !($5 - $6 > 0 && $13 - $14 > 0) { bad++ } END { exit bad > 0 }' \
      "$W/d8/plan.csv" || fail "plan.csv: a robust step not significant against both"
fi
run 2 write_exists "$G" protect --write-costs "$W/costs.json"
run 0 help "$G" protect --help && expect_in "$W/help.out" "^usage: gridres protect" help

# --- a case file without an overlay: one built on the fly, in DIR (issue 13 item 1) --------
if run 0 fromcase "$G" protect "$EXAMPLE" --budget 30 --costs "$COSTS" --runs 2 --nights 1 \
       --no-rules --out "$W/d6" --quiet; then
  expect_in "$W/fromcase.err" '^gridres protect: no overlay for .*example6\.m: built one \([0-9]+ substations, [0-9]+ people\); written to .*d6/scenario\.json$' fromcase_msg
  json_valid "$W/d6/scenario.json" && pass || fail "fromcase: scenario.json is not valid JSON"
  expect_in "$W/d6/scenario.json" '"format": "gridres-scenario"' fromcase_format
  # the built overlay read back gives the same plan
  run 0 fromcase_ov "$G" protect "$EXAMPLE" --overlay "$W/d6/scenario.json" --budget 30 \
      --costs "$COSTS" --runs 2 --nights 1 --no-rules --out "$W/d7" --quiet &&
    { cmp -s "$W/d6/plan.csv" "$W/d7/plan.csv" && pass || fail "fromcase: plan differs with its own overlay"; }
fi
run 2 ov_noscn "$G" protect "$SCN" --overlay "$W/d6/scenario.json" --budget 30 &&
  expect_in "$W/ov_noscn.err" '--overlay needs a case file' ov_noscn

# --- racing (--screen; d2: the exact greedy, 2 threads): S >= runs is the exact greedy, number for number; S < runs screens --
if [ -s "$W/d2/plan.csv" ] &&
   run 0 screen_all "$G" protect "$SCN" --budget 60 --costs "$COSTS" --runs 8 --threads 1 --seed 7 \
       --screen 8 --out "$W/scr8" --quiet; then
  n_check=$((n_check + 1))
  cmp -s "$W/d2/plan.csv" "$W/scr8/plan.csv" || fail "screen_all: plan.csv differs from the exact greedy's"
  expect_in "$W/scr8/summary.json" '"screened": 0[,}]' screen_all_zero
fi
run 2 screen_neg "$G" protect "$SCN" --budget 60 --screen -1 &&
  expect_in "$W/screen_neg.err" 'screen' screen_neg
# --- the rules' curves at K points (--rule-points): the rules' final figures (rules.csv's
# columns cost .. shelters) are the step-by-step ones; the run reports the K used --
if [ -s "$W/d2/plan.csv" ] &&
   run 0 points0 "$G" protect "$SCN" --budget 60 --costs "$COSTS" --runs 8 --threads 1 --seed 7 \
       --rule-points 0 --out "$W/rp0" --quiet &&
   run 0 points1 "$G" protect "$SCN" --budget 60 --costs "$COSTS" --runs 8 --threads 1 --seed 7 \
       --rule-points 1 --out "$W/rp1" --quiet; then
  n_check=$((n_check + 1))
  cut -d, -f1-8 "$W/rp0/rules.csv" > "$W/rp0.cut"
  cut -d, -f1-8 "$W/rp1/rules.csv" > "$W/rp1.cut"
  cmp -s "$W/rp0.cut" "$W/rp1.cut" || fail "rule_points: rules.csv differs between 0 and 1 point"
  expect_in "$W/rp1/summary.json" '"rule_points": 1[,}]' rule_points_json
  expect_in "$W/rp0/summary.json" '"rule_points": 0[,}]' rule_points_json0
fi
run 2 points_neg "$G" protect "$SCN" --budget 60 --rule-points -2 &&
  expect_in "$W/points_neg.err" 'rule-points' points_neg
# --- costs.json class keys name the case's own levels (issue 13 item 2) ----------------------
# on the hand-made 400/220 kV grid (its two substations are 400 kV ones, tests/unit/
# test_campaign.c): "sub400" costs them (the capacity rule shelters both: 2 x 7), "sub750"
# is refused with the JSON path, the levels present and the nearest level (the built-in
# catalogue on such a case: tests/unit/test_protect.c)
C6="$ROOT/tests/data/campaign/case6_400_220.m"
cat >"$W/c400.json" <<'EOF2'
{"format": "gridres-costs", "version": 1, "options": [
  {"type": "shelter", "name": "wall", "level": 1, "cost": {"sub400": 7},
   "effect": {"drone": 0.9, "cruise": 0.5, "ballistic": 0.2}}]}
EOF2
sed 's/"sub400"/"sub750"/' "$W/c400.json" >"$W/c750.json"
if run 0 kv400 "$G" protect "$C6" --budget 100 --costs "$W/c400.json" --runs 2 --nights 1 \
       --out "$W/k1" --quiet; then
  expect_in "$W/k1/rules.csv" '^capacity,14,.*,2,[^,]*,[^,]*,[^,]*,[^,]*$' kv400_cost
fi
run 2 kv750 "$G" protect "$C6" --budget 100 --costs "$W/c750.json" --runs 2 --nights 1 \
    --out "$W/k2" --quiet &&
  expect_in "$W/kv750.err" 'c750\.json: \$\.options\[0\]\.cost\.sub750: unknown asset class "sub750" \(the case.s voltage levels: 400, 220 kV; expected one of: sub400, sub220, .*\); did you mean "sub400"\?$' kv750_msg

finish
