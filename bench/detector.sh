#!/bin/bash
# The race detector's overhead, side by side in one run: each workload built
# three ways with build/bin/chansan-clang++ -O2 -g —
#   plain:   -fno-chansan                      (the csp runtime alone)
#   chansan: instrumented, the chansan detector
#   tsan:    -fno-chansan -fsanitize=thread    (TSan through the fiber API)
# — and run with CSP_MAXPROCS=2. Prints per workload the time and peak RSS
# of each build, the slowdowns (chansan/plain, tsan/plain), and their ratio
# chansan/tsan; then the geometric means of the ratios (the target is
# time <= 1.0 and RSS <= 1.0).
# Then what a ThreadSanitizer user would pick instead (issue 13): the
# std::thread versions of the compute workloads (-DBENCH_STD_THREAD:
# std::thread, std::mutex, std::condition_variable) built with clang++-19
# -O2 -g, plain and -fsanitize=thread, and TSan 19's slowdown over its own
# plain build beside chansan's on the csp version, with their ratio.
# Each figure is the median of ROUNDS interleaved rounds (plain, chansan,
# tsan in turn; then std, tsan19).
# Usage: bench/detector.sh [BUILD_DIR] [ROUNDS]   (default 5 rounds)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
rounds=${2:-5}
cxx="$build/bin/chansan-clang++"
out="$build/bench-detector"
mkdir -p "$out"
export CSP_MAXPROCS=2

# name | source | arguments
workloads=(
  "matmul|detector/matmul.cpp|512 2"
  "histo|detector/histo.cpp|4194304 2 16"
  "msort|detector/msort.cpp|4194304 1"
  "prodcons|detector/prodcons.cpp|1000000"
  "prodchan|detector/prodchan.cpp|1000000"
  "pingpong|runtime_bench.cpp|pingpong 200000"
  "spsc|runtime_bench.cpp|spsc 2000000 128"
  "mpmc|runtime_bench.cpp|mpmc 1000000 128"
  "spawn|runtime_bench.cpp|spawn 100000"
  "select|runtime_bench.cpp|select 200000 0"
  "workerpool|runtime_bench.cpp|workerpool 200000 128"
  "mutex|runtime_bench.cpp|mutex 200000"
  "pipeline|runtime_bench.cpp|pipeline 200000 128"
)

declare -A flags=([plain]="-fno-chansan" [chansan]="" [tsan]="-fno-chansan -fsanitize=thread")
for src in detector/matmul.cpp detector/histo.cpp detector/msort.cpp detector/prodcons.cpp \
           detector/prodchan.cpp runtime_bench.cpp; do
  name=$(basename "$src" .cpp)
  for v in plain chansan tsan; do
    "$cxx" ${flags[$v]} -O2 -g "$root/bench/$src" -o "$out/$name.$v" &
  done
done
std_workloads="matmul histo msort prodcons"
for name in $std_workloads; do
  clang++-19 -std=c++20 -O2 -g -DBENCH_STD_THREAD -pthread "$root/bench/detector/$name.cpp" -o "$out/$name.std" &
  clang++-19 -std=c++20 -O2 -g -DBENCH_STD_THREAD -fsanitize=thread "$root/bench/detector/$name.cpp" \
    -o "$out/$name.std_tsan19" &
done
wait

field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" | head -1; }
# One run: prints "<ms> <hwm_kb>".
run_once() {
  local line ms
  line=$("$@" 2>/dev/null | tail -1)
  ms=$(field compute_ms <<<" $line")
  if [ -z "$ms" ]; then  # runtime_bench: ns per op times n
    ms=$(echo "$(field ns_per_op <<<" $line") * $(field n <<<" $line") / 1000000" | bc -l)
  fi
  echo "$ms $(field hwm_kb <<<" $line")"
}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# measure ARGS -- BIN...: $rounds interleaved rounds (each round runs every
# BIN once, in turn, so a burst of load on the shared machine falls on all
# of them alike); sets med_ms[BIN] and med_kb[BIN] to the medians.
declare -A med_ms med_kb
measure() {
  local args=() bins=() b r
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  shift
  bins=("$@")
  for b in "${bins[@]}"; do : >"$b.runs"; done
  for ((r = 0; r < rounds; r++)); do
    for b in "${bins[@]}"; do run_once "$b" "${args[@]}" >>"$b.runs"; done
  done
  for b in "${bins[@]}"; do
    med_ms[$b]=$(cut -d' ' -f1 <"$b.runs" | median)
    med_kb[$b]=$(cut -d' ' -f2 <"$b.runs" | median)
  done
}

printf "%-11s %9s %9s %9s | %7s %7s %7s | %8s %8s %8s | %6s %6s\n" workload plain_ms chansan_ms tsan_ms \
  chansan tsan ratio plain_kb chansan_kb tsan_kb c/p_kb ratio
log_time=0; log_rss=0; count=0
declare -A chansan_slowdown
for w in "${workloads[@]}"; do
  IFS='|' read -r name src args <<<"$w"
  bin=$(basename "$src" .cpp)
  measure $args -- "$out/$bin.plain" "$out/$bin.chansan" "$out/$bin.tsan"
  pm=${med_ms[$out/$bin.plain]}; pk=${med_kb[$out/$bin.plain]}
  cm=${med_ms[$out/$bin.chansan]}; ck=${med_kb[$out/$bin.chansan]}
  tm=${med_ms[$out/$bin.tsan]}; tk=${med_kb[$out/$bin.tsan]}
  cs=$(echo "$cm / $pm" | bc -l); ts=$(echo "$tm / $pm" | bc -l); tr=$(echo "$cs / $ts" | bc -l)
  rr=$(echo "$ck / $tk" | bc -l)
  printf "%-11s %9.1f %9.1f %9.1f | %6.2fx %6.2fx %7.2f | %8d %8d %8d | %5.2fx %6.2f\n" "$name" "$pm" "$cm" "$tm" \
    "$cs" "$ts" "$tr" "$pk" "$ck" "$tk" "$(echo "$ck / $pk" | bc -l)" "$rr"
  chansan_slowdown[$name]=$cs
  log_time=$(echo "$log_time + l($tr)" | bc -l); log_rss=$(echo "$log_rss + l($rr)" | bc -l)
  count=$((count + 1))
done
printf "geometric mean of chansan/tsan: time %.2f, peak RSS %.2f (over %d workloads)\n" \
  "$(echo "e($log_time / $count)" | bc -l)" "$(echo "e($log_rss / $count)" | bc -l)" "$count"

echo
echo "std::thread versions under TSan 19 (clang++-19 -O2 -g), beside chansan on the csp version:"
printf "%-11s %9s %9s | %7s %7s %7s | %8s %8s\n" workload std_ms tsan19_ms tsan19 chansan c/t19 std_kb tsan19_kb
log19=0; count19=0
for name in $std_workloads; do
  args=""
  for w in "${workloads[@]}"; do
    IFS='|' read -r n _ a <<<"$w"
    [ "$n" = "$name" ] && args=$a
  done
  measure $args -- "$out/$name.std" "$out/$name.std_tsan19"
  sm=${med_ms[$out/$name.std]}; sk=${med_kb[$out/$name.std]}
  tm=${med_ms[$out/$name.std_tsan19]}; tk=${med_kb[$out/$name.std_tsan19]}
  ts=$(echo "$tm / $sm" | bc -l); cs=${chansan_slowdown[$name]}; r=$(echo "$cs / $ts" | bc -l)
  printf "%-11s %9.1f %9.1f | %6.2fx %6.2fx %7.2f | %8d %8d\n" "$name" "$sm" "$tm" "$ts" "$cs" "$r" "$sk" "$tk"
  log19=$(echo "$log19 + l($r)" | bc -l); count19=$((count19 + 1))
done
printf "geometric mean of chansan/tsan19: %.2f (over %d workloads; the goal is <= 0.7)\n" \
  "$(echo "e($log19 / $count19)" | bc -l)" "$count19"
