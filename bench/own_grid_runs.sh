#!/usr/bin/env bash
# own_grid_runs.sh — issue 13's done-when runs (docs/own_grid.md, "Measured"): for each case,
# `gridres campaign CASE --nights 5`, `gridres protect CASE --runs 4 --nights 3 --budget B` and
# `gridres restore CASE --damage-random 20 --seed 1`, overlays built on the fly, one after the
# other, each under `timeout LIMIT`; one tab-separated row per run on stdout:
#   case buses substations people(M) command exit damaged GWh/plan wall_s
# Logs in WORK/<case>.<command>.log. Not a test: it measures.
# Usage: bench/own_grid_runs.sh GRIDRES WORK [CASE ...]
#   env: COMMANDS (default "campaign protect restore"), LIMIT (600), BUDGET (1000)
set -u
bin=${1:?usage: own_grid_runs.sh GRIDRES WORK CASE...}
work=${2:?usage: own_grid_runs.sh GRIDRES WORK CASE...}
shift 2
mkdir -p "$work"
limit=${LIMIT:-600}
budget=${BUDGET:-1000}
for c in "$@"; do
  name=$(basename "$c"); name=${name%.*}
  for cmd in ${COMMANDS:-campaign protect restore}; do
    out="$work/$name.$cmd"
    log="$out.log"
    rm -rf "$out"
    case $cmd in
      campaign) args=(campaign "$c" --nights 5 --out "$out") ;;
      protect) args=(protect "$c" --runs 4 --nights 3 --budget "$budget" --out "$out") ;;
      restore) args=(restore "$c" --damage-random 20 --seed 1 --out "$out") ;;
    esac
    t0=$(date +%s.%N)
    timeout "$limit" "$bin" "${args[@]}" >"$log" 2>&1
    rc=$?
    t1=$(date +%s.%N)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", b - a}')
    subs=$(grep -o 'built one ([0-9]* substations' "$log" | grep -o '[0-9]*' | head -1)
    people=$(grep -o 'substations, [0-9]* people' "$log" | grep -o '[0-9][0-9]*' | head -1)
    buses=$(grep -o '[0-9]* buses' "$log" | head -1 | grep -o '[0-9]*')
    dmg=; val=
    case $cmd in
      campaign)
        dmg=$(grep -o 'damage  *[0-9.]* elements' "$log" | grep -o '[0-9.][0-9.]*' | head -1)
        val=$(grep -o 'energy  *[0-9.]* GWh' "$log" | grep -o '[0-9.][0-9.]*' | head -1) ;;
      protect)
        val=$(grep -o 'plan  *spent.*' "$log" | grep -o '([-0-9.]* %)' | tr -d '()' | head -1)
        [ -n "$val" ] && val="plan: -$val weighted ENS" ;;
      restore)
        dmg=$(grep -o '^damage  *[0-9]* elements' "$log" | grep -o '[0-9][0-9]*' | head -1)
        val=$(grep -o '^ens  *[-0-9.]* MWh' "$log" | grep -o '[-0-9.][0-9.]*' | head -1)
        [ -n "$val" ] && val=$(awk -v m="$val" 'BEGIN{printf "%.1f", m / 1000}') ;;
    esac
    pm=; [ -n "$people" ] && pm=$(awk -v p="$people" 'BEGIN{printf "%.1f", p / 1e6}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$buses" "$subs" "$pm" "$cmd" "$rc" \
      "$dmg" "$val" "$wall"
  done
done
