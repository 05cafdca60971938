# lib.sh — helpers sourced by the CLI tests (tests/cli/test_*.sh).
# Each test is run as: bash test_x.sh GRIDRES_BINARY SHARED_DIR WORKDIR; exit 77 = skipped.

if [ $# -lt 3 ]; then
  echo "usage: bash $0 GRIDRES_BINARY SHARED_DIR WORKDIR" >&2
  exit 2
fi
G="$1"
SHARED="$2"
W="$3"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
EXAMPLE="$ROOT/examples/example6.m"
case "$W" in ""|/) echo "bad WORKDIR '$W'" >&2; exit 2 ;; esac
rm -rf -- "$W"
mkdir -p -- "$W"
n_fail=0
n_check=0

fail() { echo "FAIL: $*" >&2; n_fail=$((n_fail + 1)); }
pass() { n_check=$((n_check + 1)); }

# run EXPECTED_RC NAME CMD... : run CMD with stdout in $W/NAME.out, stderr in $W/NAME.err,
# check its exit status. A status above 125 (signal, sanitizer abort) is always a failure.
run() {
  local want="$1" name="$2" got
  shift 2
  "$@" >"$W/$name.out" 2>"$W/$name.err"
  got=$?
  n_check=$((n_check + 1))
  if [ "$got" != "$want" ]; then
    fail "$name: exit $got, expected $want: $*"
    sed 's/^/    stderr: /' "$W/$name.err" | head -20 >&2
    sed 's/^/    stdout: /' "$W/$name.out" | head -5 >&2
    return 1
  fi
  return 0
}

# expect_in FILE EXTENDED_REGEX NAME: the file has a line matching the regex.
expect_in() {
  n_check=$((n_check + 1))
  if ! grep -Eq -- "$2" "$1"; then
    fail "$3: no line matching /$2/ in $(basename "$1"):"
    sed 's/^/    /' "$1" | head -10 >&2
    return 1
  fi
}

# Count data rows of a MATPOWER matrix (`mpc.NAME = [ ... ];`) in a case file.
matrix_rows() {
  awk -v name="$2" '
    $0 ~ "^[ \t]*mpc\\." name "[ \t]*=[ \t]*\\[" { inside = 1; next }
    inside && /^[ \t]*\]/ { inside = 0 }
    inside { sub(/%.*/, ""); if ($0 ~ /[0-9]/) n++ }
    END { print n + 0 }' "$1"
}

# JSON field of a file holding one JSON object (python3, else jq).
json_get() {
  if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d[sys.argv[2]]; print(str(v).lower() if isinstance(v,bool) else v)' "$1" "$2"
  elif command -v jq >/dev/null; then
    jq -r ".$2" "$1"
  else
    echo "NO_JSON_TOOL"
  fi
}

json_valid() {
  if command -v python3 >/dev/null; then python3 -m json.tool "$1" >/dev/null
  elif command -v jq >/dev/null; then jq . "$1" >/dev/null
  else return 0; fi
}

# Numbers a and b agree within tol (absolute).
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

finish() {
  if [ "$n_fail" -gt 0 ]; then
    echo "$n_fail of $n_check checks failed" >&2
    exit 1
  fi
  echo "all $n_check checks passed"
  exit 0
}
