#!/bin/sh
# Usage: replay3.sh EXPLORE_LOG
# Takes the replay line chansan-explore printed, runs it three times, and
# checks each run fails again with the same finding: the same SUMMARY lines
# (or the same panic line) as the explored run.
set -u
log=$1
line=$(grep '^replay: CSP_SCHEDULE=' "$log" | tail -n 1 | sed 's/^replay: //')
[ -n "$line" ] || { echo "replay3: no replay line in $log"; exit 1; }
want=$(grep -E '^(SUMMARY: |panic: )' "$log" | sort -u)
[ -n "$want" ] || want=$(grep '^chansan-explore: ' "$log" | head -n 1 | sed 's/ at seed.*//')
for i in 1 2 3; do
  out=$(env $line 2>&1)
  rc=$?
  [ $rc -ne 0 ] || { echo "replay3: run $i of '$line' passed"; exit 1; }
  got=$(printf '%s\n' "$out" | grep -E '^(SUMMARY: |panic: )' | sort -u)
  if [ -n "$(printf '%s' "$want" | grep -E '^(SUMMARY|panic)')" ] && [ "$got" != "$want" ]; then
    echo "replay3: run $i of '$line' differs:"; echo "want: $want"; echo "got:  $got"; exit 1
  fi
done
echo "replay3: 3 of 3 replays failed the same way: $line"
