#!/bin/bash
# Builds and runs the whole test suite. With --all, also the runtime's tests
# under ThreadSanitizer and under AddressSanitizer+UBSan.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
status=0
configs="none"
[ "${1:-}" = "--all" ] && configs="none thread address"
for cfg in $configs; do
  dir=build; [ "$cfg" = none ] || dir=build-$cfg
  echo "=== build: $cfg"
  scripts/build.sh "$dir" "$cfg"
  (cd "$dir" && ctest -j2 --timeout 300 --output-on-failure) || status=1
done
exit $status
