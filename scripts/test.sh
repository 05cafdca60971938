#!/usr/bin/env bash
# test.sh — configure and build (if needed), then run the whole test suite with ctest.
#
# usage: scripts/test.sh [BUILD_DIR] [extra cmake arguments...]
#   BUILD_DIR defaults to build/. Extra arguments go to the configure step, e.g.
#   scripts/test.sh build-asan -DGRIDRES_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
# Environment: JOBS (parallel build and test jobs, default 2); GRIDRES_TEST_REGEX (run
# only the tests whose names match, ctest -R).
set -euo pipefail

cd "$(dirname "$0")/.."
build="${1:-build}"
if (($#)); then shift; fi
jobs="${JOBS:-2}"

# Configure when the build tree is new or cmake arguments are given; a configured
# tree re-runs cmake by itself when CMakeLists.txt changes.
if [ ! -f "$build/CMakeCache.txt" ] || (($#)); then
  if [ -f "$build/CMakeCache.txt" ]; then
    cmake -S . -B "$build" "$@"
  else
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release "$@"
  fi
fi
cmake --build "$build" -j "$jobs"
# Under AddressSanitizer: fontconfig (through cairo) keeps its configuration for
# the life of the process; that one known allocation is not reported as a leak.
export LSAN_OPTIONS="suppressions=$PWD/tests/data/report/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
select=()
if [ -n "${GRIDRES_TEST_REGEX:-}" ]; then select=(-R "$GRIDRES_TEST_REGEX"); fi
ctest --test-dir "$build" --output-on-failure -j "$jobs" "${select[@]}"
