#!/usr/bin/env bash
# setup.sh — install the Debian packages gridres needs, build it (Release, into build/)
# and run the main job on the built-in default grid.
#
# usage: scripts/setup.sh [--deps-only] [--no-run] [--with-tsan]
#   --deps-only  only install the packages
#   --no-run     install and build, but do not run the main job
#   --with-tsan  also install clang and LLVM's OpenMP (the ThreadSanitizer build of .ci/run)
# Environment: JOBS (parallel build jobs, default: number of cores),
# GRIDRES_BUILD_DIR (build directory, default build).
set -euo pipefail

deps_only=0
no_run=0
with_tsan=0
for arg in "$@"; do
  case "$arg" in
    --deps-only) deps_only=1 ;;
    --no-run) no_run=1 ;;
    --with-tsan) with_tsan=1 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (see scripts/setup.sh --help)" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."

# Build tools, the libraries gridres links (KLU from SuiteSparse, COIN-OR CLP/CBC,
# jansson, cairo, OpenMPI), cmocka for the unit tests, python3 for the CLI tests (and its
# development files, numpy, pip, setuptools and pytest for the Python package, docs/python.md),
# chromium to check in a headless browser that the campaign report renders.
packages=(
  build-essential cmake pkg-config
  libsuitesparse-dev coinor-libclp-dev coinor-libcbc-dev
  libjansson-dev libcairo2-dev libopenmpi-dev openmpi-bin
  libcmocka-dev python3 chromium
  python3-dev python3-numpy python3-pip python3-setuptools python3-pytest
)
# ThreadSanitizer needs an OpenMP runtime it can see into: clang with LLVM's libomp
# and its TSan tool (archer).
if ((with_tsan)); then packages+=(clang libomp-dev); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup.sh: installing ${missing[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo=(sudo); else
      echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1
    fi
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "setup.sh: all ${#packages[@]} packages present"
fi

if ((deps_only)); then exit 0; fi

jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
build="${GRIDRES_BUILD_DIR:-build}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$jobs"

if ((no_run)); then exit 0; fi

# The main job on the built-in default grid.
echo "setup.sh: $build/gridres campaign --report"
"$build/gridres" campaign --report
