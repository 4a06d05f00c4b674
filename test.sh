#!/bin/bash
# Builds and runs the whole test suite: the plain build, then the runtime's
# tests under ThreadSanitizer and under AddressSanitizer+UBSan.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
status=0
for cfg in none thread address; do
  dir=build; [ "$cfg" = none ] || dir=build-$cfg
  echo "=== build: $cfg"
  scripts/build.sh "$dir" "$cfg"
  (cd "$dir" && ctest -j2 --timeout 300 --output-on-failure) || status=1
done
exit $status
