# test_report.sh — end-to-end tests of `gridres report`: the sample campaign folder (5 charts,
# PNG signature and size, SVG, page), no-clobber and --force, byte-identical reruns, options,
# skipped charts, bad folders and malformed inputs (exit 2, FILE:LINE), and the report of a
# real `gridres campaign` run.
set -u
. "$(dirname "$0")/lib.sh"
SAMPLE="$ROOT/tests/data/report/campaign"
# sanitizer builds: fontconfig's never-freed configuration is not our leak
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$ROOT/tests/data/report/lsan.supp"

fresh() { rm -rf -- "$W/$1"; cp -r -- "$SAMPLE" "$W/$1"; }

# PNG width and height from its IHDR chunk (bytes 16..23).
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d\n", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'; }
is_png() { [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

# --- help and command line ---------------------------------------------------------------
run 0 help "$G" report --help && expect_in "$W/help.out" '^usage: gridres report DIR' help
run 0 list "$G" --help && expect_in "$W/list.out" '^  report ' list
run 2 nodir "$G" report && expect_in "$W/nodir.err" 'campaign output folder DIR is required' nodir
run 2 noexist "$G" report "$W/nonexistent" && expect_in "$W/noexist.err" 'no such folder' noexist
mkdir -p "$W/empty"
run 2 empty "$G" report "$W/empty" && expect_in "$W/empty.err" 'not a campaign output folder' empty
run 2 badopt "$G" report "$W/empty" --width 10
run 2 badrun "$G" report "$W/empty" --run 0

# --- the sample folder -------------------------------------------------------------------
fresh s
if run 0 sample "$G" report "$W/s"; then
  expect_in "$W/sample.out" "^wrote .*/s/report.html with 5 charts \(served, nights, map, fan, ccdf\)" sample
  for c in served nights map fan ccdf; do
    f="$W/s/charts/$c.png"
    if [ -s "$f" ] && is_png "$f"; then pass; else fail "$c.png: missing or not a PNG"; fi
    head -c 5 "$W/s/charts/$c.svg" | grep -q '^<?xml' && pass || fail "$c.svg: no XML declaration"
    grep -q '<svg' "$W/s/charts/$c.svg" && pass || fail "$c.svg: no <svg>"
    tail -c 8 "$W/s/charts/$c.svg" | grep -q '</svg>' && pass || fail "$c.svg: not closed"
    grep -q "<img class=\"chart\" src=\"charts/$c.png\"" "$W/s/report.html" && pass || fail "page lacks $c.png"
    grep -q "href=\"charts/$c.svg\"" "$W/s/report.html" && pass || fail "page lacks the $c.svg link"
  done
  [ "$(png_size "$W/s/charts/served.png")" = 1100x560 ] && pass || fail "served.png is $(png_size "$W/s/charts/served.png")"
  [ "$(png_size "$W/s/charts/map.png" | cut -dx -f1)" = 900 ] && pass || fail "map.png is $(png_size "$W/s/charts/map.png")"
  grep -Eq 'https?://' "$W/s/report.html" && fail "page refers to the network" || pass
  expect_in "$W/s/report.html" 'data-charts-total="5"' page
  expect_in "$W/s/report.html" '<title>Campaign report: sample: 4 nights on a 14-bus test grid</title>' page
fi
# no clobber, then --force gives the same bytes (page, PNG and SVG)
run 2 again "$G" report "$W/s" && expect_in "$W/again.err" "report.html' exists; not overwriting it \(use --force\)" again
cp -r "$W/s/charts" "$W/charts1"
cp "$W/s/report.html" "$W/page1.html"
if run 0 force "$G" report "$W/s" --force --quiet; then
  [ -s "$W/force.out" ] && fail "--quiet printed something" || pass
  cmp -s "$W/page1.html" "$W/s/report.html" && pass || fail "rerun: report.html differs"
  for c in served nights map fan ccdf; do
    for e in png svg; do
      cmp -s "$W/charts1/$c.$e" "$W/s/charts/$c.$e" && pass || fail "rerun: $c.$e differs"
    done
  done
fi

# --- options -----------------------------------------------------------------------------
fresh o
if run 0 options "$G" report "$W/o" --run 2 --width 700 --height 420 --map-width 400 --title 'Test & <page>'; then
  [ "$(png_size "$W/o/charts/fan.png")" = 700x420 ] && pass || fail "fan.png is $(png_size "$W/o/charts/fan.png")"
  [ "$(png_size "$W/o/charts/map.png" | cut -dx -f1)" = 400 ] && pass || fail "map.png width"
  expect_in "$W/o/report.html" '<title>Test &amp; &lt;page&gt;</title>' options
  expect_in "$W/o/report.html" 'Run 2, 4 nights' options
fi
fresh r9
run 2 run9 "$G" report "$W/r9" --run 9 && expect_in "$W/run9.err" 'run 9 is not in .*hourly.csv \(runs 1 \.\. 5\)' run9

# --- missing optional inputs: charts skipped with a note -----------------------------------
fresh m
rm "$W/m/runs.csv" "$W/m/grid.m"
if run 0 missing "$G" report "$W/m"; then
  expect_in "$W/missing.out" 'with 3 charts \(served, nights, fan\)' missing
  expect_in "$W/missing.out" '^skipped map: grid.m and scenario.json are needed\. ccdf: runs.csv is missing\.' missing
  expect_in "$W/m/report.html" 'id="note-map"' missing
  [ -e "$W/m/charts/map.png" ] && fail "map.png written without grid.m" || pass
fi

# --- malformed inputs: exit 2, FILE:LINE, nothing written -----------------------------------
bad() { # NAME FILE SED-EXPR EXPECTED-REGEX
  fresh "$1"
  sed -i "$3" "$W/$1/$2"
  if run 2 "$1" "$G" report "$W/$1"; then
    expect_in "$W/$1.err" "$4" "$1"
    [ -e "$W/$1/report.html" ] && fail "$1: report.html written" || pass
  fi
}
bad badnum hourly.csv '5s/^1,1,3,3,385.4,385.4,/1,1,3,3,385.4,abc,/' \
  "^gridres report: .*/badnum/hourly.csv:5: column 'served_mw': expected a number, found 'abc'"
bad badcols hourly.csv '3s/,0,0$/,0/' "hourly.csv:3: expected 9 fields \(as the header\), found 8"
bad nocol hourly.csv '1s/served_mw/served/' "hourly.csv:1: no column 'served_mw'"
bad badev events.csv '2s/bus:4/bus4/' "events.csv:2: column 'element': expected KIND:NUMBER"
bad badelem events.csv '3s/branch:11/branch:99/' "events.csv:3: element 'branch:99' is not in grid.m \(17 branches\)"
bad badjson summary.json '4s/,$//' 'summary.json:5:[0-9]+: '
bad badruns runs.csv '2s/^1,[0-9.]*,/1,x,/' "runs.csv:2: column 'ens_mwh'"
bad badgrid grid.m 's/^mpc.baseMVA = 100;/mpc.baseMVA = ;/' 'grid.m:[0-9]+'

# --- a real campaign run (the campaign command's own output format) -------------------------
if "$G" campaign --help >/dev/null 2>&1; then
  if run 0 campaign "$G" campaign --nights 2 --runs 2 --threads 1 --seed 3 --out "$W/real" --quiet; then
    if run 0 real "$G" report "$W/real"; then
      expect_in "$W/real.out" 'with 5 charts \(served, nights, map, fan, ccdf\)' real
      for c in served nights map fan ccdf; do
        is_png "$W/real/charts/$c.png" && pass || fail "real: $c.png"
      done
    fi
  fi
else
  echo "note: no campaign command in this build; the real-campaign check was not run"
fi

finish
