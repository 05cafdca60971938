# test_resume.sh — checkpoint and --resume (docs/cluster.md): a sweep killed mid-way with
# SIGKILL (the test-only hook GRIDRES_TEST_KILL_AFTER=K makes the process kill itself once
# K items are checkpointed) resumes to outputs byte-identical to an uninterrupted run, for
# cascade --random-n2, contingency --n-2 / --n-1 and campaign --runs; a sweep protects
# itself without checkpoint options (DIR/sweep.json and DIR/checkpoint/ written by default)
# and `--resume DIR` alone runs the recorded command line, also from another working
# directory; a resume with another seed, N or model, of a missing folder, of a folder
# without sweep.json, with the wrong command, or from a damaged checkpoint, is refused
# and writes nothing; under MPI, killing one rank mid-way and resuming gives the same
# outputs too. The identity covers the content of every input read (a scenario's grid too):
# a resume after the grid a scenario names changed is refused, naming it; a checkpoint left
# without its sweep.json is not deleted by a new run without --force.
set -u
. "$(dirname "$0")/lib.sh"

CASE="$SHARED/cases/matpower/case118.m"
[ -f "$CASE" ] || CASE="$EXAMPLE"

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

# nothing_in DIR NAME: DIR does not exist, or is empty.
nothing_in() {
  n_check=$((n_check + 1))
  if [ -e "$1" ] && [ -n "$(ls -A "$1")" ]; then
    fail "$2: $1 was written: $(ls -A "$1" | tr '\n' ' ')"
  fi
}

# killed NAME CMD... : CMD must die of SIGKILL (exit 137) with no outputs written.
killed() {
  local name="$1" got
  shift
  { GRIDRES_TEST_KILL_AFTER="$KILL" "$@" >"$W/$name.out" 2>"$W/$name.err"; got=$?; } 2>/dev/null
  n_check=$((n_check + 1))
  if [ "$got" != 137 ]; then
    fail "$name: exit $got, expected 137 (SIGKILL by GRIDRES_TEST_KILL_AFTER=$KILL): $*"
    sed 's/^/    stderr: /' "$W/$name.err" | head -10 >&2
    return 1
  fi
}

# --- cascade --random-n2: one thread, a checkpoint every 25 events, killed after 100 ----------
N=300
run 0 casc_ref "$G" cascade "$CASE" --random-n2 $N --seed 5 --out "$W/casc_ref"
KILL=100
if killed casc_kill "$G" cascade "$CASE" --random-n2 $N --seed 5 --threads 1 \
     --checkpoint-every 25 --out "$W/casc"; then
  expect_in "$W/casc/checkpoint/manifest" '^done 0-99$' casc_manifest
  n_check=$((n_check + 1))
  [ ! -e "$W/casc/losses.csv" ] || fail "casc_kill: losses.csv written by a killed run"
  expect_in "$W/casc/sweep.json" '"command": "cascade"' casc_sweep_json
  # refused: another seed, another N, another model (nothing is written)
  run 2 casc_seed "$G" cascade "$CASE" --random-n2 $N --seed 6 --resume "$W/casc" &&
    expect_in "$W/casc_seed.err" "different sweep \(--seed '5' there, '6' here\)" casc_seed
  run 2 casc_n "$G" cascade "$CASE" --random-n2 400 --seed 5 --resume "$W/casc" &&
    expect_in "$W/casc_n.err" "\(--random-n2 '300' there, '400' here\)" casc_n
  run 2 casc_model "$G" cascade "$CASE" --ac --random-n2 $N --seed 5 --resume "$W/casc" &&
    expect_in "$W/casc_model.err" 'different sweep \(--ac absent there, given here\)' casc_model
  run 2 casc_case "$G" cascade "$EXAMPLE" --resume "$W/casc" &&
    expect_in "$W/casc_case.err" "argument 1 'case118.m#[0-9a-f]+' there, 'example6.m#" casc_case
  # a new sweep into the folder of a killed one is refused without --force
  run 2 casc_again "$G" cascade "$CASE" --random-n2 $N --seed 5 --out "$W/casc" &&
    expect_in "$W/casc_again.err" 'sweep.json exists.*--resume' casc_again
  n_check=$((n_check + 1))
  [ ! -e "$W/casc/losses.csv" ] || fail "casc refusals: losses.csv written"
  # resumed on two threads
  if run 0 casc_resume "$G" cascade "$CASE" --random-n2 $N --seed 5 --threads 2 \
       --resume "$W/casc"; then
    expect_in "$W/casc_resume.err" "resumed 100 of $N events .* ran 200" casc_resume
    same_files "$W/casc_ref" "$W/casc" casc_resume losses.csv ccdf.csv
  fi
fi

# a damaged checkpoint is refused with a message naming the file
KILL=50
if killed casc_kill2 "$G" cascade "$CASE" --random-n2 $N --seed 5 --threads 1 \
     --checkpoint-every 25 --out "$W/casc2"; then
  part="$W/casc2/checkpoint/part-000001.bin"
  printf '\377' | dd of="$part" bs=1 seek=30 conv=notrunc status=none
  run 2 casc_damaged "$G" cascade "$CASE" --random-n2 $N --seed 5 --resume "$W/casc2" &&
    expect_in "$W/casc_damaged.err" 'part-000001.bin: damaged' casc_damaged
fi

# --resume DIR alone continues the recorded sweep; relative input paths still work from
# another working directory
KILL=100
mkdir -p "$W/rel/sub"
cp "$CASE" "$W/rel/grid.m"
GA="$(cd "$(dirname "$G")" && pwd)/$(basename "$G")"
if killed casc_rel_kill env -C "$W/rel" "$GA" cascade grid.m --random-n2 $N --seed 5 --threads 1 \
     --checkpoint-every 50 --out casc; then
  expect_in "$W/rel/casc/sweep.json" '"path": "grid.m"' casc_rel_manifest
  if run 0 casc_rel_resume env -C "$W/rel/sub" "$GA" cascade --resume ../casc; then
    expect_in "$W/casc_rel_resume.err" "resumed 100 of $N events .* ran 200" casc_rel_resume
    same_files "$W/casc_ref" "$W/rel/casc" casc_rel_resume losses.csv ccdf.csv
  fi
fi

# --- resume refusals: nothing there, no manifest, the wrong command ---------------------------
run 2 nodir "$G" campaign --resume "$W/nodir" &&
  expect_in "$W/nodir.err" "nodir: no sweep manifest \(sweep.json\); nothing to resume" nodir
nothing_in "$W/nodir" nodir
run 2 nodir_casc "$G" cascade --resume "$W/nodir" &&
  expect_in "$W/nodir_casc.err" "nodir: no sweep manifest \(sweep.json\); nothing to resume" nodir_casc
nothing_in "$W/nodir" nodir_casc
mkdir -p "$W/empty"
run 2 nomanifest "$G" campaign --nights 2 --resume "$W/empty" &&
  expect_in "$W/nomanifest.err" "empty: no sweep manifest \(sweep.json\); nothing to resume" nomanifest
nothing_in "$W/empty" nomanifest
run 2 wrongcmd "$G" campaign --resume "$W/casc" &&
  expect_in "$W/wrongcmd.err" 'holds a `gridres cascade` sweep, not a `gridres campaign` one' wrongcmd
mkdir -p "$W/badjson"
printf '{"format": "gridres-sweep/1",\n "command": 3}\n' >"$W/badjson/sweep.json"
run 2 badjson "$G" cascade --resume "$W/badjson" &&
  expect_in "$W/badjson.err" 'badjson/sweep.json: \$.command: expected a string' badjson
n_check=$((n_check + 1))
[ "$(ls -A "$W/badjson")" = sweep.json ] || fail "badjson: files written"

# --- contingency --n-2 (DC) and --n-1 (AC) -------------------------------------------------
# items are blocks of 8 contingencies: every 80 contingencies = 10 blocks
run 0 n2_ref "$G" contingency "$CASE" --dc --n-2 --flows --out "$W/n2_ref"
KILL=200
if killed n2_kill "$G" contingency "$CASE" --dc --n-2 --flows --threads 1 \
     --checkpoint-every 80 --out "$W/n2"; then
  expect_in "$W/n2/checkpoint/manifest" '^done 0-199$' n2_manifest
  run 2 n2_ac "$G" contingency "$CASE" --ac --n-2 --resume "$W/n2" &&
    expect_in "$W/n2_ac.err" 'different sweep \(--ac absent there, given here\)' n2_ac
  if run 0 n2_resume "$G" contingency "$CASE" --dc --n-2 --flows --threads 2 --resume "$W/n2"; then
    expect_in "$W/n2_resume.err" 'resumed 200 of [0-9]+ blocks' n2_resume
    same_files "$W/n2_ref" "$W/n2" n2_resume contingencies.csv violations.csv flows.csv
  fi
fi
run 0 n1_ref "$G" contingency "$CASE" --ac --n-1 --out "$W/n1_ref"
KILL=10
if killed n1_kill "$G" contingency "$CASE" --ac --n-1 --threads 1 --checkpoint-every 16 \
     --out "$W/n1"; then
  run 0 n1_resume "$G" contingency --resume "$W/n1" &&
    same_files "$W/n1_ref" "$W/n1" n1_resume contingencies.csv violations.csv
fi

# --- campaign --runs -------------------------------------------------------------------------
if "$G" campaign --help 2>/dev/null | grep -q -- '--resume'; then
  CAMP=(campaign --nights 2 --runs 6 --seed 3 --quiet)
  run 0 camp_ref "$G" "${CAMP[@]}" --out "$W/camp_ref"
  KILL=2
  if killed camp_kill "$G" "${CAMP[@]}" --threads 1 --checkpoint-every 1 --out "$W/camp"; then
    # refused: other values of options that change the results (nothing is written)
    run 2 camp_seed "$G" campaign --resume "$W/camp" --seed 4 &&
      expect_in "$W/camp_seed.err" "different sweep \(--seed '3' there, '4' here\)" camp_seed
    run 2 camp_nights "$G" campaign --nights 3 --resume "$W/camp" &&
      expect_in "$W/camp_nights.err" "\(--nights '2' there, '3' here\)" camp_nights
    n_check=$((n_check + 1))
    [ ! -e "$W/camp/hourly.csv" ] || fail "camp refusals: hourly.csv written"
    # the same values again, and --threads (does not change the results): fine
    if run 0 camp_resume "$G" campaign --seed 3 --threads 2 --resume "$W/camp"; then
      expect_in "$W/camp_resume.err" 'resumed 2 of 6 runs .* ran 4' camp_resume
      same_files "$W/camp_ref" "$W/camp" camp_resume hourly.csv nights.csv events.csv runs.csv
    fi
  fi
  # no checkpoint options: DIR, DIR/sweep.json and DIR/checkpoint/ all the same; the kill
  # comes with the last checkpoint (the default is every 60 s), before the outputs
  KILL=1
  if killed camp_dflt_kill "$G" "${CAMP[@]}" --threads 1 --out "$W/camp_dflt"; then
    n_check=$((n_check + 1))
    json_valid "$W/camp_dflt/sweep.json" || fail "camp_dflt: sweep.json is not JSON"
    n_check=$((n_check + 1))
    [ "$(json_get "$W/camp_dflt/sweep.json" command)" = campaign ] ||
      fail "camp_dflt: sweep.json command is not campaign"
    expect_in "$W/camp_dflt/sweep.json" '"job": "gridres-[^ ]+ campaign --nights 2 --runs 6 --seed 3 \|read\|"' \
      camp_dflt_job
    expect_in "$W/camp_dflt/checkpoint/manifest" '^done 0-5$' camp_dflt_manifest
    n_check=$((n_check + 1))
    [ ! -e "$W/camp_dflt/hourly.csv" ] || fail "camp_dflt_kill: hourly.csv written by a killed run"
    if run 0 camp_dflt_resume "$G" campaign --resume "$W/camp_dflt"; then
      expect_in "$W/camp_dflt_resume.err" 'resumed 6 of 6 runs' camp_dflt_resume
      n_check=$((n_check + 1))
      [ ! -s "$W/camp_dflt_resume.out" ] || fail "camp_dflt_resume: --quiet not recorded"
      same_files "$W/camp_ref" "$W/camp_dflt" camp_dflt_resume hourly.csv nights.csv events.csv \
        runs.csv
    fi
  fi
fi

# --- campaign of a scenario that names its grid: the grid's content is part of the identity
#     (issue 22: a resume after the grid changed was accepted and mixed the two grids) -------
if "$G" campaign --help 2>/dev/null | grep -q -- '--resume'; then
  mkdir -p "$W/scen"
  cp "$EXAMPLE" "$W/scen/grid.m"
  "$G" campaign --write-scenario "$W/scen/default.json" >/dev/null
  sed -e 's|"synth": {[^}]*}|"grid": "grid.m"|' -e '/"interconnection"/,/}]},/d' \
    "$W/scen/default.json" >"$W/scen/scen.json"
  SC=(campaign "$W/scen/scen.json" --nights 2 --runs 8 --seed 2 --quiet)
  run 0 scen_ref "$G" "${SC[@]}" --out "$W/scen_ref"
  KILL=3
  if killed scen_kill "$G" "${SC[@]}" --threads 1 --checkpoint-every 1 --out "$W/scen_c"; then
    expect_in "$W/scen_c/sweep.json" '"job": ".*\|read\|.*grid\.m#[0-9a-f]{16}' scen_job
    # the loads of the grid doubled: refused, naming the input (exit 2, nothing written)
    cp "$W/scen/grid.m" "$W/scen/grid.orig"
    awk '/^[ \t]*mpc\.bus[ \t]*=/ { inside = 1; print; next }
         inside && /\]/ { inside = 0 }
         inside && NF >= 4 { $3 = $3 * 2; $4 = $4 * 2 }
         { print }' "$W/scen/grid.orig" >"$W/scen/grid.m"
    n_check=$((n_check + 1))
    ! cmp -s "$W/scen/grid.m" "$W/scen/grid.orig" || fail "scen: the loads were not changed"
    run 2 scen_changed "$G" campaign "$W/scen/scen.json" --resume "$W/scen_c" &&
      expect_in "$W/scen_changed.err" "cannot resume .*input 'grid\.m' changed since the sweep started" \
        scen_changed
    n_check=$((n_check + 1))
    [ ! -e "$W/scen_c/hourly.csv" ] || fail "scen_changed: hourly.csv written"
    expect_in "$W/scen_c/checkpoint/manifest" '^done 0-2$' scen_changed_kept
    # the grid as it was: resumes, same outputs as one uninterrupted run
    cp "$W/scen/grid.orig" "$W/scen/grid.m"
    if run 0 scen_resume "$G" campaign "$W/scen/scen.json" --resume "$W/scen_c"; then
      expect_in "$W/scen_resume.err" 'resumed 3 of 8 runs' scen_resume
      same_files "$W/scen_ref" "$W/scen_c" scen_resume hourly.csv nights.csv events.csv runs.csv
    fi
  fi
  # a checkpoint without its sweep.json is not deleted by a new run (issue 22): refused
  if killed scen_kill2 "$G" "${SC[@]}" --threads 1 --checkpoint-every 1 --out "$W/scen_n"; then
    rm -f "$W/scen_n/sweep.json"
    run 2 scen_nomanifest "$G" "${SC[@]}" --threads 1 --checkpoint-every 1 --out "$W/scen_n" &&
      expect_in "$W/scen_nomanifest.err" 'holds the checkpoint of an earlier sweep.*--force' \
        scen_nomanifest
    expect_in "$W/scen_n/checkpoint/manifest" '^done 0-2$' scen_nomanifest_kept
    if run 0 scen_force "$G" "${SC[@]}" --out "$W/scen_n" --force; then
      same_files "$W/scen_ref" "$W/scen_n" scen_force hourly.csv nights.csv events.csv runs.csv
    fi
  fi
fi

# --- MPI: kill one rank (or the whole job) mid-way, resume ------------------------------------
if "$G" --version 2>/dev/null | grep -q '^mpi Open MPI' && command -v mpirun >/dev/null &&
   mpirun --version 2>/dev/null | grep -q 'Open MPI'; then
  export OMPI_MCA_rmaps_base_oversubscribe=1
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  # Open MPI's own components leak at exit (LeakSanitizer sees them in ASan builds);
  # leak checking of gridres's code runs in the single-process runs of the same commands.
  MPI_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  MPIRUN=(mpirun --allow-run-as-root --oversubscribe --bind-to none
          --mca btl self,vader --mca btl_vader_single_copy_mechanism none -x OMP_NUM_THREADS=1
          -x ASAN_OPTIONS="$MPI_ASAN_OPTIONS")
  N=3000
  run 0 mpi_ref "$G" cascade "$CASE" --random-n2 $N --seed 9 --out "$W/mpi_ref"
  # rank 1 dies holding 100 or more events not yet sent to rank 0; mpirun then ends the job
  "${MPIRUN[@]}" -n 3 -x GRIDRES_TEST_KILL_AFTER=100 -x GRIDRES_TEST_KILL_RANK=1 \
    "$G" cascade "$CASE" --random-n2 $N --seed 9 --checkpoint-every 20 --out "$W/mpi1" \
    >"$W/mpi1_kill.out" 2>"$W/mpi1_kill.err"
  rc=$?
  n_check=$((n_check + 1))
  [ "$rc" != 0 ] || fail "mpi1_kill: the job was not killed"
  n_check=$((n_check + 1))
  [ ! -e "$W/mpi1/losses.csv" ] || fail "mpi1_kill: losses.csv written by a killed job"
  # every rank reads the recorded command line from DIR/sweep.json
  if run 0 mpi1_resume "${MPIRUN[@]}" -n 3 "$G" cascade --resume "$W/mpi1"; then
    expect_in "$W/mpi1_resume.err" "resumed [0-9]+ of $N events" mpi1_resume
    same_files "$W/mpi_ref" "$W/mpi1" mpi1_resume losses.csv ccdf.csv
  fi
  # rank 0 dies after 500 events checkpointed; resumed by 2 ranks
  "${MPIRUN[@]}" -n 3 -x GRIDRES_TEST_KILL_AFTER=500 "$G" cascade "$CASE" --random-n2 $N \
    --seed 9 --checkpoint-every 100 --out "$W/mpi0" >"$W/mpi0_kill.out" 2>"$W/mpi0_kill.err"
  rc=$?
  n_check=$((n_check + 1))
  [ "$rc" != 0 ] || fail "mpi0_kill: the job was not killed"
  if run 0 mpi0_resume "${MPIRUN[@]}" -n 2 "$G" cascade "$CASE" --random-n2 $N --seed 9 \
       --resume "$W/mpi0"; then
    expect_in "$W/mpi0_resume.err" "resumed [0-9]+ of $N events" mpi0_resume
    same_files "$W/mpi_ref" "$W/mpi0" mpi0_resume losses.csv ccdf.csv
  fi
else
  echo "note: MPI part skipped (gridres built without MPI or no Open MPI mpirun)"
fi

finish
