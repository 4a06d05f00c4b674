#!/bin/bash
# Validates SARIF logs with Microsoft's SARIF Multitool (SARIF_MULTITOOL);
# fails on any error it reports. Prints "valid: N" for N files.
set -u
n=0
for f in "$@"; do
  out=$("$SARIF_MULTITOOL" validate "$f" 2>&1)
  rc=$?
  if [ $rc != 0 ] || grep -q ': error ' <<<"$out"; then
    echo "$out" >&2
    echo "invalid: $f" >&2
    exit 1
  fi
  n=$((n + 1))
done
echo "valid: $n"
