# test_overlay.sh — `gridres overlay`: a valid overlay for case118 (read back by info and
# campaign), refusal to overwrite, bad geodata (exit 2 with file:line); `gridres campaign CASE`
# with that overlay and without one (built on the fly, written to the output folder).
set -u
. "$(dirname "$0")/lib.sh"

C118="$SHARED/cases/matpower/case118.m"
[ -f "$C118" ] || { echo "SKIP: needs $C118"; exit 77; }
GABS="$(cd "$(dirname "$G")" && pwd)/$(basename "$G")"

# --- build, read back, refuse to overwrite, byte-identical rebuild --------------------------
if run 0 build "$G" overlay "$C118" --out "$W/x.json"; then
  expect_in "$W/build.out" '^wrote .*x.json: 118 buses in [0-9]+ substations' build
  json_valid "$W/x.json" || fail "x.json is not valid JSON"
  n_check=$((n_check + 1))
  [ "$(json_get "$W/x.json" format)" = gridres-scenario ] || fail "x.json: format"
  run 0 info "$G" info "$C118" --overlay "$W/x.json"
  run 2 again "$G" overlay "$C118" --out "$W/x.json"
  expect_in "$W/again.err" 'x.json' again
  run 0 force "$G" overlay "$C118" --out "$W/x.json" --force --quiet
  run 0 second "$G" overlay "$C118" --out "$W/y.json" --quiet
  n_check=$((n_check + 1))
  cmp -s "$W/x.json" "$W/y.json" || fail "two builds of case118 differ"
  # people = people-per-mw x load: 4242 MW at 1000 people/MW
  run 0 ppm "$G" overlay "$C118" --out "$W/p.json" --people-per-mw 1000 --quiet
  pop=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["region"]["population"])' "$W/p.json" 2>/dev/null || echo 0)
  n_check=$((n_check + 1))
  near "$pop" 4242000 1 || fail "people with --people-per-mw 1000: $pop, expected 4242000"
fi

# --- geodata: used when given; a bad file is exit 2 with file:line --------------------------
printf 'bus_id,x_km,y_km\n1,10,20\n2,30,40\n' >"$W/geo.csv"
if run 0 geo "$G" overlay "$C118" --geo "$W/geo.csv" --out "$W/g.json" --quiet; then
  x1=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["buses"]; print(b[1]["x_km"]-b[0]["x_km"], b[1]["y_km"]-b[0]["y_km"])' "$W/g.json")
  n_check=$((n_check + 1))
  [ "$x1" = "20 20" ] || [ "$x1" = "20.0 20.0" ] || fail "geo: bus 2 - bus 1 = ($x1), expected (20 20)"
  expect_in "$W/geo.err" 'warning: .*geo.csv: [0-9]+ of [0-9]+ substations have no coordinates' geo
fi
printf 'bus_id,lon,lat\n1,30,50\n2,30,fifty\n' >"$W/bad.csv"
run 2 badgeo "$G" overlay "$C118" --geo "$W/bad.csv" --out "$W/b.json"
expect_in "$W/badgeo.err" 'bad.csv:3: field lat' badgeo
n_check=$((n_check + 1))
[ ! -e "$W/b.json" ] || fail "badgeo: an output was written"
run 2 nocase "$G" overlay --out "$W/n.json"

# --- a campaign on the case: with the overlay, and without (built) --------------------------
damaged() { python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["totals"]; print(int(t["damaged"]["mean"] > 0 or t["hits"]["mean"] > 0))' "$1" 2>/dev/null || echo 0; }
if run 0 camp_ov "$G" campaign "$C118" --overlay "$W/x.json" --nights 2 --runs 1 --out "$W/c1" --quiet; then
  n_check=$((n_check + 1))
  [ "$(damaged "$W/c1/summary.json")" = 1 ] || fail "campaign with overlay: nothing damaged or hit"
  n_check=$((n_check + 1))
  cmp -s "$W/x.json" "$W/c1/scenario.json" || fail "campaign with overlay: scenario.json is not the overlay"
fi
if run 0 camp_built "$G" campaign "$C118" --nights 2 --runs 1 --out "$W/c2" --quiet; then
  expect_in "$W/camp_built.err" '^gridres campaign: no overlay for .*case118.m: built one \([0-9]+ substations, [0-9]+ people\); written to .*c2/scenario.json' camp_built
  n_check=$((n_check + 1))
  [ "$(damaged "$W/c2/summary.json")" = 1 ] || fail "campaign without overlay: nothing damaged or hit"
  n_check=$((n_check + 1))
  cmp -s "$W/x.json" "$W/c2/scenario.json" || fail "the built-on-the-fly overlay differs from gridres overlay's"
  # reproducible: the written overlay runs the same campaign
  run 0 camp_again "$G" campaign "$C118" --overlay "$W/c2/scenario.json" --nights 2 --runs 1 --out "$W/c3" --quiet
  n_check=$((n_check + 1))
  cmp -s "$W/c2/runs.csv" "$W/c3/runs.csv" || fail "campaign with the written overlay differs"
fi
run 2 ov_scn "$G" campaign --overlay "$W/x.json" --nights 1 --out "$W/c4" --quiet
# a scenario naming a grid without an overlay builds one too
cat >"$W/s.json" <<EOF
{"format": "gridres-campaign", "version": 1, "grid": "$C118", "nights": 1,
 "schedule": [{"every": 1, "waves": [{"time_h": 2, "counts": {"drone": 20},
   "launch": [{"x_km": 0, "y_km": 0, "radius_km": 10}]}]}]}
EOF
run 0 scn_built "$G" campaign "$W/s.json" --out "$W/c5" --quiet
expect_in "$W/scn_built.err" 'no overlay for .*case118.m: built one' scn_built
# --- a zero-reactance branch: a bus tie in the campaign's DC models (docs/own_grid.md) --------
ZX="$ROOT/tests/data/matpower/zero_x.m"
run 0 zx_camp "$G" campaign "$ZX" --nights 2 --out "$W/zx" &&
  expect_in "$W/zx_camp.err" 'warning: 1 branch with x = 0 \(branch 1 first\) taken as bus tie' zx_camp &&
  { [ -s "$W/zx/summary.json" ] && pass || fail "zero_x campaign: no summary.json"; }
run 0 zx_restore "$G" restore "$ZX" --damage-random 2 &&
  expect_in "$W/zx_restore.err" 'warning: 1 branch with x = 0 taken as bus tie' zx_restore
finish
