#!/bin/bash
# Runs each runtime workload in csp and in Go 1.19 side by side, with
# CSP_MAXPROCS = GOMAXPROCS = 2, and prints the csp/Go time ratio.
# Usage: bench/run.sh [BUILD_DIR]   (Go from Debian's golang-go)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
gobench=$root/../shared/bench/go
command -v go >/dev/null || { echo "installing golang-go"; apt-get install -y -qq golang-go >/dev/null; }
(cd "$gobench" && go build -o /tmp/go_runtime ./runtime)
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
printf "%-11s %12s %12s %8s %s\n" workload csp_ns go_ns ratio checksums
for w in "pingpong 1000000" "spsc 10000000 128" "mpmc 10000000 128" "spawn 100000" \
         "park 100000" "select 1000000 0" "workerpool 1000000 128" "mutex 1000000" "pipeline 1000000 128"; do
  c=$(CSP_MAXPROCS=2 "$build/bin/csp_bench" $w)
  g=$(GOMAXPROCS=2 /tmp/go_runtime $w)
  cn=$(field ns_per_op <<<"$c"); gn=$(field ns_per_op <<<"$g")
  cs=$(field checksum <<<"$c"); gs=$(field checksum <<<"$g")
  same=$([ "$cs" = "$gs" ] && echo same || echo "DIFFER $cs $gs")
  printf "%-11s %12s %12s %8.2f %s\n" "${w%% *}" "$cn" "$gn" "$(echo "$cn / $gn" | bc -l)" "$same"
  if [ "${w%% *}" = park ]; then
    echo "            bytes per parked goroutine: csp $(field bytes_per_parked <<<"$c"), go $(field bytes_per_parked <<<"$g")"
  fi
done
