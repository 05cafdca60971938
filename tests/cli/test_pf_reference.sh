# test_pf_reference.sh — `gridres pf` on MATPOWER cases from ../shared against MATPOWER's own
# solutions (../shared/reference/<case>/): AC, AC with Q limits, DC. Skipped (77) without ../shared.
# By default every case that has a reference directory (case9 and case14 at least);
# GRIDRES_REF_CASES="case9 case14" restricts the list.
set -u
. "$(dirname "$0")/lib.sh"

if [ ! -d "$SHARED/cases/matpower" ] || [ ! -d "$SHARED/reference/case9" ]; then
  echo "skipped: shared cases not found in '$SHARED'"
  exit 77
fi
if [ -n "${GRIDRES_REF_CASES:-}" ]; then
  CASES="$GRIDRES_REF_CASES"
else
  CASES="case9 case14"
  for d in "$SHARED"/reference/*/; do
    c=$(basename "$d")
    case " $CASES " in *" $c "*) ;; *) CASES="$CASES $c" ;; esac
  done
fi

# compare GOT WANT COLS TOL NAME: the two CSVs have the same number of rows, and columns
# COLS (comma-separated 1-based list, same position in both) agree within TOL (absolute,
# plus 1e-9 relative). Integer columns (ids, type, status) are compared exactly via TOL 0.
compare() {
  n_check=$((n_check + 1))
  if ! awk -F, -v cols="$3" -v tol="$4" -v name="$5" '
    FNR == 1 { file++; next }
    file == 1 { got[FNR] = $0; ngot = FNR; next }
    {
      nwant = FNR
      split(got[FNR], g, ","); nc = split(cols, c, ",")
      for (j = 1; j <= nc; j++) {
        k = c[j]; d = g[k] - $k; if (d < 0) d = -d
        a = $k < 0 ? -$k : $k
        if (!(d <= tol + 1e-9 * a)) {
          if (nbad++ < 5) printf "  %s row %d col %d: got %s, MATPOWER %s\n", name, FNR - 1, k, g[k], $k
        }
      }
    }
    END {
      if (ngot != nwant) { printf "  %s: %d rows, MATPOWER %d\n", name, ngot - 1, nwant - 1; exit 1 }
      exit nbad > 0
    }' "$1" "$2" >&2; then
    fail "$5 differs from MATPOWER"
  fi
}

for c in $CASES; do
  m="$SHARED/cases/matpower/$c.m"
  [ -f "$m" ] || m="$SHARED/cases/pglib/$c.m"
  ref="$SHARED/reference/$c"
  [ -f "$m" ] && [ -d "$ref" ] || { fail "$c: case or reference missing"; continue; }

  # AC (Newton, MATPOWER defaults: tol 1e-8, 10 iterations, start from the case).
  # (No AC files where MATPOWER's Newton does not converge, e.g. pglib_opf_case2000_goc.)
  if [ -f "$ref/ac_bus.csv" ] && run 0 "$c.ac" "$G" pf "$m" --out "$W/$c/ac"; then
    compare "$W/$c/ac/bus.csv" "$ref/ac_bus.csv" 1,4 0 "$c ac bus ids/types"
    compare "$W/$c/ac/bus.csv" "$ref/ac_bus.csv" 2,3 1e-6 "$c ac bus Vm/Va"
    # our gen.csv and branch.csv lead with the row number; branch.csv ends in loading_pct
    cut -d, -f2- "$W/$c/ac/gen.csv" >"$W/$c/ac/gen4.csv"
    cut -d, -f2-8 "$W/$c/ac/branch.csv" >"$W/$c/ac/branch7.csv"
    compare "$W/$c/ac/gen4.csv" "$ref/ac_gen.csv" 1,4 0 "$c ac gen bus/status"
    compare "$W/$c/ac/gen4.csv" "$ref/ac_gen.csv" 2,3 1e-6 "$c ac gen Pg/Qg"
    compare "$W/$c/ac/branch7.csv" "$ref/ac_branch.csv" 1,2,7 0 "$c ac branch ends/status"
    compare "$W/$c/ac/branch7.csv" "$ref/ac_branch.csv" 3,4,5,6 1e-6 "$c ac branch flows"
  fi

  # AC with generator Q limits.
  if [ -f "$ref/ac_bus_qlim.csv" ] && run 0 "$c.qlim" "$G" pf "$m" --qlim --out "$W/$c/qlim"; then
    compare "$W/$c/qlim/bus.csv" "$ref/ac_bus_qlim.csv" 1,4 0 "$c qlim bus ids/types"
    compare "$W/$c/qlim/bus.csv" "$ref/ac_bus_qlim.csv" 2,3 1e-6 "$c qlim bus Vm/Va"
    cut -d, -f2- "$W/$c/qlim/gen.csv" >"$W/$c/qlim/gen4.csv"
    compare "$W/$c/qlim/gen4.csv" "$ref/ac_gen_qlim.csv" 2,3 1e-6 "$c qlim gen Pg/Qg"
  fi

  # DC: reference bus.csv is bus_id,Va_deg,type and branch.csv from,to,Pf,Pt,status,
  # so cut our columns to the same layout first.
  if [ -f "$ref/dc_bus.csv" ] && run 0 "$c.dc" "$G" pf "$m" --dc --out "$W/$c/dc"; then
    cut -d, -f1,3,4 "$W/$c/dc/bus.csv" >"$W/$c/dc/bus3.csv"
    cut -d, -f2,3,5 "$W/$c/dc/gen.csv" >"$W/$c/dc/gen3.csv"
    cut -d, -f2,3,4,6,8 "$W/$c/dc/branch.csv" >"$W/$c/dc/branch5.csv"
    compare "$W/$c/dc/bus3.csv" "$ref/dc_bus.csv" 1,3 0 "$c dc bus ids/types"
    compare "$W/$c/dc/bus3.csv" "$ref/dc_bus.csv" 2 1e-6 "$c dc bus Va"
    compare "$W/$c/dc/gen3.csv" "$ref/dc_gen.csv" 2 1e-6 "$c dc gen Pg"
    compare "$W/$c/dc/branch5.csv" "$ref/dc_branch.csv" 3,4 1e-6 "$c dc branch flows"
  fi
done

finish
