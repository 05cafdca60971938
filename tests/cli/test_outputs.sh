# test_outputs.sh — output files are never left truncated under their final names (issue 22):
# every writer goes through one helper (a temporary PATH.tmp.PID.SEQ beside it, fsync, rename).
# A full disk is simulated with the test-only hook GRIDRES_TEST_FAIL_WRITE_AFTER=N (the writes
# fail with ENOSPC once N bytes are written, the temporary file cut at N bytes as a full disk
# leaves it; N:kill / N:term kill the process at that moment instead): the error is reported
# (exit 1), no file is cut or empty, no temporary file stays (SIGKILL: the stale one is not an
# output and the next write of that file removes it). A failing standard output (/dev/full)
# gives a message and exit 1 for pf --json, info, contingency --json and restore --json.
set -u
. "$(dirname "$0")/lib.sh"

CAMP=(campaign --nights 2 --runs 1 --seed 1 --quiet)
OUTS="hourly.csv nights.csv events.csv runs.csv summary.json grid.m scenario.json campaign.json"

size() { wc -c <"$1" | tr -d ' '; }

# no_tmp NAME DIR: no temporary file in DIR (or below).
no_tmp() {
  n_check=$((n_check + 1))
  local left
  left="$(find "$2" -name '*.tmp.*' 2>/dev/null)"
  [ -z "$left" ] || fail "$1: temporary files left: $left"
}

# absent NAME FILE...
absent() {
  local name="$1" f
  shift
  for f in "$@"; do
    n_check=$((n_check + 1))
    [ ! -e "$f" ] || fail "$name: $f exists ($(size "$f") bytes)"
  done
}

# same NAME DIR_A DIR_B FILE...
same() {
  local name="$1" a="$2" b="$3" f
  shift 3
  for f in "$@"; do
    n_check=$((n_check + 1))
    cmp -s "$a/$f" "$b/$f" || fail "$name: $f differs from the reference"
  done
}

# --- the reference, and the byte offsets of its outputs in write order ----------------------
run 0 ref "$G" "${CAMP[@]}" --out "$W/ref" || { finish; exit; }
S=$(size "$W/ref/sweep.json")
H=$(size "$W/ref/hourly.csv")
before_grid=$S
for f in hourly.csv nights.csv events.csv runs.csv summary.json; do
  before_grid=$((before_grid + $(size "$W/ref/$f")))
done

# --- a full disk in the middle of hourly.csv: nothing cut, nothing left -----------------------
N=$((S + H / 2))
if GRIDRES_TEST_FAIL_WRITE_AFTER=$N run 1 full_hourly "$G" "${CAMP[@]}" --out "$W/fh"; then
  expect_in "$W/full_hourly.err" "hourly\.csv.*No space left on device" full_hourly
fi
absent full_hourly "$W/fh/hourly.csv" "$W/fh/grid.m"
no_tmp full_hourly "$W/fh"

# --- ... in the middle of grid.m: the whole tables before it stay, grid.m is not there --------
N=$((before_grid + $(size "$W/ref/grid.m") / 2))
if GRIDRES_TEST_FAIL_WRITE_AFTER=$N run 1 full_grid "$G" "${CAMP[@]}" --out "$W/fg"; then
  expect_in "$W/full_grid.err" "grid\.m.*No space left on device" full_grid
fi
same full_grid "$W/ref" "$W/fg" hourly.csv nights.csv events.csv runs.csv summary.json
absent full_grid "$W/fg/grid.m" "$W/fg/scenario.json"
no_tmp full_grid "$W/fg"

# --- ... in the middle of the scenario overlay (the overlay writer) ---------------------------
N=$((before_grid + $(size "$W/ref/grid.m") + $(size "$W/ref/scenario.json") / 2))
GRIDRES_TEST_FAIL_WRITE_AFTER=$N run 1 full_scen "$G" "${CAMP[@]}" --out "$W/fs"
absent full_scen "$W/fs/scenario.json"
n_check=$((n_check + 1))
cmp -s "$W/ref/grid.m" "$W/fs/grid.m" || fail "full_scen: grid.m is not whole"
no_tmp full_scen "$W/fs"

# --- SIGTERM while writing hourly.csv: the handler removes the temporary file ---------------
N=$((S + H / 2))
GRIDRES_TEST_FAIL_WRITE_AFTER=$N:term run 143 term "$G" "${CAMP[@]}" --out "$W/ft"
absent term "$W/ft/hourly.csv"
no_tmp term "$W/ft"

# --- SIGKILL while writing hourly.csv: hourly.csv is not there (only a stale temporary file);
#     the next run (--force: sweep.json is there) writes it whole and removes the stale one ----
{ GRIDRES_TEST_FAIL_WRITE_AFTER=$N:kill "$G" "${CAMP[@]}" --out "$W/fk" >"$W/kill.out" \
    2>"$W/kill.err"; got=$?; } 2>/dev/null
n_check=$((n_check + 1))
[ "$got" = 137 ] || fail "kill: exit $got, expected 137 (SIGKILL by the test hook)"
absent kill "$W/fk/hourly.csv"
n_check=$((n_check + 1))
stale="$(find "$W/fk" -name 'hourly.csv.tmp.*')"
[ -n "$stale" ] || fail "kill: no stale hourly.csv.tmp.* (did the hook fire?)"
n_check=$((n_check + 1))
[ -z "$stale" ] || [ "$(size "$stale")" -lt "$H" ] || fail "kill: the temporary file is whole"
if run 0 kill_again "$G" "${CAMP[@]}" --out "$W/fk" --force; then
  same kill_again "$W/ref" "$W/fk" $OUTS
  no_tmp kill_again "$W/fk"
fi

# --- the report: HTML, PNG and SVG through the same helper -------------------------------------
cp -r "$W/ref" "$W/rep"
rm -f "$W/rep/sweep.json"
GRIDRES_TEST_FAIL_WRITE_AFTER=20000 run 1 full_report "$G" report "$W/rep"
absent full_report "$W/rep/report.html"
no_tmp full_report "$W/rep"
if run 0 report "$G" report "$W/rep" --force; then
  n_check=$((n_check + 1))
  [ -s "$W/rep/report.html" ] || fail "report: no report.html"
  n_check=$((n_check + 1))
  head -c 8 "$W/rep/charts/served.png" | od -An -c | grep -q 'P   N   G' ||
    fail "report: charts/served.png is not a PNG"
  expect_in "$W/rep/charts/served.svg" '</svg>' report_svg
  no_tmp report "$W/rep"
fi

# --- stdout that cannot be written: a message and exit 1 (was 0) ------------------------------
CASE="$EXAMPLE"
DMG="$ROOT/tests/data/restore/example6_damage.json"
full_stdout() {
  local name="$1" got
  shift
  "$@" >/dev/full 2>"$W/$name.err"
  got=$?
  n_check=$((n_check + 1))
  [ "$got" = 1 ] || fail "$name: exit $got with stdout on /dev/full, expected 1: $*"
  expect_in "$W/$name.err" 'error writing the standard output' "$name"
}
if [ -w /dev/full ]; then
  full_stdout pf_full "$G" pf "$CASE" --json
  full_stdout info_full "$G" info "$CASE"
  full_stdout info_json_full "$G" info "$CASE" --json
  full_stdout ctg_full "$G" contingency "$CASE" --json
  full_stdout restore_full "$G" restore "$CASE" --damage "$DMG" --json
  full_stdout version_full "$G" --version
  # the same commands into a file are fine
  run 0 pf_file "$G" pf "$CASE" --json && json_valid "$W/pf_file.out" ||
    fail "pf_file: not JSON"
fi

finish
