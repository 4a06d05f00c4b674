#!/bin/bash
# Installs the Debian 12 packages the build needs, if any are missing.
set -euo pipefail
need=()
# Libraries the tests use as real code (libconcurrentqueue-dev,
# libboost-thread-dev) come from Debian like the rest.
for p in clang-14 llvm-14-dev llvm-14-tools catch2 cmake ninja-build libclang-rt-14-dev \
         libconcurrentqueue-dev libboost-thread-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
