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
  expect_in "$W/sample.out" "^wrote .*/s/report.html with 6 charts \(served, nights, map, risk, fan, ccdf\)" sample
  for c in served nights map risk fan ccdf; do
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
  grep -Eq 'https?://|src="//' "$W/s/report.html" && fail "page refers to the network" || pass
  expect_in "$W/s/report.html" 'data-charts-total="6"' page
  expect_in "$W/s/report.html" '<title>Campaign report: sample: 4 nights on a 14-bus test grid</title>' page
fi
# --- the figures of the page against an independent computation from the CSV files ---------
if command -v python3 >/dev/null 2>&1 && [ -s "$W/s/report.html" ]; then
  if python3 - "$W/s" >"$W/figures.out" 2>&1 <<'PY'
import csv, html, json, re, sys
d = sys.argv[1]
page = open(d + "/report.html", encoding="utf-8").read()
def q(x, p):  # linear interpolation between order statistics (gr_stats)
    x = sorted(x); h = p / 100 * (len(x) - 1); i = int(h)
    return x[i] if i + 1 >= len(x) else x[i] + (h - i) * (x[i + 1] - x[i])
def grouped(v):
    return "{:,.0f}".format(v) if abs(v) >= 1000 else ("%.0f" % v if abs(v) >= 100 else "%.1f" % v)
ens = {}
for r in csv.DictReader(open(d + "/hourly.csv")):
    k = (int(r["run"]), int(r["night"]))
    ens[k] = ens.get(k, 0.0) + float(r["load_mw"]) - float(r["served_mw"])
runs = sorted({k[0] for k in ens}); nights = sorted({k[1] for k in ens})
# the worst night: largest median ENS over runs, its median, p10 and p90
med = {n: q([ens[(r, n)] for r in runs], 50) for n in nights}
wn = max(nights, key=lambda n: (med[n], -n))
row = [ens[(r, wn)] for r in runs]
want = "<h3 id=\"worst-night\">Worst night: night %d</h3>" % wn
assert want in page, "worst night: expected night %d" % wn
m = re.search(r'energy not served</th><td class="u">MWh</td><td class="n">([^<]*)</td><td class="n">([^<]*)</td><td class="n">([^<]*)</td>', page)
got = m.groups()
exp = tuple(grouped(v) for v in (q(row, 50), q(row, 10), q(row, 90)))
assert got == exp, "worst night ENS median/p10/p90: page %s, CSV %s" % (got, exp)
# the executive summary: the median run's ENS equals runs.csv's median ens_mwh
rens = [float(r["ens_mwh"]) for r in csv.DictReader(open(d + "/runs.csv"))]
ex = html.unescape(re.search(r'<p id="exec-summary"[^>]*>(.*?)</p>', page, re.S).group(1))
assert "deliver %s MWh" % grouped(q(rens, 50)) in ex, "exec summary: %s (median %s)" % (ex, q(rens, 50))
assert "from %s to %s MWh (p10" % (grouped(q(rens, 10)), grouped(q(rens, 90))) in ex, ex
# the risk map: each substation's share of runs with a damaged bus, transformer or unit
data = json.loads(re.search(r'<script type="application/json" id="viewer-data">(.*?)</script>', page, re.S).group(1))
ov = json.load(open(d + "/scenario.json"))
sub_ix = {s["id"]: i for i, s in enumerate(ov["substations"])}
bus_sub = {b["bus"]: sub_ix[b["substation"]] for b in ov["buses"]}
gen_bus = {g["gen"]: g["bus"] for g in ov["generators"]}
br = {x["branch"]: (x["from"], x["to"]) for x in ov["branches"]}
assert len(data["subs"]) == len(ov["substations"])
hit = {}
for e in csv.DictReader(open(d + "/events.csv")):
    if e["kind"] != "damage":
        continue
    kind, num = e["element"].split(":"); num = int(num)
    sub = None
    if kind == "bus": sub = bus_sub[num]
    elif kind == "gen": sub = bus_sub[gen_bus[num]]
    elif kind == "branch" and bus_sub[br[num][0]] == bus_sub[br[num][1]]: sub = bus_sub[br[num][0]]
    if sub is not None:
        hit.setdefault(sub, set()).add(int(e["run"]))
for i, s in enumerate(data["subs"]):
    exp = len(hit.get(i, ())) / len(runs)
    assert abs(s[4] - exp) < 1e-3, "substation %d (%s): page %s, events.csv %s" % (i, s[2], s[4], exp)
print("ok: worst night %d, ENS %s; %d substations checked" % (wn, got, len(hit)))
PY
  then pass; else fail "page figures differ from the CSV files: $(tail -3 "$W/figures.out")"; fi
  # every chart of the multi-run sample states the aggregate in its caption or title
  expect_in "$W/s/report.html" 'id="exec-summary"' page
  expect_in "$W/s/report.html" 'median over runs' page
  grep -q 'Trend of Π' "$W/s/report.html" && fail "the page still shows 'Trend of Π'" || pass
  grep -q 'red band' "$W/s/report.html" && fail "the legend text still names a red band" || pass
fi

# no clobber, then --force gives the same bytes (page, PNG and SVG)
run 2 again "$G" report "$W/s" && expect_in "$W/again.err" "report.html' exists; not overwriting it \(use --force\)" again
cp -r "$W/s/charts" "$W/charts1"
cp "$W/s/report.html" "$W/page1.html"
if run 0 force "$G" report "$W/s" --force --quiet; then
  [ -s "$W/force.out" ] && fail "--quiet printed something" || pass
  cmp -s "$W/page1.html" "$W/s/report.html" && pass || fail "rerun: report.html differs"
  for c in served nights map risk fan ccdf; do
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
  expect_in "$W/o/report.html" '\(run 2 as' options
fi
# --zero-based: the served chart's MW axes from 0 (another picture), the others unchanged
fresh z
if run 0 zero "$G" report "$W/z" --zero-based --quiet && [ -s "$W/s/charts/served.png" ]; then
  cmp -s "$W/z/charts/served.png" "$W/s/charts/served.png" && fail "--zero-based drew the same served chart" || pass
  cmp -s "$W/z/charts/fan.png" "$W/s/charts/fan.png" && pass || fail "--zero-based changed the fan chart"
fi
fresh r9
run 2 run9 "$G" report "$W/r9" --run 9 && expect_in "$W/run9.err" 'run 9 is not in .*hourly.csv \(runs 1 \.\. 5\)' run9

# --- missing optional inputs: charts skipped with a note -----------------------------------
fresh m
rm "$W/m/runs.csv" "$W/m/grid.m"
if run 0 missing "$G" report "$W/m"; then
  expect_in "$W/missing.out" 'with 3 charts \(served, nights, fan\)' missing
  expect_in "$W/missing.out" '^skipped map: grid.m and scenario.json are needed\. risk: grid.m and scenario.json are needed\. ccdf: runs.csv is missing\.' missing
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
  # 10 nights of seed 1: the LP sheds load and run 1 has flats below 12 °C (night 9)
  if run 0 campaign "$G" campaign --nights 10 --runs 2 --threads 1 --seed 1 --out "$W/real" --quiet; then
    if run 0 real "$G" report "$W/real"; then
      expect_in "$W/real.out" 'with 6 charts \(served, nights, map, risk, fan, ccdf\)' real
      for c in served nights map risk fan ccdf; do
        is_png "$W/real/charts/$c.png" && pass || fail "real: $c.png"
      done
      # the per-city figures of the page (city table, viewer data) against independent sums
      # of the campaign's files: cities.csv per city; its areas add up to hourly.csv's people
      # without power hour by hour and to runs.csv's customer_hours and
      # person_hours_below_12c per run
      if python3 - "$W/real" >"$W/cities.out" 2>&1 <<'PY'
import csv, collections, json, re, sys
d = sys.argv[1]
ov = json.load(open(d + "/scenario.json"))
names = [c["name"] for c in ov["cities"]]
people = collections.defaultdict(float)
heated = collections.defaultdict(float)
dist_city = {h["id"]: k for k, c in enumerate(ov["cities"]) for h in c.get("heat_districts", [])}
for b in ov["buses"]:
    c = b.get("city")
    people[c if c is not None else -1] += b["population"]
    if b.get("heat_district") is not None:
        heated[dist_city[b["heat_district"]]] += b["heat_population"]
R = 2
dark, cold, hour = collections.defaultdict(float), collections.defaultdict(float), collections.defaultdict(float)
for r in csv.DictReader(open(d + "/cities.csv")):
    c = int(r["city"]) - 1
    dark[(c, r["run"])] += float(r["people_without_power"])
    cold[(c, r["run"])] += float(r["people_below_12c"])
    hour[(r["run"], r["night"], r["hour"])] += float(r["people_without_power"])
for r in csv.DictReader(open(d + "/hourly.csv")):
    k = (r["run"], r["night"], r["hour"])
    assert abs(hour.get(k, 0.0) - float(r["people_without_power"])) <= 1e-6 * float(r["people_without_power"]) + 0.01, (k, hour.get(k), r["people_without_power"])
for r in csv.DictReader(open(d + "/runs.csv")):
    ch = sum(v for (c, run), v in dark.items() if run == r["run"])
    ph = sum(v for (c, run), v in cold.items() if run == r["run"])
    assert abs(ch - float(r["customer_hours"])) <= 1e-6 * float(r["customer_hours"]) + 1, (r["run"], ch, r["customer_hours"])
    assert abs(ph - float(r["person_hours_below_12c"])) <= 1e-6 * float(r["person_hours_below_12c"]) + 1, (r["run"], ph)
assert sum(dark[(c, "1")] for c in range(len(names))) > 0, "no city dark in run 1"
assert sum(cold.values()) > 0, "nobody below 12 °C"
page = open(d + "/report.html", encoding="utf-8").read()
rows = dict((m.group(1), (float(m.group(2)), float(m.group(3)))) for m in
            re.finditer(r'<tr data-city="([^"]*)" data-dark-h="([^"]+)" data-cold-ph="([^"]+)">', page))
vd = json.loads(re.search(r'<script type="application/json" id="viewer-data">(.*?)</script>', page, re.S).group(1))
for k, nm in enumerate(names):
    want_h = sum(dark[(k, str(r + 1))] for r in range(R)) / R / people[k]
    want_c = sum(cold[(k, str(r + 1))] for r in range(R)) / R
    got_h, got_c = rows[nm]
    assert abs(got_h - want_h) <= 0.001 + 1e-6 * want_h, (nm, got_h, want_h)
    assert abs(got_c - want_c) <= 0.1 + 1e-6 * want_c, (nm, got_c, want_c)
    ci = vd["cities"][k]
    assert ci[3] == nm and abs(ci[5] - heated[k]) < 1, (ci, heated[k])
    for r in range(R):
        assert abs(ci[6][r] - dark[(k, str(r + 1))] / people[k]) <= 0.001, (nm, r, ci[6][r])
        hc = cold[(k, str(r + 1))] / heated[k] if heated[k] > 0 else 0.0
        assert abs(ci[7][r] - hc) <= 0.001, (nm, r, ci[7][r], hc)
print("ok", len(names), "cities")
PY
      then pass; else fail "per-city figures: $(tail -5 "$W/cities.out")"; fi
    fi
  fi
else
  echo "note: no campaign command in this build; the real-campaign check was not run"
fi

finish
