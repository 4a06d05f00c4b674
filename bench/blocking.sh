#!/bin/bash
# The deadlock detector's cost: the runtime workloads built with the
# detector (chansan-clang++ -O2 -g), each run with deadlock detection off
# (CHANSAN_OPTIONS=detect_deadlocks=0: no lock bookkeeping, no watchdog)
# and on, alternating, ROUNDS times; prints the medians and the on/off
# ratio (the median: on this shared machine single runs vary by +-10%).
# Usage: bench/blocking.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
rounds=${2:-7}
out=$build/bench-blocking
mkdir -p "$out"
"$build/bin/chansan-clang++" -O2 -g "$root/bench/runtime_bench.cpp" -o "$out/csp_bench"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
best() {  # best WORKLOAD...: ns_per_op of one run, with detect_deadlocks=$dd
  local r
  r=$(CSP_MAXPROCS=2 CHANSAN_OPTIONS=detect_deadlocks=$dd "$out/csp_bench" "$@" 2>"$out/stderr")
  if grep -q WARNING "$out/stderr"; then echo "a report in $*" >&2; cat "$out/stderr" >&2; exit 1; fi
  field ns_per_op <<<"$r"
}
printf "%-11s %12s %12s %8s\n" workload off_ns on_ns on/off
logsum=0; count=0
for w in "pingpong 500000" "spsc 5000000 128" "mpmc 5000000 128" "spawn 100000" \
         "park 100000" "select 500000 0" "workerpool 500000 128" "mutex 1000000" "pipeline 500000 128"; do
  offs=(); ons=()
  for ((i = 0; i < rounds; i++)); do
    dd=0; offs+=("$(best $w)")
    dd=1; ons+=("$(best $w)")
  done
  off=$(printf "%s\n" "${offs[@]}" | sort -g | sed -n "$(( (rounds + 1) / 2 ))p")
  on=$(printf "%s\n" "${ons[@]}" | sort -g | sed -n "$(( (rounds + 1) / 2 ))p")
  ratio=$(echo "$on / $off" | bc -l)
  logsum=$(echo "$logsum + l($ratio)" | bc -l); count=$((count + 1))
  printf "%-11s %12.1f %12.1f %8.3f\n" "${w%% *}" "$off" "$on" "$ratio"
done
printf "%-11s %34.3f\n" geomean "$(echo "e($logsum / $count)" | bc -l)"
