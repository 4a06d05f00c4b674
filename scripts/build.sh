#!/bin/bash
# Configures and builds one tree:
#   scripts/build.sh DIR [none|thread|address] [14|19]
# The last argument is the LLVM/clang version the pass plugin is built for
# and the tree is compiled with (default 14).
set -euo pipefail
dir=$1; san=${2:-none}; llvm=${3:-14}
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-"$llvm" -DCMAKE_CXX_COMPILER=clang++-"$llvm" \
  -DCHANSAN_LLVM_VERSION="$llvm" -DCSP_SANITIZER="$san" >/dev/null
cmake --build "$dir" -j"$(nproc)"
