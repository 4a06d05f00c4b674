#!/bin/bash
# Deterministic testing costs (README, "Testing concurrent code"):
#  1. chansan-explore's runs per second on one core for a 10-goroutine test
#     of ~200 scheduling points, plain and with the detector, through the
#     program's fork server and with one exec per run;
#  2. the slowdown of a seeded run (CSP_SCHEDULE) over a free run of the
#     same program, scaled up so that start-up does not count;
#  3. an hour of virtual sleeps: real time taken.
# Usage: bench/explore.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cxx="$build/bin/chansan-clang++ -O2 -g"
$cxx -fno-chansan "$root/bench/explore/ten_goroutines.cpp" -o "$tmp/plain"
$cxx "$root/bench/explore/ten_goroutines.cpp" -o "$tmp/race"
rate() { sed -n 's/.*: \([0-9]*\) runs\/s.*/\1/p'; }
echo "== runs per second, one job (--runs 1000 --jobs 1), median of 3"
for build_kind in plain race; do
  for mode in "fork server" "exec per run"; do
    rates=()
    for i in 1 2 3; do
      if [ "$mode" = "fork server" ]; then
        r=$("$build/bin/chansan-explore" --runs 1000 --jobs 1 -- "$tmp/$build_kind" | rate)
      else
        r=$(CHANSAN_EXPLORE_NO_FORK_SERVER=1 "$build/bin/chansan-explore" --runs 1000 --jobs 1 -- "$tmp/$build_kind" | rate)
      fi
      rates+=("$r")
    done
    med=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p)
    printf "%-6s %-13s %6s runs/s   (runs: %s)\n" "$build_kind" "$mode" "$med" "${rates[*]}"
  done
done
echo "== seeded run / free run, 20000 rounds (200k hand-offs), median of 5 interleaved"
for build_kind in plain race; do
  free=(); seeded=()
  for i in 1 2 3 4 5; do
    t0=$(date +%s%N); CSP_MAXPROCS=2 "$tmp/$build_kind" 20000; t1=$(date +%s%N)
    CSP_SCHEDULE=random:$i "$tmp/$build_kind" 20000; t2=$(date +%s%N)
    free+=($(( (t1 - t0) / 1000 ))); seeded+=($(( (t2 - t1) / 1000 )))
  done
  f=$(printf '%s\n' "${free[@]}" | sort -n | sed -n 3p)
  s=$(printf '%s\n' "${seeded[@]}" | sort -n | sed -n 3p)
  printf "%-6s free %8s us  seeded %8s us  ratio %.2f\n" "$build_kind" "$f" "$s" "$(echo "$s / $f" | bc -l)"
done
echo "== an hour of virtual sleeps (60 goroutines, 1..60 min each) in a bubble"
"$build/bin/csp_unit_tests" "an hour of sleeps in a bubble takes under 50 ms of real time and is exact" --durations yes | grep -E "s: an hour|passed"
