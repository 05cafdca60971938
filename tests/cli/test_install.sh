# test_install.sh — `cmake --install --prefix P` installs a gridres.pc with prefix P, and a
# small C program compiles against the pure C API with pkg-config alone (no dependency's
# include flags), links shared and static, and solves a power flow whose mismatch it checks.
set -u
. "$(dirname "$0")/lib.sh"

BUILD="$(cd "$(dirname "$G")" && pwd)"
if [ ! -f "$BUILD/CMakeCache.txt" ] || ! command -v pkg-config >/dev/null || ! command -v cc >/dev/null; then
  echo "skipped: no build tree beside $G, or no pkg-config / cc"
  exit 77
fi
P="$W/prefix"
run 0 install cmake --install "$BUILD" --prefix "$P"
PC="$(find "$P" -name gridres.pc | head -n 1)"
if [ -z "$PC" ]; then fail "no gridres.pc under $P"; finish; fi
pass
export PKG_CONFIG_PATH="$(dirname "$PC")"
expect_in "$PC" "^prefix=$P\$" pc_prefix
cflags="$(pkg-config --cflags gridres)"
case "$cflags" in
  *cairo*|*glib*|*coin*|*[Cc]lp*|*jansson*|*suitesparse*) fail "Cflags carry a dependency: $cflags" ;;
  *) pass ;;
esac
# Sanitizer builds: the program links an instrumented library.
san=()
grep -q '^GRIDRES_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt" && san=(-fsanitize=address,undefined)
# clang's UBSan build: its runtime and its OpenMP flags (-fopenmp=libomp) are clang's
cc=cc
if grep -q '^GRIDRES_UBSAN_CLANG:BOOL=ON' "$BUILD/CMakeCache.txt"; then
  san=(-fsanitize=undefined,float-cast-overflow)
  cc=clang
fi

cat >"$W/use_gridres.c" <<'C'
/* A user of the pure C API: parse a 3-bus case, solve it, check the residual. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gridres.h>

static const char case3[] =
    "function mpc = case3\n"
    "mpc.version = '2';\nmpc.baseMVA = 100;\n"
    "mpc.bus = [1 3 0 0 0 0 1 1 0 230 1 1.1 0.9;\n"
    "           2 2 50 10 0 0 1 1 0 230 1 1.1 0.9;\n"
    "           3 1 80 30 0 0 1 1 0 230 1 1.1 0.9];\n"
    "mpc.gen = [1 0 0 300 -300 1.02 100 1 250 10; 2 60 0 300 -300 1.01 100 1 100 10];\n"
    "mpc.branch = [1 2 0.01 0.05 0.02 250 250 250 0 0 1 -360 360;\n"
    "              2 3 0.02 0.08 0.02 250 250 250 0 0 1 -360 360;\n"
    "              1 3 0.01 0.06 0.02 250 250 250 0 0 1 -360 360];\n";

int main(void)
{
    gr_case *c = NULL;
    gr_grid *g = NULL;
    gr_pf_result *r = NULL;
    gr_error err = {0};
    gr_pf_options opt;
    gr_pf_options_default(&opt);
    if (gr_case_parse(case3, strlen(case3), "case3", &c, &err) || gr_grid_from_case(c, &g, &err) ||
        gr_pf_ac(g, &opt, &r, &err)) {
        fprintf(stderr, "error: %s\n", err.msg);
        return 1;
    }
    int ok = r->converged && r->max_mismatch < 1e-8 && fabs(r->vm[0] - 1.02) < 1e-12;
    printf("converged %d mismatch %.3g vm3 %.6f\n", r->converged, r->max_mismatch, r->vm[2]);
    gr_pf_result_free(r);
    gr_grid_free(g);
    gr_case_free(c);
    return ok ? 0 : 1;
}
C
# shared: only what pkg-config says
# shellcheck disable=SC2046
run 0 cc_shared "$cc" "${san[@]}" $cflags -o "$W/use_shared" "$W/use_gridres.c" $(pkg-config --libs gridres) -lm
run 0 run_shared env LD_LIBRARY_PATH="$(pkg-config --variable=libdir gridres)" "$W/use_shared"
expect_in "$W/run_shared.out" '^converged 1 ' shared_converged
# static: the archive plus Libs.private
libdir="$(pkg-config --variable=libdir gridres)"
static_libs="$(pkg-config --static --libs gridres | sed "s|-lgridres|$libdir/libgridres.a|")"
# shellcheck disable=SC2086
run 0 cc_static "$cc" "${san[@]}" $cflags -o "$W/use_static" "$W/use_gridres.c" $static_libs
run 0 run_static "$W/use_static"
expect_in "$W/run_static.out" '^converged 1 ' static_converged
finish
