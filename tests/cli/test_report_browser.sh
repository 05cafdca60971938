# test_report_browser.sh — renders report.html of the sample campaign folder in headless
# Chromium and checks that every chart image decodes, that the interactive viewer works
# (tests/data/report/cdp_check.js over the DevTools protocol), (the page's own script counts the
# <img class="chart"> with naturalWidth > 0 into data-charts-loaded), that every SVG decodes
# as an image too, and takes a screenshot. Skipped (exit 77) without Chromium
# (Debian package `chromium`).
set -u
. "$(dirname "$0")/lib.sh"

BROWSER=""
for b in chromium chromium-browser google-chrome-stable google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then BROWSER="$b"; break; fi
done
if [ -z "$BROWSER" ]; then
  echo "SKIP: no headless Chromium found (install the Debian package 'chromium')"
  exit 77
fi

export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$ROOT/tests/data/report/lsan.supp"
PROFILE="$(mktemp -d)"
trap 'rm -rf -- "$PROFILE"' EXIT
browse() { # OUTPUT-FILE ARGS...: headless Chromium with a throwaway profile, no network
  local out="$1"
  shift
  timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --disable-background-networking --disable-component-update --disable-sync \
    --disable-extensions --user-data-dir="$PROFILE" --virtual-time-budget=5000 "$@" \
    >"$out" 2>"$out.err"
}

cp -r "$ROOT/tests/data/report/campaign" "$W/s"
run 0 report "$G" report "$W/s" --quiet || finish

# every chart image of the page decodes
if browse "$W/dom.html" --dump-dom "file://$W/s/report.html"; then
  pass
  expect_in "$W/dom.html" 'data-charts-total="6"' dom
  if grep -q 'data-charts-loaded="6"' "$W/dom.html"; then
    pass
  else
    fail "not every chart loaded in $BROWSER: $(grep -o 'data-charts-[a-z]*="[0-9]*"' "$W/dom.html" | tr '\n' ' ')"
    sed 's/^/    browser: /' "$W/dom.html.err" | head -10 >&2
  fi
  expect_in "$W/dom.html" '<title>Campaign report: sample' dom
else
  fail "$BROWSER --dump-dom failed"
  sed 's/^/    browser: /' "$W/dom.html.err" | head -20 >&2
fi

# the SVG versions decode as images too
{
  echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>svg</title></head><body>'
  for c in served nights map risk fan ccdf; do echo "<img class=\"chart\" src=\"charts/$c.svg\">"; done
  sed -n '/^<script>/,/^<\/script>/p' "$W/s/report.html"
  echo '</body></html>'
} >"$W/s/svg.html"
if browse "$W/svgdom.html" --dump-dom "file://$W/s/svg.html"; then
  if grep -q 'data-charts-loaded="6"' "$W/svgdom.html"; then
    pass
  else
    fail "not every SVG decoded: $(grep -o 'data-charts-loaded="[0-9]*"' "$W/svgdom.html")"
  fi
else
  fail "$BROWSER --dump-dom (svg) failed"
fi

# the interactive viewer over the DevTools protocol (tests/data/report/cdp_check.js, node's
# own modules only): no console error, exception, failed or network request; the viewer
# ready; the night slider changes the map; hover texts; screenshots under $W/shots
if command -v node >/dev/null 2>&1; then
  mkdir -p "$W/shots"
  if timeout 150 node "$ROOT/tests/data/report/cdp_check.js" "$BROWSER" "$W/s/report.html" "$W/shots" >"$W/cdp.json" 2>"$W/cdp.err"; then
    pass
  else
    fail "viewer check in $BROWSER: $(cat "$W/cdp.json" "$W/cdp.err" | head -c 2000)"
  fi
  python3 - "$W/cdp.json" "$W/s/cities.csv" >"$W/cdp.check" 2>&1 <<'PY' && pass || fail "viewer: $(cat "$W/cdp.check")"
import csv, json, sys
r = json.load(open(sys.argv[1]))
# Ardan (city 1 of cities.csv; 400 k people, 240 k district-heated): hours without power per
# resident and hours below 12 °C per heated resident over the campaign, summed here from the
# campaign's own rows, run 1 and the mean of the 5 runs
dark, cold = [0.0] * 5, [0.0] * 5
for row in csv.DictReader(open(sys.argv[2])):
    if row["city"] == "1":
        dark[int(row["run"]) - 1] += float(row["people_without_power"]) / 400000
        cold[int(row["run"]) - 1] += float(row["people_below_12c"]) / 240000
assert dark[0] > 0 and cold[0] > 0, (dark, cold)
r = r.get("report", r)
assert r["viewer"] == "ready", r
assert r["charts_loaded"] == r["charts_total"] == "6", r
assert r["nights"] == 4 and r["runs"] == 6, r          # 5 runs + the aggregate
assert r["view0"] == "all", r                           # starts on the Monte Carlo view
assert r["map_changed"] and r["damaged_last"] > r["damaged_night1"], r
assert r["t_after_slider"] == 2 * 24 + 23, r            # the slider moved to night 3
assert "repair ETA" in r["tip"] and "HIDDEN" not in r["tip"], r["tip"]
assert "people" in r["city_tip"] and "dark hours per resident" in r["city_tip"], r["city_tip"]
t1, ta = r["city_tip"], r.get("city_tip_all", "")
assert "%.1f h over the campaign" % dark[0] in t1, (dark[0], t1)
assert "below 12 °C per heated resident" in t1 and "%.1f h over the campaign (" % cold[0] in t1, (cold[0], t1)
assert "%.1f h over the campaign (mean of 5 runs)" % (sum(dark) / 5) in ta, (sum(dark) / 5, ta)
assert "%.1f h over the campaign (" % (sum(cold) / 5) in ta, (sum(cold) / 5, ta)
assert not r["problems"], r["problems"]
print("ok")
PY
  for f in top viewer-night1 viewer-night4 viewer-run1 viewer-hover viewer-hover-all; do
    [ -s "$W/shots/$f.png" ] && pass || fail "no screenshot $f.png"
  done
  echo "screenshots: $W/shots"
else
  echo "note: node is not installed; the viewer check was not run"
fi

# a screenshot of the page, for people to look at
if browse "$W/shot.log" --screenshot="$W/report.png" --window-size=1240,2400 \
  --hide-scrollbars "file://$W/s/report.html" && [ -s "$W/report.png" ]; then
  pass
  echo "screenshot: $W/report.png"
else
  fail "$BROWSER --screenshot failed"
  sed 's/^/    browser: /' "$W/shot.log.err" | head -10 >&2
fi

finish
