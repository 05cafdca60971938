# test_synth.sh — end-to-end tests of `gridres synth` and `gridres info`: files, determinism,
# no-clobber, bad input (exit 2), round trip through pf, overlay validation errors.
set -u
. "$(dirname "$0")/lib.sh"

# --- help -------------------------------------------------------------------------------
run 0 synth_help "$G" synth --help && expect_in "$W/synth_help.out" '^usage: gridres synth' synth_help
run 0 info_help "$G" info --help && expect_in "$W/info_help.out" '^usage: gridres info' info_help
run 0 help "$G" --help && {
  expect_in "$W/help.out" '^  synth ' help
  expect_in "$W/help.out" '^  info ' help
}

# --- generate; the same seed gives the same bytes ---------------------------------------
run 0 a "$G" synth --buses 600 --seed 7 --out "$W/a" && {
  expect_in "$W/a.out" '600 buses' a
  [ -s "$W/a/grid.m" ] && pass || fail "a: no grid.m"
  [ -s "$W/a/scenario.json" ] && pass || fail "a: no scenario.json"
  [ "$(matrix_rows "$W/a/grid.m" bus)" = 600 ] && pass || fail "a: grid.m has not 600 bus rows"
  json_valid "$W/a/scenario.json" && pass || fail "a: scenario.json is not valid JSON"
}
run 0 b "$G" synth --buses 600 --seed 7 --out "$W/b" --quiet && {
  [ ! -s "$W/b.out" ] && pass || fail "--quiet printed something"
  cmp -s "$W/a/grid.m" "$W/b/grid.m" && pass || fail "same seed, different grid.m"
  cmp -s "$W/a/scenario.json" "$W/b/scenario.json" && pass || fail "same seed, different scenario.json"
}
run 0 c "$G" synth --buses 600 --seed 8 --out "$W/c" --quiet && {
  cmp -s "$W/a/grid.m" "$W/c/grid.m" && fail "different seeds, same grid.m" || pass
}

# --- never overwrite without --force ----------------------------------------------------
cp "$W/a/grid.m" "$W/a_grid.keep"
run 2 clobber "$G" synth --buses 600 --seed 9 --out "$W/a" && expect_in "$W/clobber.err" "exists" clobber
cmp -s "$W/a/grid.m" "$W/a_grid.keep" && pass || fail "grid.m changed without --force"
rm "$W/b/grid.m"   # only scenario.json left: still refused
run 2 clobber2 "$G" synth --buses 600 --seed 7 --out "$W/b" && expect_in "$W/clobber2.err" "scenario.json" clobber2
[ ! -e "$W/b/grid.m" ] && pass || fail "clobber2 wrote grid.m although it refused"
run 0 force "$G" synth --buses 600 --seed 7 --out "$W/b" --force --quiet &&
  { cmp -s "$W/a/grid.m" "$W/b/grid.m" && pass || fail "--force: different grid.m"; }

# --- bad command lines: exit 2 ------------------------------------------------------------
run 2 few "$G" synth --buses 10 --out "$W/x"
run 2 many "$G" synth --buses 1000000 --out "$W/x"
run 2 nan "$G" synth --buses abc --out "$W/x"
run 2 negseed "$G" synth --seed -1 --out "$W/x" && expect_in "$W/negseed.err" "seed" negseed
run 2 realseed "$G" synth --seed 1.5 --out "$W/x"
run 2 bigseed "$G" synth --seed 99999999999999999999 --out "$W/x"
run 2 cities "$G" synth --buses 200 --cities 500 --out "$W/x"
run 2 unknown "$G" synth --colour red
run 2 positional "$G" synth extra
run 2 noval "$G" synth --buses
[ ! -e "$W/x" ] && pass || fail "a refused command created its output directory"

# --- the case solves in gridres pf (flat start, Q limits) -------------------------------
run 0 pf "$G" pf "$W/a/grid.m" --flat --qlim && expect_in "$W/pf.out" '^converged +yes' pf

# --- info -------------------------------------------------------------------------------
run 0 info "$G" info "$W/a/grid.m" --overlay "$W/a/scenario.json" && {
  expect_in "$W/info.out" '^size +600 buses' info
  expect_in "$W/info.out" '^islands +1$' info
  expect_in "$W/info.out" '^ +330 +[0-9]+ +[0-9]+' info
  expect_in "$W/info.out" '^ +110 +[0-9]+ +[0-9]+' info
  expect_in "$W/info.out" '^ +thermal +[0-9]+' info
  expect_in "$W/info.out" '^ +chp +[0-9]+' info
  expect_in "$W/info.out" '^people +3000000 ' info
  expect_in "$W/info.out" '^critical +[0-9]+ hospitals' info
}
run 0 info_plain "$G" info "$W/a/grid.m" && expect_in "$W/info_plain.out" '^degree +average 2\.[3-9]' info_plain
if run 0 info_json "$G" info "$W/a/grid.m" --overlay "$W/a/scenario.json" --json; then
  json_valid "$W/info_json.out" && pass || fail "info --json: not valid JSON"
  [ "$(json_get "$W/info_json.out" buses)" = 600 ] && pass || fail "info json: buses != 600"
  [ "$(json_get "$W/info_json.out" islands)" = 1 ] && pass || fail "info json: islands != 1"
  near "$(json_get "$W/info_json.out" load_mw)" 1650 0.01 && pass || fail "info json: load != 1650 MW"
  near "$(json_get "$W/info_json.out" population)" 3000000 0.5 && pass || fail "info json: population"
fi
run 2 info_none "$G" info
run 2 info_missing "$G" info "$W/nonexistent.m"
run 2 info_twocases "$G" info "$W/a/grid.m" "$W/a/grid.m"

# --- overlay validation errors: exit 2 with the JSON path ---------------------------------
# population of the first bus with people turned into a string
awk 'BEGIN{done=0} /"bus": / && !done && /"population": [1-9]/ { sub(/"population": [0-9.]+/, "\"population\": \"many\""); done=1 } { print }' \
  "$W/a/scenario.json" > "$W/bad_pop.json"
run 2 bad_pop "$G" info "$W/a/grid.m" --overlay "$W/bad_pop.json" &&
  expect_in "$W/bad_pop.err" 'bad_pop\.json: \$\.buses\[[0-9]+\]\.population: expected a number, found string' bad_pop
sed 's/"type": "thermal"/"type": "coal"/' "$W/a/scenario.json" > "$W/bad_type.json"
run 2 bad_type "$G" info "$W/a/grid.m" --overlay "$W/bad_type.json" &&
  expect_in "$W/bad_type.err" '\$\.plants\[[0-9]+\]\.type: unknown plant type "coal"' bad_type
sed 's/"kv": 110, //' "$W/a/scenario.json" > "$W/bad_kv.json"
run 2 bad_kv "$G" info "$W/a/grid.m" --overlay "$W/bad_kv.json" &&
  expect_in "$W/bad_kv.err" '\$\.buses\[[0-9]+\]: missing field "kv"' bad_kv
head -c 2000 "$W/a/scenario.json" > "$W/truncated.json"
run 2 truncated "$G" info "$W/a/grid.m" --overlay "$W/truncated.json" &&
  expect_in "$W/truncated.err" 'truncated\.json:[0-9]+:[0-9]+:' truncated
# an overlay of another grid does not fit this case
run 0 other "$G" synth --buses 400 --out "$W/other" --quiet
run 2 mismatch "$G" info "$W/a/grid.m" --overlay "$W/other/scenario.json" &&
  expect_in "$W/mismatch.err" '\$\.buses: 400 entries, but the case has 600 buses' mismatch

# --- the default region ---------------------------------------------------------------------
run 0 default "$G" synth --out "$W/default" && {
  expect_in "$W/default.out" '2000 buses' default
  expect_in "$W/default.out" '8 cities, 10000000 people' default
}
run 0 default_info "$G" info "$W/default/grid.m" --overlay "$W/default/scenario.json" && {
  expect_in "$W/default_info.out" '^ +750 +[0-9]+ +[0-9]+' default_info
  expect_in "$W/default_info.out" '^ +nuclear +[0-9]+' default_info
  expect_in "$W/default_info.out" '^ +hydro +[0-9]+' default_info
}

finish
