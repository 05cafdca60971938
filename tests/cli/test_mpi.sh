# test_mpi.sh — MPI sweeps (docs/cluster.md): `mpirun -n 3 gridres …` writes byte-identical
# outputs to a run without MPI (cascade --random-n2, contingency --n-2/--n-1, campaign --runs),
# only rank 0 prints, and a checkpoint written under MPI resumes without it.
# Skipped (77) when gridres was built without MPI or Open MPI's mpirun is missing.
set -u
. "$(dirname "$0")/lib.sh"

if ! "$G" --version 2>/dev/null | grep -q '^mpi Open MPI'; then
  echo "skipped: gridres built without MPI (GRIDRES_WITH_MPI=OFF)"
  exit 77
fi
if ! command -v mpirun >/dev/null || ! mpirun --version 2>/dev/null | grep -q 'Open MPI'; then
  echo "skipped: Open MPI's mpirun not found"
  exit 77
fi

# Tests may run as root (containers); several ranks on few cores; no network: shared
# memory and self only, no single-copy (ptrace may be forbidden).
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Open MPI's own components leak at exit (LeakSanitizer sees them in ASan builds);
# leak checking of gridres's code runs in the single-process runs of the same commands.
MPI_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
MPIRUN=(mpirun --allow-run-as-root --oversubscribe --bind-to none
        --mca btl self,vader --mca btl_vader_single_copy_mechanism none
        -x OMP_NUM_THREADS=1
        -x ASAN_OPTIONS="$MPI_ASAN_OPTIONS")

CASE="$SHARED/cases/matpower/case118.m"
SMALL="$SHARED/cases/matpower/case30.m"
[ -f "$CASE" ] || CASE="$EXAMPLE"
[ -f "$SMALL" ] || SMALL="$EXAMPLE"

# same_files DIR1 DIR2 NAME FILE... : byte-identical outputs
same_files() {
  local a="$1" b="$2" name="$3" f
  shift 3
  for f in "$@"; do
    n_check=$((n_check + 1))
    if ! cmp -s "$a/$f" "$b/$f"; then
      fail "$name: $f differs between $a and $b"
      cmp "$a/$f" "$b/$f" 2>&1 | head -2 >&2
    fi
  done
}

# --- cascade --random-n2: mpirun -n 3 == one process ------------------------------------
for model in dc ac; do
  if run 0 casc_$model "$G" cascade "$CASE" --$model --random-n2 200 --seed 5 --threads 2 \
       --out "$W/casc_$model" &&
     run 0 casc_${model}_mpi "${MPIRUN[@]}" -n 3 "$G" cascade "$CASE" --$model --random-n2 200 \
       --seed 5 --out "$W/casc_${model}_mpi"; then
    same_files "$W/casc_$model" "$W/casc_${model}_mpi" casc_$model losses.csv ccdf.csv
    # only rank 0 prints its summary
    n_check=$((n_check + 1))
    c=$(grep -c '^events ' "$W/casc_${model}_mpi.out")
    [ "$c" = 1 ] || fail "casc_${model}_mpi: $c summaries on stdout, expected 1 (rank 0 only)"
  fi
done

# --- contingency --n-2 (DC and AC, with flows) and --n-1 ---------------------------------
for model in dc ac; do
  if run 0 n2_$model "$G" contingency "$SMALL" --$model --n-2 --flows --threads 2 \
       --out "$W/n2_$model" &&
     run 0 n2_${model}_mpi "${MPIRUN[@]}" -n 3 "$G" contingency "$SMALL" --$model --n-2 --flows \
       --out "$W/n2_${model}_mpi"; then
    same_files "$W/n2_$model" "$W/n2_${model}_mpi" n2_$model contingencies.csv violations.csv flows.csv
  fi
done
if run 0 n1 "$G" contingency "$CASE" --ac --n-1 --out "$W/n1" &&
   run 0 n1_mpi "${MPIRUN[@]}" -n 2 "$G" contingency "$CASE" --ac --n-1 --out "$W/n1_mpi"; then
  same_files "$W/n1" "$W/n1_mpi" n1 contingencies.csv violations.csv
fi

# --- campaign --runs ---------------------------------------------------------------------
if "$G" campaign --help 2>/dev/null | grep -q -- '--resume'; then
  CAMP=(campaign --nights 2 --runs 4 --seed 3 --quiet)
  if run 0 camp "$G" "${CAMP[@]}" --threads 2 --out "$W/camp" &&
     run 0 camp_mpi "${MPIRUN[@]}" -n 3 "$G" "${CAMP[@]}" --out "$W/camp_mpi"; then
    same_files "$W/camp" "$W/camp_mpi" camp hourly.csv nights.csv events.csv runs.csv
  fi
fi

# --- a checkpoint written by 3 ranks resumes in one process --------------------------------
if run 0 ck_mpi "${MPIRUN[@]}" -n 3 "$G" cascade "$CASE" --random-n2 200 --seed 5 \
     --checkpoint-every 10 --out "$W/ck"; then
  same_files "$W/casc_dc" "$W/ck" ck_mpi losses.csv ccdf.csv
  expect_in "$W/ck/checkpoint/manifest" '^done 0-199$' ck_manifest
  rm -f "$W/ck/losses.csv" "$W/ck/ccdf.csv"
  if run 0 ck_resume "$G" cascade "$CASE" --random-n2 200 --seed 5 --resume "$W/ck"; then
    expect_in "$W/ck_resume.err" 'resumed 200 of 200 events' ck_resume
    same_files "$W/casc_dc" "$W/ck" ck_resume losses.csv ccdf.csv
  fi
fi

finish
