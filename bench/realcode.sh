#!/bin/bash
# Real C++ code against ThreadSanitizer (issue 9): std::thread programs that
# pass heap objects through a queue, built plain (clang++-14 -O2 -g),
# with chansan (build/bin/chansan-clang++ -O2 -g) and with TSan
# (clang++-14 -O2 -g -fsanitize=thread), at N and 10 N items: seconds and
# peak RSS of each, the slowdowns and the cost per item as N grows (flat
# means linear). Median of ROUNDS runs (default 3).
# Usage: bench/realcode.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
rounds=${2:-3}
out="$build/bench-realcode"
mkdir -p "$out"
# Libraries from Debian's packages (scripts/deps.sh installs them).
progs="sharedptr_queue cq_queue absl_map tbb_pipeline"
libs_sharedptr_queue="-lpthread"
libs_cq_queue="-lpthread"
libs_absl_map="$(pkg-config --libs absl_synchronization absl_flat_hash_map absl_strings)"
libs_tbb_pipeline="-ltbb"
for prog in $progs; do
  src="$root/bench/realcode/$prog.cpp"
  libs_var="libs_$prog"
  libs=${!libs_var}
  clang++-14 -std=c++20 -O2 -g "$src" -o "$out/$prog.plain" $libs
  "$build/bin/chansan-clang++" -O2 -g "$src" -o "$out/$prog.chansan" $libs
  clang++-14 -std=c++20 -O2 -g -fsanitize=thread "$src" -o "$out/$prog.tsan" $libs
done
# One run: prints "seconds kb".
measure() {
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>&1 || true
  tail -1 "$out/time.txt"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf "%-16s %8s | %8s %8s %8s | %7s %7s | %9s %9s %9s\n" program items plain_s chansan_s tsan_s chansan tsan plain_kb chansan_kb tsan_kb
for prog in $progs; do
  for n in 100000 1000000; do
    declare -A s k
    for tool in plain chansan tsan; do
      : > "$out/runs.txt"
      for _ in $(seq 1 "$rounds"); do measure "$out/$prog.$tool" "$n" >> "$out/runs.txt"; done
      s[$tool]=$(cut -d' ' -f1 < "$out/runs.txt" | median)
      k[$tool]=$(cut -d' ' -f2 < "$out/runs.txt" | median)
    done
    printf "%-16s %8s | %8s %8s %8s | %6.1fx %6.1fx | %9s %9s %9s\n" "$prog" "$n" "${s[plain]}" "${s[chansan]}" "${s[tsan]}" \
      "$(echo "${s[chansan]} / ${s[plain]}" | bc -l)" "$(echo "${s[tsan]} / ${s[plain]}" | bc -l)" \
      "${k[plain]}" "${k[chansan]}" "${k[tsan]}"
  done
done
