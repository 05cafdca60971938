#!/bin/sh
# campaign_rss.sh — peak memory (RSS) of `gridres campaign` on the default scenario against the number of runs, for this build and optionally a baseline binary, side by side: memory must not grow with the runs.
#
# Usage: bench/campaign_rss.sh [NEW_GRIDRES] [BASE_GRIDRES] [RUN_COUNTS] [THREADS] [NIGHTS]
#   defaults: build/gridres, no baseline, "1 10 100 200", 2 threads, the scenario's 30 nights.
#   Baseline: e.g. the commit before streaming, built beside:
#     git worktree add /tmp/old 3e7a52d && cmake -S /tmp/old -B /tmp/old/build \
#       -DCMAKE_BUILD_TYPE=Release && cmake --build /tmp/old/build --target gridres
#     bench/campaign_rss.sh build/gridres /tmp/old/build/gridres
# Prints, per run count and binary, the peak RSS (GNU time %M) and the wall time, then the
# growth per run between the two largest counts (kB/run). The outputs of the two binaries
# must be byte-identical (hourly.csv, events.csv, cities.csv, nights.csv, runs.csv); exit 1
# when they differ. Peak RSS also holds what does not depend on the runs (the grid, the
# model, each thread's workspace), so compare the growth, not the absolute figure.
set -eu
new=${1:-build/gridres}
base=${2:-}
counts=${3:-1 10 100 200}
threads=${4:-2}
nights=${5:-0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x /usr/bin/time ] || { echo "campaign_rss: needs GNU time (/usr/bin/time)"; exit 2; }

night_opt=""
[ "$nights" -gt 0 ] && night_opt="--nights $nights"

measure() { # label binary runs -> prints "label runs rss_kB wall_s"
    out="$tmp/$1-$3"
    # shellcheck disable=SC2086
    /usr/bin/time -f "%M %e" -o "$tmp/t" "$2" campaign --runs "$3" $night_opt --threads "$threads" \
        --quiet --force --out "$out" >/dev/null
    echo "$1 $3 $(cat "$tmp/t")"
}

echo "campaign peak RSS: default scenario, $threads threads, runs $counts"
echo "load before: $(uptime)"
: >"$tmp/rows"
for n in $counts; do
    measure new "$new" "$n" >>"$tmp/rows"
    [ -n "$base" ] && measure base "$base" "$n" >>"$tmp/rows"
done
echo "load after: $(uptime)"
printf '%-6s %6s %10s %8s\n' binary runs peak_MB wall_s
awk '{ printf "%-6s %6d %10.1f %8.2f\n", $1, $2, $3 / 1024, $4 }' "$tmp/rows"
for who in new base; do
    awk -v w="$who" '$1 == w { n[++k] = $2; m[k] = $3 }
        END { if (k >= 2) printf "%s: growth %.1f kB per run from %d to %d runs\n", w,
              (m[k] - m[k-1]) / (n[k] - n[k-1]), n[k-1], n[k] }' "$tmp/rows"
done
status=0
if [ -n "$base" ]; then
    for n in $counts; do
        for f in hourly.csv events.csv cities.csv nights.csv runs.csv; do
            if ! cmp -s "$tmp/new-$n/$f" "$tmp/base-$n/$f"; then
                echo "DIFFERS: $f at $n runs"
                status=1
            fi
        done
    done
    [ $status -eq 0 ] && echo "outputs identical to the baseline at every run count"
fi
exit $status
