# test_report_browser.sh — renders report.html of the sample campaign folder in headless
# Chromium and checks that every chart image decodes (the page's own script counts the
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
  expect_in "$W/dom.html" 'data-charts-total="5"' dom
  if grep -q 'data-charts-loaded="5"' "$W/dom.html"; then
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
  for c in served nights map fan ccdf; do echo "<img class=\"chart\" src=\"charts/$c.svg\">"; done
  sed -n '/^<script>/,/^<\/script>/p' "$W/s/report.html"
  echo '</body></html>'
} >"$W/s/svg.html"
if browse "$W/svgdom.html" --dump-dom "file://$W/s/svg.html"; then
  if grep -q 'data-charts-loaded="5"' "$W/svgdom.html"; then
    pass
  else
    fail "not every SVG decoded: $(grep -o 'data-charts-loaded="[0-9]*"' "$W/svgdom.html")"
  fi
else
  fail "$BROWSER --dump-dom (svg) failed"
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
