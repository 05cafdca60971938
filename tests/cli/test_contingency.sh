# test_contingency.sh — end-to-end tests of `gridres contingency` and `gridres sens`: usage
# errors, list files (plain and MATPOWER contab), CSV/JSON output against MATPOWER's DC N-1,
# no-clobber, and byte-identical CSV for 1, 2 and 3 threads.
set -u
. "$(dirname "$0")/lib.sh"

C="$SHARED/cases/matpower"
REF="$SHARED/reference"
if [ ! -f "$C/case30.m" ]; then
  echo "SKIP: shared cases not found in $SHARED" >&2
  exit 77
fi

# --- help and usage errors ---------------------------------------------------------------
run 0 help "$G" contingency --help && expect_in "$W/help.out" '^usage: gridres contingency' help
run 0 help_list "$G" --help && expect_in "$W/help_list.out" '^  contingency ' help_list
run 0 sens_help "$G" sens --help && expect_in "$W/sens_help.out" '^usage: gridres sens' sens_help
run 2 nocase "$G" contingency && expect_in "$W/nocase.err" 'expected one case file' nocase
run 2 both "$G" contingency "$C/case9.m" --n-1 --n-2 && expect_in "$W/both.err" 'exclude each other' both
run 2 acdc "$G" contingency "$C/case9.m" --ac --dc
run 2 elem "$G" contingency "$C/case9.m" --elements bus && expect_in "$W/elem.err" "--elements expects" elem
run 2 flows "$G" contingency "$C/case9.m" --flows && expect_in "$W/flows.err" 'give --out' flows
run 2 dcqlim "$G" contingency "$C/case9.m" --dc --qlim
run 2 threads0 "$G" contingency "$C/case9.m" --threads 0
run 2 missing "$G" contingency "$W/nosuch.m"
run 2 nolist "$G" contingency "$C/case9.m" --list "$W/nosuch.txt" && expect_in "$W/nolist.err" 'nosuch.txt' nolist
printf 'branch:1\nbranch:2, wire:3\n' >"$W/bad1.txt"
run 2 badlist "$G" contingency "$C/case9.m" --list "$W/bad1.txt" &&
  expect_in "$W/badlist.err" "bad1\.txt:2:11: unknown element kind 'wire'" badlist
printf 'branch:10\n' >"$W/bad2.txt"
run 2 badrow "$G" contingency "$C/case9.m" --list "$W/bad2.txt" &&
  expect_in "$W/badrow.err" 'bad2\.txt:1:8: branch row 10 out of range \(the case has branches 1\.\.9\)' badrow
run 2 sens_what "$G" sens "$C/case9.m" --out "$W/s0" && expect_in "$W/sens_what.err" '--ptdf, --lodf' sens_what
run 2 sens_noout "$G" sens "$C/case9.m" --ptdf && expect_in "$W/sens_noout.err" '--out DIR is required' sens_noout
printf '3, branch:99\n' >"$W/mon_bad.txt"
run 2 sens_mon "$G" sens "$C/case9.m" --ptdf --monitor "$W/mon_bad.txt" --out "$W/s1" &&
  expect_in "$W/sens_mon.err" 'mon_bad\.txt:1:4: branch row 99 out of range' sens_mon

# --- DC N-1 of case30 against MATPOWER (dc_n1.csv, dc_n1_flows.csv) ----------------------
O="$W/dc30"
if run 0 dc30 "$G" contingency "$C/case30.m" --dc --out "$O" --flows; then
  expect_in "$W/dc30.out" '^contingencies 41 \(N-1\)' dc30
  [ "$(head -n 1 "$O/contingencies.csv")" = "id,elements,converged,islands,dark_load_mw,max_loading_pct,max_loading_branch,n_overloaded,min_vm_pu,max_vm_pu,iterations,method" ] &&
    pass || fail "contingencies.csv header: $(head -n 1 "$O/contingencies.csv")"
  [ "$(head -n 1 "$O/violations.csv")" = "contingency,element,kind,value,limit,new_or_worse" ] && pass || fail "violations.csv header"
  [ "$(($(wc -l <"$O/contingencies.csv") - 1))" = 41 ] && pass || fail "contingencies.csv rows"
  [ "$(($(wc -l <"$O/flows.csv") - 1))" = $((41 * 41)) ] && pass || fail "flows.csv rows"
  if [ -f "$REF/case30/dc_n1.csv" ]; then
    # every solved (non-islanding) outage: loading and all flows as MATPOWER's
    awk -F, '
      FNR == 1 { file++; next }
      file == 1 { if ($4 == 0 && $1 > 0) { isl[$1] = 0; ld[$1] = $6; nov[$1] = $10; lbr[$1] = $7 } else if ($1 > 0) isl[$1] = 1; next }
      file == 2 { for (k = 2; k <= NF; k++) ref[$1, k - 1] = $k; next }
      file == 3 { c = $1; if (c in isl && !isl[c]) { d = $6 - ld[c]; if (d < 0) d = -d; if (d > 1e-6 || $8 != nov[c] || $7 != lbr[c]) { print "loading of outage " c ": " $6 " vs " ld[c]; bad++ } n1++ } next }
      file == 4 { c = $1; if (c in isl && !isl[c]) { d = $3 - ref[c, $2]; if (d < 0) d = -d; if (d > 1e-6) { print "outage " c " branch " $2 ": " $3 " vs " ref[c, $2]; bad++ } n2++ } }
      END { if (n1 < 30 || n2 < 30 * 41) { print "too few rows compared: " n1 " " n2; bad++ } exit bad > 0 }' \
      "$REF/case30/dc_n1.csv" "$REF/case30/dc_n1_flows.csv" "$O/contingencies.csv" "$O/flows.csv" \
      >"$W/dc30_cmp.txt" 2>&1 && pass || { fail "DC N-1 differs from MATPOWER:"; head -5 "$W/dc30_cmp.txt" >&2; }
  fi
  # islanding outages are solved (not skipped): branch 34 leaves bus 26 dark (3.5 MW)
  awk -F, '$1 == 34 { exit !($3 == 1 && $4 == 2 && $5 == 3.5 && $12 == "islands") }' "$O/contingencies.csv" &&
    pass || fail "case30 outage 34: $(grep '^34,' "$O/contingencies.csv")"

  # no clobber
  cp -p "$O/contingencies.csv" "$W/ctg.before"
  run 2 noforce "$G" contingency "$C/case30.m" --dc --out "$O" &&
    expect_in "$W/noforce.err" 'contingencies\.csv.*exists.*--force' noforce
  cmp -s "$O/contingencies.csv" "$W/ctg.before" && pass || fail "refused run changed contingencies.csv"
  run 0 force "$G" contingency "$C/case30.m" --dc --out "$O" --force
fi

# --- JSON ------------------------------------------------------------------------------------
if run 0 json "$G" contingency "$C/case118.m" --json --top 3; then
  json_valid "$W/json.out" && pass || fail "--json: not valid JSON"
  [ "$(json_get "$W/json.out" contingencies)" = 186 ] && pass || fail "json: contingencies != 186"
  [ "$(json_get "$W/json.out" model)" = ac ] && pass || fail "json: model != ac"
  expect_in "$W/json.out" '"total_s": [0-9.e-]+' json
  [ "$(json_get "$W/json.out" islanding)" -gt 0 ] && pass || fail "json: no islanding outage in case118"
fi

# --- results identical for 1, 2 and 3 threads (bytes of every CSV) -----------------------------
for t in 1 2 3; do
  run 0 "ac_t$t" "$G" contingency "$C/case118.m" --elements branch,gen --threads "$t" --out "$W/ac_t$t" --flows
  run 0 "dc2_t$t" "$G" contingency "$C/case30.m" --dc --n-2 --threads "$t" --out "$W/dc2_t$t" --flows
done
for t in 2 3; do
  for f in contingencies.csv violations.csv flows.csv; do
    cmp -s "$W/ac_t1/$f" "$W/ac_t$t/$f" && pass || fail "AC $f differs between 1 and $t threads"
    cmp -s "$W/dc2_t1/$f" "$W/dc2_t$t/$f" && pass || fail "DC N-2 $f differs between 1 and $t threads"
  done
done
[ "$(($(wc -l <"$W/dc2_t1/contingencies.csv") - 1))" = $((41 * 40 / 2)) ] && pass || fail "N-2 rows"

# --- list files --------------------------------------------------------------------------------
printf '# two outages\nbranch:3\nbranch:3, branch:5  %% a pair\ngen:2\n' >"$W/list.txt"
if run 0 list "$G" contingency "$C/case9.m" --list "$W/list.txt" --out "$W/list"; then
  [ "$(cut -d, -f1,2 "$W/list/contingencies.csv" | tr '\n' ' ')" = "id,elements 1,branch:3 2,branch:3;branch:5 3,gen:2 " ] &&
    pass || fail "list: $(cut -d, -f1,2 "$W/list/contingencies.csv" | tr '\n' ' ')"
fi
if [ -f "$C/contab_ACTIVSg200.m" ]; then
  printf 'chgtab = [\n 1 0 CT_TBRCH 1 BR_STATUS CT_REP 0;\n 2 0 CT_TLOAD 0 CT_LOAD_ALL_P CT_REL 1.1;\n];\n' >"$W/contab_small.m"
  run 0 contab_warn "$G" contingency "$C/case9.m" --list "$W/contab_small.m" &&
    expect_in "$W/contab_warn.err" 'warning: 1 change of the table not supported and skipped; first: .*contab_small\.m:3:' contab_warn
  if run 0 contab "$G" contingency "$C/case_ACTIVSg200.m" --list "$C/contab_ACTIVSg200.m" --json; then
    n=$(grep -c 'CT_T' "$C/contab_ACTIVSg200.m")
    [ "$(json_get "$W/contab.out" contingencies)" = "$n" ] &&
      pass || fail "contab: $(json_get "$W/contab.out" contingencies) contingencies, expected $n"
  fi
fi

# --- sens ------------------------------------------------------------------------------------
S="$W/sens"
if run 0 sens "$G" sens "$C/case9.m" --ptdf --lodf --out "$S"; then
  [ "$(head -n 1 "$S/ptdf.csv")" = "branch,from,to,1,2,3,4,5,6,7,8,9" ] && pass || fail "ptdf header $(head -n 1 "$S/ptdf.csv")"
  [ "$(($(wc -l <"$S/ptdf.csv") - 1))" = 9 ] && pass || fail "ptdf rows"
  [ "$(($(wc -l <"$S/lodf.csv") - 1))" = 9 ] && pass || fail "lodf rows"
  # LODF diagonal -1, or empty for a bridge (case9's generator branches 1, 4, 7); PTDF 0
  # in the reference bus column
  awk -F, 'NR > 1 { d = $(NR + 2); br = ($1 == 1 || $1 == 4 || $1 == 7)
    if (br ? d != "" : d != -1) bad = 1 } END { exit bad }' "$S/lodf.csv" && pass || fail "LODF diagonal"
  awk -F, 'NR > 1 && $4 != 0 { bad = 1 } END { exit bad }' "$S/ptdf.csv" && pass || fail "PTDF reference column"
  run 2 sens_noforce "$G" sens "$C/case9.m" --ptdf --out "$S" && expect_in "$W/sens_noforce.err" 'exists' sens_noforce
fi
printf '# monitored\n2, branch:5\n7\n' >"$W/mon.txt"
if run 0 sens_mon_ok "$G" sens "$C/case30.m" --ptdf --monitor "$W/mon.txt" --out "$W/sens_mon"; then
  [ "$(cut -d, -f1 "$W/sens_mon/ptdf.csv" | tr '\n' ' ')" = "branch 2 5 7 " ] && pass || fail "monitored rows"
fi
# the monitor file takes the element grammar: example6's branch 4 is a transformer, 1 a line
X6="$(dirname "$0")/../../examples/example6.m"
printf 'trafo:4 line:1\n' >"$W/mon_kind.txt"
if run 0 sens_mon_kind "$G" sens "$X6" --ptdf --monitor "$W/mon_kind.txt" --out "$W/sens_kind"; then
  [ "$(cut -d, -f1 "$W/sens_kind/ptdf.csv" | tr '\n' ' ')" = "branch 4 1 " ] && pass || fail "trafo:/line: rows"
fi
printf '2\nline:4\n' >"$W/mon_kind_bad.txt"
run 2 sens_mon_kind_bad "$G" sens "$X6" --ptdf --monitor "$W/mon_kind_bad.txt" --out "$W/sens_kb" &&
  expect_in "$W/sens_mon_kind_bad.err" 'mon_kind_bad\.txt:2:1: line:4: branch row 4 is a transformer' sens_mon_kind_bad
printf 'bus:3\n' >"$W/mon_bus.txt"
run 2 sens_mon_bus "$G" sens "$X6" --ptdf --monitor "$W/mon_bus.txt" --out "$W/sens_mb" &&
  expect_in "$W/sens_mon_bus.err" 'must be a branch' sens_mon_bus


# --- issue 22: the DC engine refuses a zero reactance, the AC one solves it ---------------
ZX="$ROOT/tests/data/matpower/zero_x.m"
run 2 zx_dc "$G" contingency "$ZX" --dc &&
  expect_in "$W/zx_dc.err" 'branch 1 \(bus 1 to bus 2\): zero reactance' zx_dc
run 0 zx_ac "$G" contingency "$ZX" --ac
run 2 zx_sens "$G" sens "$ZX" --ptdf --out "$W/zx_sens" &&
  expect_in "$W/zx_sens.err" 'branch 1 \(bus 1 to bus 2\): zero reactance' zx_sens
[ ! -e "$W/zx_sens/ptdf.csv" ] && pass || fail "zx_sens: wrote a PTDF"

finish
