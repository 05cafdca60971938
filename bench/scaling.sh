#!/usr/bin/env bash
# scaling.sh — strong scaling of the sweeps on one machine: AC N-1 of case9241pegase
# (`gridres contingency --ac --n-1`) and a Monte Carlo campaign (`gridres campaign --runs 100`)
# on 1, 2, 4, 8, 16 cores, as OpenMP threads in one process and as MPI ranks of one thread
# each; checks that every run wrote the same files as the 1-core run, and prints a markdown
# table of wall times and speed-ups for docs/performance.md.
#
# usage: bench/scaling.sh [GRIDRES_BINARY]        (default: build/gridres, else build-mpi/gridres)
# environment:
#   CORES="1 2 4 8 16"   core counts (the largest also gets hybrid ranks x threads rows)
#   CASE=...             N-1 case (default ../shared/cases/matpower/case9241pegase.m)
#   RUNS=100 NIGHTS=     campaign runs; nights (empty: the scenario's, 30)
#   SCENARIO=            campaign scenario.json (empty: the built-in default)
#   WORKLOADS="n1 campaign"   which workloads to measure
#   MODES="threads ranks"     threads in one process, and/or MPI ranks (needs mpirun)
#   REPEAT=1             best of REPEAT runs per cell
#   BIND=core:overload-allowed   mpirun --bind-to for the rank runs (threads: OMP_PROC_BIND=close)
#   SCRATCH=/tmp/gridres-scaling   scratch directory (outputs of every run; removed first)
#   TIMES=FILE           also append every measurement to FILE as it is made (TSV:
#                        workload, mode, ranks, threads, wall s), so a run cut short
#                        keeps what it measured
# Cost (1 core): the N-1 of case9241pegase is ~16k AC contingencies (about a minute), a
# default campaign run (30 nights, 2000 buses) a few seconds, so 100 runs several minutes;
# threads and ranks over 1..16 cores cost about 2 x 2 x the 1-core time. On a time-limited
# machine use e.g. NIGHTS=7 or CORES="1 4 16" (docs/performance.md).
# Wall time is the whole command (reading the case, MPI start-up included).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
G="${1:-}"
if [ -z "$G" ]; then
  for c in "$root/build/gridres" "$root/build-mpi/gridres"; do
    [ -x "$c" ] && { G="$c"; break; }
  done
fi
[ -n "$G" ] && [ -x "$G" ] || { echo "scaling.sh: no gridres binary (give its path)" >&2; exit 2; }
CORES="${CORES:-1 2 4 8 16}"
CASE="${CASE:-$root/../shared/cases/matpower/case9241pegase.m}"
RUNS="${RUNS:-100}"
NIGHTS="${NIGHTS:-}"
SCENARIO="${SCENARIO:-}"
WORKLOADS="${WORKLOADS:-n1 campaign}"
MODES="${MODES:-threads ranks}"
REPEAT="${REPEAT:-1}"
BIND="${BIND:-core:overload-allowed}"
SCRATCH="${SCRATCH:-/tmp/gridres-scaling}"
TIMES="${TIMES:-}"
case "$SCRATCH" in ""|/) echo "scaling.sh: bad SCRATCH '$SCRATCH'" >&2; exit 2 ;; esac
rm -rf -- "$SCRATCH"
mkdir -p -- "$SCRATCH"

have_mpi=0
if "$G" --version | grep -q '^mpi Open MPI' && command -v mpirun >/dev/null; then
  have_mpi=1
fi
MPIRUN=(mpirun --oversubscribe)
[ "$(id -u)" = 0 ] && MPIRUN+=(--allow-run-as-root)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

# The command of a workload, without threads/ranks and --out.
workload_cmd() {
  case "$1" in
    n1) echo contingency "$CASE" --ac --n-1 ;;
    campaign)
      local a=(campaign)
      [ -n "$SCENARIO" ] && a+=("$SCENARIO")
      a+=(--runs "$RUNS" --seed 1 --quiet)
      [ -n "$NIGHTS" ] && a+=(--nights "$NIGHTS")
      echo "${a[@]}" ;;
  esac
}
workload_files() {
  case "$1" in
    n1) echo contingencies.csv violations.csv ;;
    campaign) echo hourly.csv nights.csv events.csv runs.csv ;;
  esac
}
workload_name() {
  case "$1" in
    n1) echo "AC N-1 $(basename "$CASE" .m)" ;;
    campaign) echo "campaign ${RUNS} runs${NIGHTS:+ x $NIGHTS nights}" ;;
  esac
}

now() { date +%s.%N; }

# run_cell WORKLOAD RANKS THREADS → prints the best wall time (s), or "fail"
run_cell() {
  local w="$1" p="$2" t="$3" best="" k dir t0 t1 s
  # shellcheck disable=SC2207
  local cmd=($(workload_cmd "$w"))
  for ((k = 0; k < REPEAT; k++)); do
    dir="$SCRATCH/$w-p$p-t$t-$k"
    t0=$(now)
    if [ "$p" = 0 ]; then
      OMP_PROC_BIND=close OMP_NUM_THREADS="$t" "$G" "${cmd[@]}" --threads "$t" --out "$dir" \
        >"$dir.out" 2>"$dir.err" || { echo fail; return; }
    else
      # one core per rank, or t cores per rank for ranks x threads
      local map=(--map-by core --bind-to "$BIND")
      [ "$t" -gt 1 ] && map=(--map-by "slot:PE=$t" --bind-to "$BIND")
      "${MPIRUN[@]}" "${map[@]}" -n "$p" -x OMP_NUM_THREADS="$t" "$G" "${cmd[@]}" --threads "$t" --out "$dir" \
        >"$dir.out" 2>"$dir.err" || { echo fail; return; }
    fi
    t1=$(now)
    s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best="$s"; fi
    # every run must write the files of the first one
    local ref f
    ref="$(ls -d "$SCRATCH/$w"-p*-t*-0 | head -1)"
    for f in $(workload_files "$w"); do
      cmp -s "$ref/$f" "$dir/$f" || echo "scaling.sh: $dir/$f differs from $ref/$f" >&2
    done
  done
  [ -n "$TIMES" ] && printf '%s\t%s\t%s\t%s\t%s\n' "$w" "$([ "$p" = 0 ] && echo threads || echo ranks)" \
    "$p" "$t" "$best" >>"$TIMES"
  echo "    $best s" >&2
  echo "$best"
}

speedup() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "-" }'; }

declare -A T
for w in $WORKLOADS; do
  for c in $CORES; do
    for m in $MODES; do
      if [ "$m" = threads ]; then
        echo "  $(workload_name "$w"): $c threads ..." >&2
        T[$w,threads,$c]=$(run_cell "$w" 0 "$c")
      elif [ "$have_mpi" = 1 ]; then
        echo "  $(workload_name "$w"): $c ranks ..." >&2
        T[$w,ranks,$c]=$(run_cell "$w" "$c" 1)
      fi
    done
  done
done

max=0
for c in $CORES; do [ "$c" -gt "$max" ] && max=$c; done
first="${CORES%% *}"

echo
echo "gridres scaling — $(date -u +%Y-%m-%d), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "$("$G" --version | tr '\n' ' ')"
echo
for w in $WORKLOADS; do
  echo "### $(workload_name "$w")"
  echo
  echo "| cores | threads: wall s | speed-up | MPI ranks x 1 thread: wall s | speed-up |"
  echo "|------:|----------------:|---------:|------------------------------:|---------:|"
  for c in $CORES; do
    a="${T[$w,threads,$c]:--}"
    b="${T[$w,ranks,$c]:--}"
    echo "| $c | $a | $(speedup "${T[$w,threads,$first]:-}" "$a") | $b | $(speedup "${T[$w,ranks,$first]:-}" "$b") |"
  done
  # hybrid ranks x threads at the largest core count
  if [ "$have_mpi" = 1 ] && [[ " $MODES " == *" ranks "* ]] && [ "$max" -ge 4 ]; then
    echo
    echo "| $max cores as ranks x threads | wall s | speed-up vs 1 thread |"
    echo "|------------------------------:|-------:|---------------------:|"
    for p in 2 4; do
      [ $((max % p)) = 0 ] && [ $((max / p)) -ge 2 ] || continue
      t=$((max / p))
      echo "  $(workload_name "$w"): $p ranks x $t threads ..." >&2
      h=$(run_cell "$w" "$p" "$t")
      echo "| $p x $t | $h | $(speedup "${T[$w,threads,$first]:-}" "$h") |"
    done
  fi
  echo
done
[ "$have_mpi" = 1 ] || echo "(MPI columns empty: gridres built without MPI or no mpirun)"
