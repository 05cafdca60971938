# test_pf.sh — end-to-end tests of `gridres pf` on the built-in example grid:
# help/version, summary, JSON, CSV output, no-clobber, power balance, DC, Q limits, --write-case,
# PSS/E RAW input and its conversion.
set -u
. "$(dirname "$0")/lib.sh"

# --- help and version -----------------------------------------------------------------
run 0 version "$G" --version && expect_in "$W/version.out" '^gridres 0\.1\.0$' version
run 0 help "$G" --help && expect_in "$W/help.out" '^  pf ' help
run 0 pf_help "$G" pf --help && expect_in "$W/pf_help.out" '^usage: gridres pf' pf_help
expect_in "$W/pf_help.out" '--write-case' pf_help
run 0 help_pf "$G" help pf && cmp -s "$W/help_pf.out" "$W/pf_help.out" || fail "help pf differs from pf --help"
run 2 noargs "$G" && expect_in "$W/noargs.err" '^usage: gridres' noargs
run 2 nocmd "$G" nosuchcommand && expect_in "$W/nocmd.err" "unknown command 'nosuchcommand'" nocmd

# --- built-in example: summary ----------------------------------------------------------
run 0 pf "$G" pf && {
  expect_in "$W/pf.out" '^case +example6 \(built-in\)' pf
  expect_in "$W/pf.out" '^converged +yes' pf
  expect_in "$W/pf.out" '^size +6 buses, 4 generators, 8 branches' pf
  expect_in "$W/pf.out" '^losses +[0-9.]+ MW' pf
  expect_in "$W/pf.out" '^voltage +min [0-9.]+ pu at bus [0-9]+, max [0-9.]+ pu at bus [0-9]+' pf
}

# --- JSON -------------------------------------------------------------------------------
if run 0 json "$G" pf --json; then
  json_valid "$W/json.out" && pass || fail "pf --json: not valid JSON"
  [ "$(json_get "$W/json.out" converged)" = true ] && pass || fail "json: converged is not true"
  [ "$(json_get "$W/json.out" buses)" = 6 ] && pass || fail "json: buses != 6"
  [ "$(json_get "$W/json.out" method)" = ac ] && pass || fail "json: method != ac"
fi

# --- CSV output -------------------------------------------------------------------------
nb=$(matrix_rows "$EXAMPLE" bus)
ng=$(matrix_rows "$EXAMPLE" gen)
nl=$(matrix_rows "$EXAMPLE" branch)
[ "$nb" = 6 ] && [ "$ng" = 4 ] && [ "$nl" = 8 ] && pass || fail "matrix_rows: $nb $ng $nl"
O="$W/out"
if run 0 out "$G" pf --out "$O"; then
  check_csv() {   # FILE HEADER ROWS
    [ -f "$1" ] || { fail "$1 missing"; return; }
    [ "$(head -n 1 "$1")" = "$2" ] && pass || fail "$(basename "$1"): header '$(head -n 1 "$1")'"
    [ "$(($(wc -l <"$1") - 1))" = "$3" ] && pass || fail "$(basename "$1"): $(($(wc -l <"$1") - 1)) rows, expected $3"
  }
  check_csv "$O/bus.csv" "bus_id,vm_pu,va_deg,type,pd_mw,qd_mvar,p_inj_mw,q_inj_mvar" "$nb"
  check_csv "$O/gen.csv" "row,gen_bus,pg_mw,qg_mvar,status" "$ng"
  check_csv "$O/branch.csv" "row,from,to,pf_mw,qf_mvar,pt_mw,qt_mvar,status,loading_pct" "$nl"
  # bus ids in case-file row order
  awk -v name=bus '$0 ~ "^[ \t]*mpc\\." name "[ \t]*=[ \t]*\\[" { inside = 1; next }
    inside && /^[ \t]*\]/ { inside = 0 } inside && NF > 2 { print $1 }' "$EXAMPLE" >"$W/ids.want"
  tail -n +2 "$O/bus.csv" | cut -d, -f1 >"$W/ids.got"
  cmp -s "$W/ids.want" "$W/ids.got" && pass || fail "bus.csv: bus order differs from the case file"
  # Conservation: the buses' net injections add up to the branches' losses (sum of
  # pf + pt); rows are 1-based.
  awk -F, 'NR > 1 { s += $7 } END { printf "%.9f\n", s }' "$O/bus.csv" >"$W/inj.sum"
  awk -F, 'NR > 1 { s += $4 + $6 } END { printf "%.9f\n", s }' "$O/branch.csv" >"$W/loss.sum"
  near "$(cat "$W/inj.sum")" "$(cat "$W/loss.sum")" 1e-6 && pass ||
    fail "sum of p_inj_mw $(cat "$W/inj.sum") != losses $(cat "$W/loss.sum")"
  [ "$(awk -F, 'FNR > 1 && $1 != FNR - 1' "$O/gen.csv" "$O/branch.csv" | wc -l)" = 0 ] && pass ||
    fail "gen.csv/branch.csv rows are not 1, 2, ..."
  # loading_pct = max(|Sf|, |St|) / rateA (the case's RATE_A, column 6 of mpc.branch)
  awk -F, 'NR == 2 { sf = sqrt($4 * $4 + $5 * $5); st = sqrt($6 * $6 + $7 * $7);
                     printf "%.12g %s\n", (sf > st ? sf : st), $9 }' "$O/branch.csv" >"$W/load1"
  rate1=$(awk '/mpc\.branch[ \t]*=/ { getline; print $6; exit }' "$EXAMPLE")
  read -r s1 l1 <"$W/load1"
  near "$(awk -v s="$s1" -v r="$rate1" 'BEGIN { printf "%.12g", 100 * s / r }')" "$l1" 1e-6 && pass ||
    fail "branch 1 loading_pct $l1, expected 100 x $s1 / $rate1"

  # A second run without --force refuses and leaves the files as they were.
  cp -p "$O/bus.csv" "$W/bus.csv.before"
  echo "sentinel" >"$O/gen.csv"
  run 2 noforce "$G" pf --out "$O" && expect_in "$W/noforce.err" "bus\.csv.*exists.*--force" noforce
  cmp -s "$O/bus.csv" "$W/bus.csv.before" && [ "$(cat "$O/gen.csv")" = sentinel ] && pass ||
    fail "refused run changed the output files"
  run 0 force "$G" pf --out "$O" --force
  [ "$(head -n 1 "$O/gen.csv")" = "row,gen_bus,pg_mw,qg_mvar,status" ] && pass || fail "--force did not rewrite gen.csv"
  cmp -s "$O/bus.csv" "$W/bus.csv.before" && pass || fail "--force: bus.csv changed between identical runs"

  # The built-in grid is examples/example6.m: same results from the file.
  if run 0 file "$G" pf "$EXAMPLE" --out "$W/file"; then
    for f in bus gen branch; do
      cmp -s "$O/$f.csv" "$W/file/$f.csv" && pass || fail "built-in and examples/example6.m give different $f.csv"
    done
  fi

  # Power balance from the CSVs: sum(Pg) - Pd - Gs*Vm^2 - losses = 0, and the same for Q
  # with Bs*Vm^2 injected; losses = sum over branches of (Pf + Pt), (Qf + Qt).
  awk -F, -v ex="$EXAMPLE" -v json="$W/json.out" '
    BEGIN {
      while ((getline line < ex) > 0) {
        if (line ~ /^[ \t]*mpc\.bus[ \t]*=[ \t]*\[/) { inb = 1; continue }
        if (inb && line ~ /^[ \t]*\]/) inb = 0
        if (inb) { sub(/%.*/, "", line); sub(/;.*/, "", line); n = split(line, a, /[ \t]+/)
          k = 0; for (i = 1; i <= n; i++) if (a[i] != "") b[++k] = a[i]
          if (k >= 6) { pd[b[1]] = b[3]; qd[b[1]] = b[4]; gs[b[1]] = b[5]; bs[b[1]] = b[6] } }
      }
    }
    FNR == 1 { file++; next }
    file == 1 { vm2 = $2 * $2; P -= pd[$1] + gs[$1] * vm2; Q -= qd[$1] - bs[$1] * vm2 }
    file == 2 { if ($5 > 0) { P += $3; Q += $4 } }
    file == 3 { P -= $4 + $6; Q -= $5 + $7; lossp += $4 + $6 }
    END {
      if (P < 0) P = -P; if (Q < 0) Q = -Q
      printf "balance: P %.3g MW, Q %.3g MVAr, losses %.6f MW\n", P, Q, lossp
      if (P > 1e-4 || Q > 1e-4) exit 1
      printf "%.10g\n", lossp > "/dev/stderr"
    }' "$O/bus.csv" "$O/gen.csv" "$O/branch.csv" 2>"$W/lossp" && pass || fail "power balance of the example does not close"
  near "$(cat "$W/lossp")" "$(json_get "$W/json.out" loss_mw)" 1e-6 && pass ||
    fail "JSON loss_mw $(json_get "$W/json.out" loss_mw) != sum(pf+pt) $(cat "$W/lossp")"
fi

# --- DC ---------------------------------------------------------------------------------
if run 0 dc "$G" pf --dc --out "$W/dc"; then
  awk -F, 'NR > 1 && $2 != 1 { bad = 1 } END { exit bad }' "$W/dc/bus.csv" && pass || fail "dc: vm_pu not 1"
  awk -F, 'NR > 1 && ($5 != 0 || $7 != 0) { bad = 1 } END { exit bad }' "$W/dc/branch.csv" && pass || fail "dc: q not 0"
  awk -F, 'NR > 1 && ($4 + $6 > 1e-6 || $4 + $6 < -1e-6) { bad = 1 } END { exit bad }' "$W/dc/branch.csv" &&
    pass || fail "dc: pf + pt != 0"
  pg=$(awk -F, 'NR > 1 && $5 > 0 { s += $3 } END { printf "%.10g", s }' "$W/dc/gen.csv")
  pd=$(awk '/^[ \t]*mpc\.bus[ \t]*=/ { i = 1; next } i && /^[ \t]*\]/ { i = 0 } i && NF > 5 { s += $3 } END { print s }' "$EXAMPLE")
  near "$pg" "$pd" 1e-6 && pass || fail "dc: generation $pg != load $pd"
fi
run 2 dc_qlim "$G" pf --dc --qlim

# --- Q limits: the hydro unit (bus 2, Qmin -30 MVAr) absorbs more without limits ----------
if run 0 qlim "$G" pf --qlim --out "$W/qlim"; then
  awk -F, 'NR > 1 && $2 == 2 && $5 > 0 && $4 < -30 - 1e-6 { bad = 1 } END { exit bad }' "$W/qlim/gen.csv" &&
    pass || fail "qlim: generator at bus 2 below Qmin"
  awk -F, 'NR > 1 && $1 == 2 { t = $4 } END { exit !(t == 1) }' "$W/qlim/bus.csv" &&
    pass || fail "qlim: bus 2 did not become PQ"
  awk -F, 'NR > 1 && $2 == 2 && $5 > 0 && $4 < -30 - 1e-6 { bad = 1 } END { exit !bad }' "$O/gen.csv" &&
    pass || fail "example: without --qlim the bus 2 unit should exceed Qmin (test premise)"
fi

# --- flat start reaches the same solution --------------------------------------------------
if run 0 flat "$G" pf --flat --out "$W/flat"; then
  paste -d, "$O/bus.csv" "$W/flat/bus.csv" | awk -F, 'NR > 1 { d = $2 - $10; if (d < 0) d = -d; e = $3 - $11; if (e < 0) e = -e
    if (d > 1e-8 || e > 1e-6) bad = 1 } END { exit bad }' && pass || fail "flat and warm start differ"
fi
run 2 flatwarm "$G" pf --flat --warm

# --- write the solved case; it is a power-flow solution when read back ---------------------
if run 0 wcase "$G" pf --write-case "$W/solved.m"; then
  if run 0 wcase_back "$G" pf "$W/solved.m" --json; then
    it=$(json_get "$W/wcase_back.out" iterations)
    [ "$it" -le 1 ] 2>/dev/null && pass || fail "solved case needs $it iterations (expected <= 1)"
  fi
  cp -p "$W/solved.m" "$W/solved.before"
  run 2 wcase_again "$G" pf --write-case "$W/solved.m" && expect_in "$W/wcase_again.err" 'solved\.m.*exists' wcase_again
  cmp -s "$W/solved.m" "$W/solved.before" && pass || fail "refused --write-case changed the file"
  run 0 wcase_force "$G" pf --write-case "$W/solved.m" --force
fi

# --- PSS/E RAW input (hand-made seeds of tests/fuzz/seeds/psse) -------------------------------
RAWS="$ROOT/tests/fuzz/seeds/psse"
if run 0 raw33 "$G" pf "$RAWS/three_bus_v33.raw" --json; then
  [ "$(json_get "$W/raw33.out" buses)" = 3 ] && pass || fail "raw33: buses != 3"
  [ "$(json_get "$W/raw33.out" converged)" = true ] && pass || fail "raw33: not converged"
  # 80 + 5 + 3 MW at bus 2 (PL + IP*VM + YP*VM^2, VM = 1)
  near "$(json_get "$W/raw33.out" load_mw)" 88 1e-9 && pass || fail "raw33: load_mw != 88"
  expect_in "$W/raw33.err" 'warning: .*three_bus_v33\.raw: 1 switched shunt' raw33
fi
# an upper-case extension is a RAW file too; --write-case converts it to MATPOWER
cp "$RAWS/four_bus_v30_3w.raw" "$W/FOUR.RAW"
if run 0 rawconv "$G" pf "$W/FOUR.RAW" --write-case "$W/four.m" --json; then
  expect_in "$W/rawconv.err" "two-terminal DC data: 1 record skipped \(first 'DC1'\)" rawconv
  [ "$(matrix_rows "$W/four.m" bus)" = 5 ] && pass || fail "four.m: expected 5 buses (with the star point)"
  if run 0 rawconv_back "$G" pf "$W/four.m" --json; then
    it=$(json_get "$W/rawconv_back.out" iterations)
    [ "$it" -le 1 ] 2>/dev/null && pass || fail "converted case needs $it iterations (expected <= 1)"
    near "$(json_get "$W/rawconv_back.out" loss_mw)" "$(json_get "$W/rawconv.out" loss_mw)" 1e-6 &&
      pass || fail "converted case: losses differ"
  fi
  [ -s "$W/rawconv_back.err" ] && fail "the converted .m should read without warnings" || pass
fi
# a bad RAW file: exit 2 and "file:line: section, record N, field NAME: message"
printf '0, 100.0, 33\nT\nT\n1,"A",138.0,3\n2,"B",x138,1\n0\nQ\n' >"$W/bad.raw"
run 2 rawbad "$G" pf "$W/bad.raw" &&
  expect_in "$W/rawbad.err" "bad\.raw:5: bus data, record 2, field BASKV: expected a number, found 'x138'" rawbad
run 2 rawbad_info "$G" info "$W/bad.raw"
if [ -f "$SHARED/cases/psse/ACTIVSg2000.RAW" ]; then
  run 0 rawbig "$G" pf "$SHARED/cases/psse/ACTIVSg2000.RAW" --json &&
    [ "$(json_get "$W/rawbig.out" buses)" = 2000 ] && pass || fail "ACTIVSg2000.RAW: buses != 2000"
fi

# --- non-convergence is exit 3 -------------------------------------------------------------
run 3 noconv "$G" pf --max-iter 1 --flat && expect_in "$W/noconv.out" '^converged +NO' noconv


# --- issue 22: never "converged" with NaN; the reason of a failure ------------------------
ZX="$ROOT/tests/data/matpower/zero_x.m"   # example6, branch 1 at x = 0 (r = 0.0055)
run 0 zx_ac "$G" pf "$ZX" && expect_in "$W/zx_ac.out" '^converged +yes' zx_ac
if run 2 zx_dc "$G" pf "$ZX" --dc; then
  expect_in "$W/zx_dc.err" 'branch 1 \(bus 1 to bus 2\): zero reactance x = 0' zx_dc
  [ ! -s "$W/zx_dc.out" ] && pass || fail "zx_dc: printed a result"
fi
run 2 zx_dc_json "$G" pf "$ZX" --dc --json
# case14 with loads x 3: every generator above Qmax (MATPOWER: infeasible problem)
if [ -f "$SHARED/cases/matpower/case14.m" ]; then
  awk 'BEGIN { OFS = "\t" }
       /^mpc\.bus *=/ { inbus = 1; print; next }
       inbus && /^\];/ { inbus = 0 }
       inbus && NF >= 13 { $1 = $1; $3 = $3 * 3; $4 = $4 * 3; print "\t" $0; next }
       { print }' "$SHARED/cases/matpower/case14.m" >"$W/case14x3.m"
  if run 3 qlim3 "$G" pf "$W/case14x3.m" --qlim; then
    expect_in "$W/qlim3.out" '^converged +NO, [0-9]+ iterations: reactive limits: all 5 generators' qlim3
    grep -q 'mismatch' "$W/qlim3.out" && fail "qlim3: prints a mismatch with NaN outputs" || pass
  fi
  run 3 qlim3_json "$G" pf "$W/case14x3.m" --qlim --json &&
    case "$(json_get "$W/qlim3_json.out" max_mismatch_pu)" in None | null) true ;; *) false ;; esac &&
    json_get "$W/qlim3_json.out" reason | grep -q '^reactive limits' && pass ||
    fail "qlim3_json: mismatch not null or no reason"
fi

finish
