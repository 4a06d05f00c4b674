#!/bin/bash
# Builds everything (installing missing Debian packages) and runs the samples.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
scripts/build.sh build
for s in build/bin/sample_* build/bin/bug_racy_counter build/bin/bug_channel_deadlock \
         build/bin/bug_leaked_producer build/bin/bug_lock_order; do
  echo "=== $(basename "$s")"
  "$s" || echo "(exit code $?)"
done
