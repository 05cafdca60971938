#!/usr/bin/env bash
# check_layers.sh — fail when a source file includes a header across a forbidden layer boundary (docs/architecture.md).
#
# usage: scripts/check_layers.sh [SRC_DIR]        check the tree (default: src/ beside this script)
#        scripts/check_layers.sh --self-test      check that the checker catches planted violations
#
# The layers and their arrows (a layer may include its own headers and those of every
# layer it reaches by the arrows; util is the floor every layer may include):
#   cli -> gridres.h only (the public API; its own cli/ headers)
#   report -> sim -> solve -> model -> sparse;   io -> model
# Third-party headers stay behind their one wrapper: klu.h/amd.h in solve/lu_klu.c,
# CLP in solve/lp_clp.c, CBC in solve/mip_cbc.c, mpi.h in util/sweep_mpi.c, cairo in
# report/, jansson in io/, report/ and cli/. No file is opened in sim/, solve/, model/
# or sparse/ (fopen, open, opendir): reading and writing files is io/'s, report/'s,
# util/'s (checkpoints) and the CLI's.
set -euo pipefail

allowed_layers() {
  case "$1" in
    util) echo "util" ;;
    sparse) echo "sparse util" ;;
    model) echo "model sparse util" ;;
    solve) echo "solve model sparse util" ;;
    sim) echo "sim solve model sparse util" ;;
    io) echo "io model sparse util" ;;
    report) echo "report sim solve model sparse util" ;;
    cli) echo "" ;;
    *) echo "?" ;;
  esac
}

# allowed_system FILE HEADER: 0 when FILE may include <HEADER>.
allowed_system() {
  local rel="$1" hdr="$2" layer="${1%%/*}"
  case "$hdr" in
    klu.h|amd.h|btf.h|colamd.h|SuiteSparse_config.h|suitesparse/*)
      [ "$rel" = solve/lu_klu.c ] ;;
    coin/Clp*|Clp*) [ "$rel" = solve/lp_clp.c ] ;;
    coin/Cbc*|Cbc*) [ "$rel" = solve/mip_cbc.c ] ;;
    mpi.h) [ "$rel" = util/sweep_mpi.c ] ;;
    cairo.h|cairo-*.h|cairo/*) [ "$layer" = report ] ;;
    jansson.h) [ "$layer" = io ] || [ "$layer" = report ] || [ "$layer" = cli ] ;;
    *) return 0 ;;
  esac
}

check_tree() {
  local src="$1" bad=0 f rel layer lineno line hdr target allowed
  while IFS= read -r f; do
    rel="${f#"$src"/}"
    layer="${rel%%/*}"
    allowed="$(allowed_layers "$layer")"
    if [ "$allowed" = "?" ]; then
      echo "$rel: folder '$layer' is not a known layer (docs/architecture.md)"
      bad=1
      continue
    fi
    lineno=0
    while IFS= read -r line; do
      lineno=$((lineno + 1))
      if [[ "$line" =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
        hdr="${BASH_REMATCH[1]}"
        if [ "$hdr" = gridres.h ]; then continue; fi
        if [[ "$hdr" != */* ]]; then
          # a header beside the file (the CLI's own headers)
          if [ -f "$(dirname "$f")/$hdr" ]; then continue; fi
          echo "$rel:$lineno: includes \"$hdr\", which is not beside it (write \"folder/$hdr\")"
          bad=1
          continue
        fi
        target="${hdr%%/*}"
        if [[ " $allowed " != *" $target "* ]]; then
          echo "$rel:$lineno: $layer/ may not include $target/ (\"$hdr\"); allowed: ${allowed:-gridres.h only}"
          bad=1
        fi
      elif [[ "$line" =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<([^\>]+)\> ]]; then
        hdr="${BASH_REMATCH[1]}"
        if ! allowed_system "$rel" "$hdr"; then
          echo "$rel:$lineno: <$hdr> belongs behind its wrapper (see scripts/check_layers.sh)"
          bad=1
        fi
      fi
      case "$layer" in
        sim|solve|model|sparse)
          if [[ "$line" =~ (^|[^a-z_])(fopen|freopen|opendir|open)[[:space:]]*\( ]]; then
            local call="${BASH_REMATCH[2]}"
            if [[ ! "$line" =~ ^[[:space:]]*(/\*|\*) ]]; then
              echo "$rel:$lineno: $layer/ opens a file ($call); files are read and written in io/, report/ or the CLI"
              bad=1
            fi
          fi ;;
      esac
    done <"$f"
  done < <(find "$src" -type f \( -name '*.c' -o -name '*.h' -o -name '*.c.in' \) | LC_ALL=C sort)
  return "$bad"
}

self_test() {
  local tmp
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  mkdir -p "$tmp/io" "$tmp/sim" "$tmp/cli" "$tmp/model"
  printf '#include "gridres.h"\n#include "model/grid.h"\n' >"$tmp/io/ok.c"
  printf '#include "gridres.h"\n' >"$tmp/model/grid.h"
  if ! check_tree "$tmp" >/dev/null; then echo "self-test: a clean tree was refused"; return 1; fi
  local planted=(
    'io/a.c|#include "sim/campaign_internal.h"'
    'sim/b.c|#include "io/overlay.h"'
    'cli/c.c|#include "model/grid.h"'
    'model/d.c|#include <cairo.h>'
    'sim/e.c|    FILE *f = fopen(path, "rb");'
  )
  local p file text out
  for p in "${planted[@]}"; do
    file="${p%%|*}"
    text="${p#*|}"
    printf '%s\n' "$text" >"$tmp/$file"
    if out="$(check_tree "$tmp")"; then
      echo "self-test: '$text' in $file was not caught"
      return 1
    fi
    if [[ "$out" != *"$file:1:"* ]]; then
      echo "self-test: the message for $file does not name file:line: $out"
      return 1
    fi
    rm "$tmp/$file"
  done
  echo "check_layers self-test: ${#planted[@]} planted violations caught, clean tree accepted"
}

if [ "${1:-}" = --self-test ]; then
  self_test
  exit $?
fi
src="${1:-$(cd "$(dirname "$0")/.." && pwd)/src}"
if [ ! -d "$src" ]; then
  echo "check_layers.sh: no source folder '$src'" >&2
  exit 2
fi
if check_tree "$src"; then
  echo "check_layers: $(find "$src" -type f \( -name '*.c' -o -name '*.h' \) | wc -l) files, every include within its layer"
else
  echo "check_layers: include boundaries crossed (see above; the layers: docs/architecture.md)"
  exit 1
fi
