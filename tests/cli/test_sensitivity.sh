#!/usr/bin/env bash
# test_sensitivity.sh — gridres sensitivity (docs/calibration.md "Sensitivity"): a factor
# 1:1 leaves low == base == high exactly; the base is a plain `gridres campaign` with the
# same seed, runs and nights (summary.json totals); a factor acts; the outputs do not
# depend on the thread count; bad --param (unknown path, non-number, bad factors, bad
# syntax, an out-of-range scaled value) exits 2 naming the path; PNG/SVG/HTML are valid.
. "$(dirname "$0")/lib.sh"
EX="$ROOT/examples/example6.campaign.json"
command -v python3 >/dev/null || { echo "python3 needed" >&2; exit 77; }

S=(sensitivity "$EX" --runs 2 --nights 2 --seed 7 --quiet)
run 0 sens "$G" "${S[@]}" --param 'air_defence.zones[*].stock:1:1' \
  --param 'threat_types.*.p_damage:0:1' --threads 1 --out "$W/s1"
run 0 camp "$G" campaign "$EX" --runs 2 --nights 2 --seed 7 --quiet --out "$W/c1"
for f in sensitivity.json sensitivity.csv tornado.png tornado.svg report.html; do
  [ -s "$W/s1/$f" ] || fail "no $f"
done
json_valid "$W/s1/sensitivity.json" || fail "sensitivity.json is not valid JSON"
[ "$(head -c 4 "$W/s1/tornado.png" | od -An -c | tr -d ' ')" = '211PNG' ] || fail "tornado.png: not a PNG"
grep -q '<svg' "$W/s1/tornado.svg" || fail "tornado.svg: not an SVG"
expect_in "$W/s1/report.html" 'src="tornado.png"' report_has_tornado
pass

python3 - "$W/s1/sensitivity.json" "$W/c1/summary.json" >"$W/check.out" 2>&1 <<'EOF'
import json, sys
s = json.load(open(sys.argv[1])); c = json.load(open(sys.argv[2]))
bad = []
keys = [m["key"] for m in s["metrics"]]
for k in ["ens_mwh", "customer_hours", "mean_hours_per_day", "worst_decile_hours_per_day",
          "people_below_12c_max"]:
    if k not in keys: bad.append("metric %s missing" % k)
# the base is the plain campaign: same seed, runs, nights
for k in keys:
    if s["base"][k]["mean"] != c["totals"][k]["mean"]:
        bad.append("base %s %r != campaign %r" % (k, s["base"][k]["mean"], c["totals"][k]["mean"]))
p0, p1 = s["params"]
# factor 1:1: exactly the base
for k in keys:
    for e in ("low", "high"):
        if p0[e][k]["mean"] != s["base"][k]["mean"]:
            bad.append("x1 %s %s %r != base %r" % (e, k, p0[e][k]["mean"], s["base"][k]["mean"]))
        if p0[e][k]["se_diff"] not in (0, 0.0):
            bad.append("x1 %s %s se_diff %r != 0" % (e, k, p0[e][k]["se_diff"]))
if p0["numbers"] < 1: bad.append("stock path scaled no number")
# p_damage x0: no hit damages anything, so less energy is lost than in the base
if not (p1["low"]["ens_mwh"]["mean"] < s["base"]["ens_mwh"]["mean"]):
    bad.append("p_damage x0 did not lower ENS: %r vs %r" % (p1["low"]["ens_mwh"]["mean"], s["base"]["ens_mwh"]["mean"]))
if s["runs"] != 2 or s["nights"] != 2 or s["seed"] != 7: bad.append("runs/nights/seed wrong")
print("\n".join(bad) if bad else "OK")
EOF
grep -qx OK "$W/check.out" || fail "sensitivity.json checks: $(cat "$W/check.out")"
pass
# the CSV: a header and metric x parameter rows
[ "$(head -1 "$W/s1/sensitivity.csv")" = "metric,param,path,low_factor,high_factor,low,base,high,se_low,se_base,se_high,se_diff_low,se_diff_high" ] \
  || fail "sensitivity.csv header: $(head -1 "$W/s1/sensitivity.csv")"
[ "$(($(wc -l <"$W/s1/sensitivity.csv") - 1))" -eq 12 ] || fail "sensitivity.csv: not 6 metrics x 2 params rows"
pass

# any thread count: the same bytes
run 0 sens_t2 "$G" "${S[@]}" --param 'air_defence.zones[*].stock:1:1' \
  --param 'threat_types.*.p_damage:0:1' --threads 2 --out "$W/s2"
for f in sensitivity.json sensitivity.csv; do
  cmp -s "$W/s1/$f" "$W/s2/$f" || fail "$f differs between --threads 1 and 2"
done
pass

# existing outputs are not overwritten without --force
run 2 exists "$G" "${S[@]}" --param 'air_defence.zones[*].stock:1:1' --out "$W/s1" &&
  expect_in "$W/exists.err" "exists" exists_msg

# bad --param: exit 2, the message names the path
run 2 nopath "$G" "${S[@]}" --param 'no_such.path:0.5:1.5' --out "$W/b1" &&
  expect_in "$W/nopath.err" '\$\.no_such\.path' nopath_msg
run 2 notnum "$G" "${S[@]}" --param 'name:0.5:1.5' --out "$W/b2" &&
  expect_in "$W/notnum.err" '\$\.name.*no number' notnum_msg
run 2 badfac "$G" "${S[@]}" --param 'repair.times:x:1.5' --out "$W/b3" &&
  expect_in "$W/badfac.err" "repair\.times" badfac_msg
run 2 negfac "$G" "${S[@]}" --param 'repair.times:-1:1.5' --out "$W/b4" &&
  expect_in "$W/negfac.err" "repair\.times" negfac_msg
run 2 nofac "$G" "${S[@]}" --param 'repair.times' --out "$W/b5" &&
  expect_in "$W/nofac.err" "PATH:LOW:HIGH" nofac_msg
run 2 syntax "$G" "${S[@]}" --param 'air_defence.zones[:1:1' --out "$W/b6" &&
  expect_in "$W/syntax.err" 'air_defence\.zones\[' syntax_msg
# a scaled value the scenario reader refuses (a kill probability above 1): its JSON path
run 2 range "$G" "${S[@]}" --param 'air_defence.zones[*].pk:1:10' --out "$W/b7" &&
  expect_in "$W/range.err" 'pk' range_msg
[ ! -e "$W/b1/sensitivity.json" ] && [ ! -e "$W/b7/sensitivity.json" ] || fail "a failed run wrote outputs"
pass

# the default parameter set: those missing from the scenario are left out, with a warning
run 0 defaults "$G" sensitivity "$EX" --runs 1 --nights 1 --out "$W/d1" &&
  expect_in "$W/defaults.err" "weather\.tau_h.*left out" defaults_warn &&
  expect_in "$W/defaults.out" "interceptor stock" defaults_stock

# the campaign report shows the study's tornado chart (gridres report --sensitivity); the
# plain report lists no tornado; a folder without sensitivity.json is refused, nothing written
if run 0 rep "$G" report "$W/c1" --sensitivity "$W/s1"; then
  [ "$(head -c 4 "$W/c1/charts/tornado.png" | od -An -c | tr -d ' ')" = '211PNG' ] &&
    grep -q '<svg' "$W/c1/charts/tornado.svg" && pass || fail "rep: charts/tornado.png|svg"
  expect_in "$W/c1/report.html" '<img class="chart" src="charts/tornado.png"' rep_img
  expect_in "$W/c1/report.html" 'seed 7.*Inputs:.*x0 / x1' rep_caption
  expect_in "$W/rep.out" 'tornado' rep_listed
fi
run 0 camp2 "$G" campaign "$EX" --runs 2 --nights 2 --seed 7 --quiet --out "$W/c2" &&
  run 0 rep_plain "$G" report "$W/c2" && ! grep -q tornado "$W/c2/report.html" "$W/rep_plain.out" &&
  pass || fail "rep_plain: a report without --sensitivity mentions a tornado chart"
run 2 rep_nosens "$G" report "$W/c2" --sensitivity "$W/c2" --force &&
  expect_in "$W/rep_nosens.err" 'sensitivity\.json: no such file' rep_nosens

finish
