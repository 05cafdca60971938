# test_campaign.sh — `gridres campaign`: output files and their exact headers, byte-identical
# results for 1 and 2 threads, refusal to overwrite, bad scenarios (exit 2, JSON path),
# consistency of the CSVs (served <= load, ENS = integral of the lost load).
set -u
. "$(dirname "$0")/lib.sh"

SCN="$W/tiny.json"
cat >"$SCN" <<'EOF'
{"format": "gridres-campaign", "version": 1, "name": "tiny cli",
 "synth": {"buses": 300, "seed": 3}, "nights": 4,
 "threat_types": {"drone": {"p_ew": 0.1, "p_damage": {"sub330": 1, "sub110": 1, "thermal": 1}}},
 "schedule": [{"every": 1, "waves": [
   {"time_h": 2, "spread_h": 1, "counts": {"drone": 10},
    "launch": [{"x_km": 500, "y_km": 100, "radius_km": 30}]},
   {"time_h": 9, "spread_h": 0.3, "counts": {"cruise": 2, "ballistic": 1},
    "launch": [{"x_km": 900, "y_km": 100}]}]}],
 "targets": {"policy": "worst", "salvo": {"drone": 2}},
 "air_defence": {"default": {"channels": 1, "stock": 4, "resupply": 2,
   "pk": {"drone": 0.5, "cruise": 0.5, "ballistic": 0.2}}},
 "repair": {"crews": 3}}
EOF

# --- a run, its files and headers ----------------------------------------------------------
if run 0 one "$G" campaign "$SCN" --runs 3 --threads 1 --seed 7 --out "$W/d1" --quiet; then
  for f in hourly.csv nights.csv events.csv runs.csv summary.json grid.m scenario.json campaign.json; do
    n_check=$((n_check + 1))
    [ -s "$W/d1/$f" ] || fail "one: $f missing or empty"
  done
  n_check=$((n_check + 1))
  [ "$(head -1 "$W/d1/hourly.csv")" = "run,night,hour,t_h,load_mw,served_mw,served_critical_mw,people_without_power,people_without_heat" ] ||
    fail "hourly.csv header: $(head -1 "$W/d1/hourly.csv")"
  n_check=$((n_check + 1))
  [ "$(head -1 "$W/d1/nights.csv")" = "run,night,drones,missiles,intercepted,ew,hits,damaged,ens_mwh,peak_lost_mw,customer_hours,people_without_heat_max,critical_dark_h,interceptors_used,spares_left,level_before_wave" ] ||
    fail "nights.csv header: $(head -1 "$W/d1/nights.csv")"
  n_check=$((n_check + 1))
  [ "$(head -1 "$W/d1/events.csv")" = "run,night,t_h,element,kind,cause,mw_lost,name" ] ||
    fail "events.csv header: $(head -1 "$W/d1/events.csv")"
  expect_in "$W/d1/runs.csv" "^run,ens_mwh,customer_hours,peak_lost_mw," runs_header
  # rows: 3 runs x 4 nights x 24 hours, 3 x 4 nights, 3 runs
  n_check=$((n_check + 1))
  [ "$(($(wc -l <"$W/d1/hourly.csv") - 1))" = 288 ] || fail "hourly.csv rows: $(wc -l <"$W/d1/hourly.csv")"
  n_check=$((n_check + 1))
  [ "$(($(wc -l <"$W/d1/nights.csv") - 1))" = 12 ] || fail "nights.csv rows"
  n_check=$((n_check + 1))
  [ "$(($(wc -l <"$W/d1/runs.csv") - 1))" = 3 ] || fail "runs.csv rows"
  json_valid "$W/d1/summary.json" || fail "summary.json is not valid JSON"
  n_check=$((n_check + 1))
  [ "$(json_get "$W/d1/summary.json" runs)" = 3 ] || fail "summary.json runs"
  n_check=$((n_check + 1))
  [ "$(json_get "$W/d1/summary.json" seed)" = 7 ] || fail "summary.json seed"
  expect_in "$W/d1/events.csv" "^[0-9]+,[0-9]+,[0-9.e+-]+,(branch|gen|bus|island):[0-9]+,(damage|hit|trip|shed|reclose|repair),[a-z_]+," events_rows
  # served <= load, people >= 0, every hour
  n_check=$((n_check + 1))
  awk -F, 'NR > 1 && ($6 > $5 + 1e-6 || $8 < -1e-6 || $7 > $6 + 1e-6) { bad++ } END { exit bad > 0 }' \
    "$W/d1/hourly.csv" || fail "hourly.csv: served above load or negative people"
  # ENS per night = sum over its hours of (load - served)
  n_check=$((n_check + 1))
  awk -F, 'FNR == 1 { next }
           FILENAME ~ /hourly/ { ens[$1 "," $2] += $5 - $6; next }
           { d = $9 - ens[$1 "," $2]; if (d < 0) d = -d; if (d > 1e-3 * (1 + $9)) bad++ }
           END { exit bad > 0 }' "$W/d1/hourly.csv" "$W/d1/nights.csv" ||
    fail "nights.csv ens_mwh differs from the hourly integral"
fi

# --- determinism: 2 threads give the same bytes ---------------------------------------------
if run 0 two "$G" campaign "$SCN" --runs 3 --threads 2 --seed 7 --out "$W/d2" --quiet; then
  for f in hourly.csv nights.csv events.csv runs.csv summary.json; do
    n_check=$((n_check + 1))
    cmp -s "$W/d1/$f" "$W/d2/$f" || fail "$f differs between 1 and 2 threads"
  done
fi
# another seed gives other results
if run 0 seed2 "$G" campaign "$SCN" --runs 3 --seed 8 --out "$W/d3" --quiet; then
  n_check=$((n_check + 1))
  ! cmp -s "$W/d1/hourly.csv" "$W/d3/hourly.csv" || fail "seed 8 gave the same hourly.csv as seed 7"
fi

# --- never overwrite without --force --------------------------------------------------------
run 2 exists "$G" campaign "$SCN" --out "$W/d1" --quiet &&
  expect_in "$W/exists.err" "exists; not overwriting it \(use --force\)" exists
run 0 force "$G" campaign "$SCN" --out "$W/d1" --force --quiet --nights 1

# --- summary block and --json ---------------------------------------------------------------
if run 0 block "$G" campaign "$SCN" --out "$W/d4" --nights 2; then
  expect_in "$W/block.out" "^gridres campaign: tiny cli" block_title
  expect_in "$W/block.out" "downed +drone [0-9]+ %" block_downed
  expect_in "$W/block.out" "GWh not served" block_ens
fi
if run 0 json "$G" campaign "$SCN" --out "$W/d5" --nights 2 --json; then
  json_valid "$W/json.out" || fail "--json output is not valid JSON"
  n_check=$((n_check + 1))
  [ "$(json_get "$W/json.out" nights)" = 2 ] || fail "--json nights"
fi

# --- bad command lines and bad scenarios ----------------------------------------------------
run 2 bad_control "$G" campaign "$SCN" --control maybe --out "$W/x1" &&
  expect_in "$W/bad_control.err" "--control expects shed or none" bad_control
run 2 bad_runs "$G" campaign "$SCN" --runs 0 --out "$W/x2"
run 2 bad_seed "$G" campaign "$SCN" --seed -1 --out "$W/x3"
run 2 missing "$G" campaign "$W/no-such.json" --out "$W/x4" &&
  expect_in "$W/missing.err" "no-such.json: cannot open" missing
sed 's/"drone": 10/"drone": "ten"/' "$SCN" >"$W/bad1.json"
run 2 bad_type "$G" campaign "$W/bad1.json" --out "$W/x5" &&
  expect_in "$W/bad_type.err" 'bad1.json: \$\.schedule\[0\]\.waves\[0\]\.counts\.drone: expected an integer, found string' bad_type
sed 's/"time_h": 2, //' "$SCN" >"$W/bad2.json"
run 2 bad_missing "$G" campaign "$W/bad2.json" --out "$W/x6" &&
  expect_in "$W/bad_missing.err" '\$\.schedule\[0\]\.waves\[0\]: missing field "time_h"' bad_missing
sed 's/"worst"/"nastiest"/' "$SCN" >"$W/bad3.json"
run 2 bad_name "$G" campaign "$W/bad3.json" --out "$W/x7" &&
  expect_in "$W/bad_name.err" '\$\.targets\.policy: unknown policy "nastiest"' bad_name
printf '{"format": "gridres-campaign",\n "version": 1,,}\n' >"$W/bad4.json"
run 2 bad_syntax "$G" campaign "$W/bad4.json" --out "$W/x8" &&
  expect_in "$W/bad_syntax.err" 'bad4.json:2:' bad_syntax
for d in x1 x2 x3 x4 x5 x6 x7 x8; do
  n_check=$((n_check + 1))
  [ ! -e "$W/$d" ] || fail "$d: an output directory was created for a failed run"
done

# --- --report: the campaign writes its report, and refuses to replace it without --force ---
if run 0 report "$G" campaign --nights 2 --report --out "$W/rep" --quiet; then
  n_check=$((n_check + 1))
  [ -s "$W/rep/report.html" ] || fail "--report wrote no report.html"
  n_check=$((n_check + 1))
  [ -s "$W/rep/charts/served.png" ] && [ -s "$W/rep/charts/map.svg" ] ||
    fail "--report wrote no served.png or map.svg"
  n_check=$((n_check + 1))
  grep -q 'charts/served.png' "$W/rep/report.html" || fail "report.html does not show served.png"
  cp "$W/rep/report.html" "$W/rep.before"
  run 2 report_again "$G" campaign --nights 2 --report --out "$W/rep" --quiet
  n_check=$((n_check + 1))
  cmp -s "$W/rep/report.html" "$W/rep.before" || fail "a refused run changed report.html"
  run 0 report_force "$G" campaign --nights 2 --report --out "$W/rep" --quiet --force
fi

# --- the built-in default scenario: written out, read back --------------------------------
if run 0 write "$G" campaign --write-scenario "$W/default.json" --quiet; then
  json_valid "$W/default.json" || fail "--write-scenario output is not valid JSON"
  run 2 write_again "$G" campaign --write-scenario "$W/default.json" --quiet
  GABS="$(cd "$(dirname "$G")" && pwd)/$(basename "$G")"
  (cd "$W" && "$GABS" campaign default.json --nights 1 --quiet >"$W/readback.out" 2>"$W/readback.err")
  rc=$?
  n_check=$((n_check + 1))
  [ "$rc" = 0 ] || fail "default.json read back: exit $rc: $(cat "$W/readback.err")"
  n_check=$((n_check + 1))
  ls -d "$W"/gridres-out-* >/dev/null 2>&1 || fail "no gridres-out-* directory by default"
  # the default campaign's summary carries the queue and heat metrics (issue 16)
  for k in worst_decile_hours_per_day people_below_12c_max; do
    expect_in "$(ls -d "$W"/gridres-out-* | head -1)/summary.json" "\"$k\": \\{" "summary_$k"
  done
fi

# --- voltage classes and the line/transformer split from the case itself ------------------
# Independent count with awk over the .m file: a branch is a transformer when its buses' base
# kV differ, its ratio is neither 0 nor 1, or it has a phase shift (docs/own_grid.md).
xf_count() {
  awk '
    /^[[:space:]]*mpc\.bus[[:space:]]*=/ { t = "bus"; next }
    /^[[:space:]]*mpc\.branch[[:space:]]*=/ { t = "br"; next }
    /^[[:space:]]*\]/ { t = ""; next }
    t != "" {
      line = $0; sub(/%.*/, "", line); gsub(/;/, " ", line)
      n = split(line, f, /[[:space:]]+/); k = 0
      for (i = 1; i <= n; i++) if (f[i] != "") v[++k] = f[i]
      if (k == 0) next
      if (t == "bus") kv[v[1] + 0] = v[10] + 0
      else if (kv[v[1] + 0] != kv[v[2] + 0] || (v[9] + 0 != 0 && v[9] + 0 != 1) || v[10] + 0 != 0) nx++
      else nl++
    }
    END { printf "%d lines, %d transformers\n", nl, nx }' "$1"
}
C6="$ROOT/tests/data/campaign/case6_400_220.m"
if run 0 info6 "$G" info "$C6"; then
  expect_in "$W/info6.out" '^branches +5 lines, 3 transformers,' info6_split
  n_check=$((n_check + 1))
  [ "$(xf_count "$C6")" = "5 lines, 3 transformers" ] || fail "info6: awk count $(xf_count "$C6")"
fi
C1951="$SHARED/cases/matpower/case1951rte.m"
if [ -f "$C1951" ]; then
  if run 0 info1951 "$G" info "$C1951"; then
    want=$(xf_count "$C1951")
    expect_in "$W/info1951.out" "^branches +$want," info1951_split
  fi
fi
# a 400/220 kV grid: classes named by its kV; "sub400" protects; "sub750" fails listing levels
mkdir -p "$W/v400"
cp "$C6" "$W/v400/"
cat >"$W/v400/ok.json" <<'EOF'
{"format": "gridres-campaign", "version": 1, "grid": "case6_400_220.m", "nights": 1,
 "threat_types": {"drone": {"p_damage": {"sub400": 1, "sub220": 0.5, "line": 0}}},
 "protection": {"class": {"sub400": 0.85}}, "schedule": []}
EOF
sed 's/"sub400": 0.85/"sub750": 0.85/' "$W/v400/ok.json" >"$W/v400/bad.json"
run 0 v400_ok "$G" campaign "$W/v400/ok.json" --out "$W/v400/o" --quiet
if run 2 v400_bad "$G" campaign "$W/v400/bad.json" --out "$W/v400/b" --quiet; then
  expect_in "$W/v400_bad.err" 'bad\.json: \$\.protection\.class: unknown asset class "sub750" \(the case.s voltage levels: 400, 220 kV; expected one of: sub400, sub220, line400, line220' v400_bad_msg
fi

# --- PMAX = Inf (MATPOWER's "no limit", 41 units of case8387pegase) ---------------------------
# The pre-wave dispatch shares each island's load in proportion to PMAX: 0 x Inf was a NaN
# Pg that the cascade refused (exit 2). Now finite, with one warning naming the first unit.
C118="$SHARED/cases/matpower/case118.m"
if [ -f "$C118" ]; then
  mkdir -p "$W/inf"
  awk '/^mpc.gen = \[/ { print; getline; $9 = "Inf"; print; next } { print }' "$C118" >"$W/inf/case118_inf.m"
  n_check=$((n_check + 1))
  grep -q "Inf" "$W/inf/case118_inf.m" || fail "inf: the case copy has no PMAX = Inf"
  if run 0 pmax_inf "$G" campaign "$W/inf/case118_inf.m" --nights 3 --out "$W/inf/o"; then
    expect_in "$W/pmax_inf.err" 'warning: 1 generator with PMAX = Inf \(generator 1 first\) given PMAX = the case.s total load \(4242 MW\)' pmax_inf_warn
    expect_in "$W/pmax_inf.out" '^  energy +[0-9.]+ GWh not served' pmax_inf_energy
  fi
else
  echo "skip: PMAX = Inf check needs $C118"
fi

# --- events.csv names assets by the overlay (issue 13 item 5) ------------------------------
# every damage row names its asset: a bus its substation, a unit its plant, a branch its ends
n_check=$((n_check + 1))
awk -F, 'NR > 1 && $5 == "damage" { n++; if ($8 == "") bad++ } END { exit !(n > 0 && bad == 0) }' \
  "$W/d1/events.csv" || fail "events.csv: a damage row without a name (or no damage)"

finish
