#!/bin/bash
# Compute-heavy programs, chansan against what a ThreadSanitizer user would
# run instead (issue 13): each of bench/detector/{matmul,histo,msort,
# prodcons} built four ways --
#   plain:    build/bin/chansan-clang++ -fno-chansan -O2 -g   (csp version)
#   chansan:  build/bin/chansan-clang++ -O2 -g                (csp version)
#   std:      clang++-19 -O2 -g -DBENCH_STD_THREAD            (std::thread)
#   tsan19:   clang++-19 -O2 -g -DBENCH_STD_THREAD -fsanitize=thread
# -- and run in interleaved rounds (plain, chansan, std, tsan19, then again),
# CSP_MAXPROCS=2. Prints per program the median compute time of each
# build, each tool's slowdown over its own plain build, their ratio
# (chansan/TSan 19; the goal is <= 1 each and <= 0.7 as a geometric
# mean), and what the pass left out (CHANSAN_PASS_STATS=1): reads followed
# by a write of the same bytes, and loop accesses checked once per loop.
# Usage: bench/compute_vs_tsan19.sh [BUILD_DIR] [ROUNDS]   (default 7 rounds)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
rounds=${2:-7}
cxx="$build/bin/chansan-clang++"
out="$build/bench-compute"
mkdir -p "$out"
export CSP_MAXPROCS=2

declare -A args=([matmul]="512 2" [histo]="4194304 2 16" [msort]="4194304 1" [prodcons]="1000000")
names="matmul histo msort prodcons"
for name in $names; do
  src="$root/bench/detector/$name.cpp"
  "$cxx" -fno-chansan -O2 -g "$src" -o "$out/$name.plain" &
  CHANSAN_PASS_STATS=1 "$cxx" -O2 -g "$src" -o "$out/$name.chansan" 2>"$out/$name.stats" &
  clang++-19 -std=c++20 -O2 -g -DBENCH_STD_THREAD -pthread "$src" -o "$out/$name.std" &
  clang++-19 -std=c++20 -O2 -g -DBENCH_STD_THREAD -fsanitize=thread "$src" -o "$out/$name.tsan19" &
  wait
done

compute_ms() { "$@" 2>/dev/null | sed -n 's/.*compute_ms=\([0-9.]*\).*/\1/p' | tail -1; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

printf "%-9s %9s %10s %8s %9s | %7s %7s %7s | %s\n" program plain_ms chansan_ms std_ms tsan19_ms \
  chansan tsan19 c/t19 "pass: reads before writes, loop accesses as ranges"
log=0; count=0
for name in $names; do
  : >"$out/$name.times"
  for ((r = 0; r < rounds; r++)); do
    for v in plain chansan std tsan19; do
      echo "$v $(compute_ms "$out/$name.$v" ${args[$name]})" >>"$out/$name.times"
    done
  done
  declare -A med=()
  for v in plain chansan std tsan19; do
    med[$v]=$(awk -v v=$v '$1 == v {print $2}' "$out/$name.times" | median)
  done
  cs=$(echo "${med[chansan]} / ${med[plain]}" | bc -l)
  ts=$(echo "${med[tsan19]} / ${med[std]}" | bc -l)
  ratio=$(echo "$cs / $ts" | bc -l)
  rbw=$(sed -n 's/.* \([0-9]*\) reads followed by a write.*/\1/p' "$out/$name.stats" | head -1)
  loops=$(sed -n 's/.*checked \([0-9]*\) loop accesses once per loop run, as \([0-9]*\) range checks.*/\1 as \2/p' \
    "$out/$name.stats" | head -1)
  printf "%-9s %9.1f %10.1f %8.1f %9.1f | %6.2fx %6.2fx %7.2f | %s, %s\n" "$name" "${med[plain]}" \
    "${med[chansan]}" "${med[std]}" "${med[tsan19]}" "$cs" "$ts" "$ratio" "${rbw:-0}" "${loops:-0 as 0}"
  log=$(echo "$log + l($ratio)" | bc -l); count=$((count + 1))
done
printf "geometric mean of chansan/tsan19: %.2f (medians of %d interleaved rounds; the goal is <= 0.7)\n" \
  "$(echo "e($log / $count)" | bc -l)" "$rounds"
