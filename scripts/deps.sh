#!/bin/bash
# Installs the Debian 12 packages the build needs, if any are missing.
set -euo pipefail
need=()
# Libraries the tests use as real code (libconcurrentqueue-dev,
# libboost-thread-dev, libtbb-dev, libabsl-dev) come from Debian like the
# rest; the detector wraps Abseil's synchronization when its headers are
# there. LLVM 19 is the
# second version the plugin is built and tested for (test.sh); graphviz
# draws chansan-report's graphs and chromium renders its page in a test.
for p in clang-14 llvm-14-dev llvm-14-tools catch2 cmake ninja-build libclang-rt-14-dev \
         clang-19 llvm-19-dev llvm-19-tools libclang-rt-19-dev graphviz chromium \
         libconcurrentqueue-dev libboost-thread-dev libtbb-dev libabsl-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Microsoft's SARIF Multitool, from the npm registry: the tests validate
# every SARIF log with it. Without npm or the registry the validation tests
# are skipped (lit says so); nothing else needs it.
mt_root=$(npm root -g 2>/dev/null || true)
mt="$mt_root/@microsoft/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ -n "$mt_root" ] && [ ! -x "$mt" ]; then
  echo "installing: @microsoft/sarif-multitool (npm)"
  if npm install -g --silent @microsoft/sarif-multitool >/dev/null 2>&1 && [ -f "$mt" ]; then
    chmod u+x "$mt"  # its postinstall step, which npm does not run unasked
  else
    echo "note: could not install @microsoft/sarif-multitool; SARIF validation tests will be skipped" >&2
  fi
fi
