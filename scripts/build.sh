#!/bin/bash
# Configures and builds one tree: scripts/build.sh DIR [none|thread|address]
set -euo pipefail
dir=$1; san=${2:-none}
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DCSP_SANITIZER="$san" >/dev/null
cmake --build "$dir" -j"$(nproc)"
