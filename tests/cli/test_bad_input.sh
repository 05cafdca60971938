# test_bad_input.sh — `gridres pf` on bad command lines and bad case files: exit 2 with a
# message naming file:line:col, never a crash. Bad files are made from examples/example6.m.
set -u
. "$(dirname "$0")/lib.sh"

# --- bad command lines -------------------------------------------------------------------
run 2 opt_unknown "$G" pf --foo &&
  expect_in "$W/opt_unknown.err" "^gridres pf: unknown option '--foo' \(see gridres pf --help\)$" opt_unknown
run 2 opt_unknown_eq "$G" pf --foo=3 && expect_in "$W/opt_unknown_eq.err" "unknown option '--foo'" opt_unknown_eq
run 2 opt_short "$G" pf -x && expect_in "$W/opt_short.err" "unknown option '-x'" opt_short
run 2 opt_noval "$G" pf --tol && expect_in "$W/opt_noval.err" "'--tol' needs a value" opt_noval
run 2 opt_noval2 "$G" pf --out --force && expect_in "$W/opt_noval2.err" "'--out' needs a value" opt_noval2
run 2 opt_empty "$G" pf --out= && expect_in "$W/opt_empty.err" "'--out' needs a value" opt_empty
run 2 opt_nan "$G" pf --tol abc && expect_in "$W/opt_nan.err" "'--tol' expects a number" opt_nan
run 2 opt_tol0 "$G" pf --tol=0
run 2 opt_tolinf "$G" pf --tol inf
run 2 opt_iter0 "$G" pf --max-iter 0 && expect_in "$W/opt_iter0.err" "'--max-iter' expects an integer" opt_iter0
run 2 opt_iterx "$G" pf --max-iter 5x
run 2 opt_iterbig "$G" pf --max-iter 99999999999999999999
run 2 opt_flagval "$G" pf --dc=1 && expect_in "$W/opt_flagval.err" "'--dc' takes no value" opt_flagval
run 2 opt_twocases "$G" pf a.m b.m && expect_in "$W/opt_twocases.err" "unexpected argument 'b.m'" opt_twocases
run 2 opt_dcqlim "$G" pf --dc --max-iter 5
run 0 opt_eqform "$G" pf --tol=1e-9 --max-iter=20

# --- bad case files ------------------------------------------------------------------------
# bad NAME EXPECTED_REGEX: pf on $W/NAME.m exits 2 with "gridres: error: NAME.m:LINE:COL: ..."
bad() {
  local f="$W/$1.m"
  if run 2 "$1" "$G" pf "$f"; then
    expect_in "$W/$1.err" "^gridres: error: [^ ]*$1\.m:[0-9]+:[0-9]+: " "$1 (file:line:col)"
    [ -z "${2:-}" ] || expect_in "$W/$1.err" "$2" "$1"
  fi
}

# Edit one row of a matrix: field FIELD (1-based) of data row ROW (1-based) set to VALUE,
# or, with FIELD = 0, the whole row replaced by VALUE.
edit_row() {   # MATRIX ROW FIELD VALUE < example > out
  awk -v name="$1" -v row="$2" -v field="$3" -v val="$4" '
    $0 ~ "^[ \t]*mpc\\." name "[ \t]*=[ \t]*\\[" { inside = 1; print; next }
    inside && /^[ \t]*\]/ { inside = 0 }
    inside && /[0-9]/ && ++r == row {
      if (field == 0) { print val; next }
      n = split($0, a, /\t/); out = ""; k = 0
      for (i = 1; i <= n; i++) { if (a[i] != "") { k++; if (k == field) a[i] = val } out = out (i > 1 ? "\t" : "") a[i] }
      print out; next
    }
    { print }'
}

# truncated: cut in the middle of the third branch row.
awk '/^[ \t]*mpc\.branch/ { b = 1 } { if (b && /[0-9]/ && ++r == 4) { printf "%s", substr($0, 1, 12); exit } print }' \
  "$EXAMPLE" >"$W/trunc.m"
bad trunc
# a file that stops right after "mpc.bus = ["
awk '{ print } /^mpc\.bus/ { exit }' "$EXAMPLE" >"$W/trunc_open.m"
bad trunc_open
# a bus row with too few columns
edit_row bus 4 0 $'\t4\t1\t95\t32\t0;' <"$EXAMPLE" >"$W/short_row.m"
bad short_row
# a branch to a bus that does not exist (branch 6: 4 -> 55)
edit_row branch 6 2 55 <"$EXAMPLE" >"$W/no_bus.m"
bad no_bus '55'
# a generator on a bus that does not exist
edit_row gen 3 1 77 <"$EXAMPLE" >"$W/gen_no_bus.m"
bad gen_no_bus '77'
# two reference buses in one island (bus 2 made type 3)
edit_row bus 2 2 3 <"$EXAMPLE" >"$W/two_ref.m"
bad two_ref 'reference'
# text where a number belongs (Pd of bus 5)
edit_row bus 5 3 abc <"$EXAMPLE" >"$W/text_num.m"
bad text_num
# the same bus number twice
edit_row bus 3 1 2 <"$EXAMPLE" >"$W/dup_bus.m"
bad dup_bus
# the error points at the right line: two_ref is bus row 2
line=$(grep -n $'^\t2\t3\t' "$W/two_ref.m" | cut -d: -f1)
expect_in "$W/two_ref.err" "two_ref\.m:$line:" "two_ref line"

# --- impossible values (docs/input_validation.md): exit 2 naming column and row ----------
# value NAME MATRIX ROW FIELD VALUE COLUMN_REGEX: field FIELD of data row ROW set to VALUE
value() {
  edit_row "$2" "$3" "$4" "$5" <"$EXAMPLE" >"$W/$1.m"
  bad "$1" "$6"
}
value nan_br_r branch 3 3 NaN 'column BR_R \(mpc\.branch row 3\): expected a finite number, found NaN$'
value nan_br_x branch 2 4 NaN 'column BR_X \(mpc\.branch row 2\): expected a finite number, found NaN$'
value nan_pd bus 3 3 NaN 'column PD \(mpc\.bus row 3\): expected a finite number, found NaN$'
value nan_vm bus 4 8 NaN 'column VM \(mpc\.bus row 4\): expected a finite non-negative number, found NaN$'
value inf_gs bus 5 5 Inf 'column GS \(mpc\.bus row 5\): expected a finite number, found Inf$'
value minf_gs bus 5 5 -Inf 'column GS \(mpc\.bus row 5\): expected a finite number, found -Inf$'
value inf_bs bus 4 6 Inf 'column BS \(mpc\.bus row 4\): expected a finite number, found Inf$'
value minf_bs bus 4 6 -Inf 'column BS \(mpc\.bus row 4\): expected a finite number, found -Inf$'
value neg_rate branch 6 6 -95 'column RATE_A \(mpc\.branch row 6\): expected a finite non-negative number \(0 = no limit\), found -95$'
value nan_rate branch 6 7 NaN 'column RATE_B \(mpc\.branch row 6\): .*found NaN$'
value neg_br_status branch 5 11 -1 'column BR_STATUS \(mpc\.branch row 5\): expected 0 \(out of service\) or a positive integer'
value neg_gen_status gen 2 8 -1 'column GEN_STATUS \(mpc\.gen row 2\): expected 0 \(out of service\) or a positive integer'
# the error points at the field itself: NaN in PD of bus 3
line=$(grep -n $'^\t3\t1\tNaN' "$W/nan_pd.m" | cut -d: -f1)
expect_in "$W/nan_pd.err" "nan_pd\.m:$line:6: column PD" "nan_pd line:col"
# a zero-impedance in-service branch (row 7, bus 4 to 6): rejected with a hint, not "not converged"
edit_row branch 7 3 0 <"$EXAMPLE" | edit_row branch 7 4 0 >"$W/zero_z.m"
bad zero_z 'columns BR_R, BR_X \(mpc\.branch row 7, bus 4 to bus 6\): expected \|BR_R\| \+ \|BR_X\| >= 1e-10 pu on an in-service branch, found 0'
expect_in "$W/zero_z.err" 'merge buses 4 and 6' zero_z_hint
# ... and out of service it is kept (MATPOWER's ext2int drops it before makeYbus)
edit_row branch 7 3 0 <"$EXAMPLE" | edit_row branch 7 4 0 | edit_row branch 7 11 0 >"$W/zero_z_off.m"
run 0 zero_z_off "$G" pf "$W/zero_z_off.m"
# what stays accepted: a status above 1 is in service (as MATPOWER: > 0), so the solution is
# the same as with 1; QMAX = Inf and PMIN = -Inf are open limits
run 0 status1 "$G" pf "$EXAMPLE"
edit_row branch 5 11 2 <"$EXAMPLE" | edit_row gen 1 8 3 >"$W/status2.m"
if run 0 status2 "$G" pf "$W/status2.m"; then
  n_check=$((n_check + 1))
  if diff <(grep -Ev '^(case|time) ' "$W/status2.out") <(grep -Ev '^(case|time) ' "$W/status1.out") >/dev/null; then :
  else fail "status 2/3 changed the solution"; diff "$W/status1.out" "$W/status2.out" | head -10 >&2; fi
fi
edit_row gen 3 4 Inf <"$EXAMPLE" | edit_row gen 3 10 -Inf >"$W/open_limits.m"
run 0 open_limits "$G" pf "$W/open_limits.m"

# nonexistent file, directory, empty file, binary garbage
run 2 missing "$G" pf "$W/no_such_file.m" && expect_in "$W/missing.err" "^gridres: error: .*no_such_file\.m" missing
run 2 directory "$G" pf "$W"
: >"$W/empty.m"
run 2 empty "$G" pf "$W/empty.m"
head -c 4096 "$G" >"$W/binary.m"
run 2 binary "$G" pf "$W/binary.m"

# --- what every reader refuses (issue 22 item 9) ------------------------------------------
# Only regular files are read: /dev/zero used to be read for 2 GiB before failing.
run 2 devzero "$G" pf /dev/zero &&
  expect_in "$W/devzero.err" '^gridres: error: /dev/zero: not a regular file \(a character device\)$' devzero
expect_in "$W/directory.err" 'not a regular file \(a directory\)' directory_kind
# A FIFO is refused at once, not waited on (timeout: a hang fails instead of blocking CI).
mkfifo "$W/fifo.m"
run 2 fifo timeout 20 "$G" pf "$W/fifo.m" && expect_in "$W/fifo.err" 'fifo\.m: not a regular file \(a FIFO\)$' fifo
# A NUL byte in a text file: refused at its line and column (it used to end the line there).
{ head -n 3 "$EXAMPLE"; printf 'mpc.x = 1;\0 junk\n'; tail -n +4 "$EXAMPLE"; } >"$W/nul.m"
run 2 nul "$G" pf "$W/nul.m" && expect_in "$W/nul.err" 'nul\.m:4:11: NUL byte in a text file$' nul
printf 'branch:1\nbranch:2\0,branch:3\n' >"$W/nul.ctg"
run 2 nul_ctg "$G" contingency "$EXAMPLE" --dc --list "$W/nul.ctg" &&
  expect_in "$W/nul_ctg.err" 'nul\.ctg:2:9: NUL byte in a text file$' nul_ctg
# Larger than 1 GiB (sparse: no space used): refused before reading.
if truncate -s 1073741825 "$W/big.m" 2>/dev/null; then
  run 2 big "$G" pf "$W/big.m" && expect_in "$W/big.err" 'big\.m: file larger than 1 GiB' big
  rm -f "$W/big.m"
fi
# A contingency names an element once: a duplicate is refused with file:line:col.
printf 'branch:1\nbranch:2, gen:1, line:2\n' >"$W/dup.ctg"
run 2 dup_ctg "$G" contingency "$EXAMPLE" --dc --list "$W/dup.ctg" &&
  expect_in "$W/dup_ctg.err" 'dup\.ctg:2:18: branch row 2 listed twice in one contingency \(first at column 1\)$' dup_ctg
printf 'chgtab = [\n 1 0 CT_TBRCH 1 BR_STATUS CT_REP 0;\n 2 0 CT_TBRCH 3 BR_STATUS CT_REP 0;\n 2 0 CT_TBRCH 3 BR_STATUS CT_REP 0;\n];\n' >"$W/dup_contab.m"
run 2 dup_contab "$G" contingency "$EXAMPLE" --dc --list "$W/dup_contab.m" &&
  expect_in "$W/dup_contab.err" 'dup_contab\.m:4: chgtab: branch row 3 listed twice in contingency 2 \(first at line 3\)$' dup_contab
# chgtab labels and rows are integers: 1e300, -1e300 and NaN used to become one label
# (INT_MIN, undefined behaviour) and a row 1.5 was cut to 1.
for v in 1e300 -1e300 NaN; do
  printf 'chgtab = [\n %s 0 CT_TBRCH 1 BR_STATUS CT_REP 0;\n];\n' "$v" >"$W/label_$v.m"
  run 2 "label_$v" "$G" contingency "$EXAMPLE" --dc --list "$W/label_$v.m" &&
    expect_in "$W/label_$v.err" "label_$v\.m:2:2: chgtab label: expected an integer" "label_$v"
done
printf 'chgtab = [\n 1 0 CT_TBRCH 1.5 BR_STATUS CT_REP 0;\n];\n' >"$W/row_frac.m"
run 2 row_frac "$G" contingency "$EXAMPLE" --dc --list "$W/row_frac.m" &&
  expect_in "$W/row_frac.err" 'row_frac\.m:2:2: chgtab row: expected an integer, found 1\.5' row_frac
# a control character of a token is shown escaped, the message stays one line
printf 'branch:1\nbr\001nch:2\n' >"$W/ctl.ctg"
run 2 ctl_ctg "$G" contingency "$EXAMPLE" --dc --list "$W/ctl.ctg" &&
  expect_in "$W/ctl_ctg.err" "unknown element kind 'br\\\\x01nch'" ctl_ctg

# --- never crash: every line deleted in turn, and every truncation in 97-byte steps ---------
size=$(wc -c <"$EXAMPLE")
lines=$(wc -l <"$EXAMPLE")
crash=0
check_rc() {   # RC WHAT
  case "$1" in 0|2|3) ;; *) crash=$((crash + 1)); fail "exit $1 on $2"; cp "$W/mut.m" "$W/crash_$crash.m" ;; esac
}
for ((i = 1; i <= lines; i++)); do
  sed "${i}d" "$EXAMPLE" >"$W/mut.m"
  "$G" pf "$W/mut.m" >/dev/null 2>"$W/mut.err"
  check_rc $? "example6.m without line $i"
done
for ((n = 0; n < size; n += 97)); do
  head -c "$n" "$EXAMPLE" >"$W/mut.m"
  "$G" pf "$W/mut.m" >/dev/null 2>"$W/mut.err"
  check_rc $? "example6.m cut at byte $n"
done
# A matrix assigned to a plain variable (found by fuzzing: use-after-free in the reader).
sed 's/^mpc\.gen = \[/foo = [/' "$EXAMPLE" >"$W/mut.m"
"$G" pf "$W/mut.m" >/dev/null 2>"$W/mut.err"
check_rc $? "mpc.gen renamed to a plain variable"
printf 'x = [1 2; 3 4];\ny = 3;\n' >"$W/mut.m"
"$G" pf "$W/mut.m" >/dev/null 2>"$W/mut.err"
check_rc $? "x = [1 2; 3 4]; y = 3;"
[ "$crash" = 0 ] && pass

finish
