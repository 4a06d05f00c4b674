#!/bin/bash
# Builds and runs the whole test suite in four builds: plain, under
# ThreadSanitizer, under AddressSanitizer+UBSan, and plain with the pass
# plugin built for LLVM 19 (compiled by clang 19). --quick: plain only.
# --long: stress cases ([stress]) 10x longer (CSP_TEST_LONG=1).
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
status=0
configs="none thread address llvm19"
case "${1:-}" in
  --quick) configs="none" ;;
  --long) export CSP_TEST_LONG=1 ;;
  "") ;;
  *) echo "usage: ./test.sh [--quick|--long]" >&2; exit 2 ;;
esac
for cfg in $configs; do
  dir=build; [ "$cfg" = none ] || dir=build-$cfg
  echo "=== build: $cfg"
  case "$cfg" in
    llvm19) scripts/build.sh "$dir" none 19 ;;
    *) scripts/build.sh "$dir" "$cfg" ;;
  esac
  (cd "$dir" && ctest -j2 --timeout 300 --output-on-failure) || status=1
done
exit $status
