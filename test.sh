#!/bin/bash
# Builds and runs the whole test suite in three builds: plain, under
# ThreadSanitizer, and under AddressSanitizer+UBSan. --quick: plain only.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
status=0
configs="none thread address"
[ "${1:-}" = "--quick" ] && configs="none"
for cfg in $configs; do
  dir=build; [ "$cfg" = none ] || dir=build-$cfg
  echo "=== build: $cfg"
  scripts/build.sh "$dir" "$cfg"
  (cd "$dir" && ctest -j2 --timeout 300 --output-on-failure) || status=1
done
exit $status
