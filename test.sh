#!/bin/bash
# Builds and runs the whole test suite in three builds: plain, under
# ThreadSanitizer, and under AddressSanitizer+UBSan. --quick: plain only.
# --long: stress cases ([stress]) 10x longer (CSP_TEST_LONG=1).
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
status=0
configs="none thread address"
case "${1:-}" in
  --quick) configs="none" ;;
  --long) export CSP_TEST_LONG=1 ;;
  "") ;;
  *) echo "usage: ./test.sh [--quick|--long]" >&2; exit 2 ;;
esac
for cfg in $configs; do
  dir=build; [ "$cfg" = none ] || dir=build-$cfg
  echo "=== build: $cfg"
  scripts/build.sh "$dir" "$cfg"
  (cd "$dir" && ctest -j2 --timeout 300 --output-on-failure) || status=1
done
exit $status
