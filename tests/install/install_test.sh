#!/bin/bash
# install_test.sh BUILD_DIR CC CXX: installs the plain tree into a fresh prefix,
# moves the prefix (nothing may point back into the build or source tree),
# then as a user would:
#   - a CMake project outside the tree finds chansan with find_package and
#     builds one program plain and instrumented: the plain one runs clean,
#     the instrumented one reports the race (exit 66);
#   - the installed chansan-clang++ and chansan-clang compile C++ and C
#     programs with the detector; --version and --help answer.
set -euo pipefail
build=$(cd "$1" && pwd)
cc=$2 cxx=$3  # the compilers the tree was built with: the plugin's clang
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/chansan-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/staged" >/dev/null
mv "$work/staged" "$work/prefix"  # relocatable: nothing refers to where it was installed
prefix=$work/prefix
for f in bin/chansan-clang++ bin/chansan-clang bin/chansan-explore bin/chansan-report \
         include/csp/csp.hpp include/chansan/testing.hpp lib/libcsp.a lib/libcsp_race.a \
         lib/libchansan_rt.a lib/libChansanPass.so lib/cmake/chansan/chansanConfig.cmake; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
if grep -rl --exclude='*.a' --exclude='*.so' --exclude=chansan-explore -e "$build" -e "$work/staged" "$prefix" >/dev/null; then
  fail "installed files refer to the build tree or the install-time prefix: $(grep -rl --exclude='*.a' --exclude='*.so' --exclude=chansan-explore -e "$build" -e "$work/staged" "$prefix")"
fi

# A consumer project, copied out of the source tree, configured against
# the prefix only.
cp -r "$here/consumer" "$work/consumer"
cmake -S "$work/consumer" -B "$work/consumer-build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_PREFIX_PATH="$prefix" > "$work/configure.log" || { cat "$work/configure.log"; fail "configure"; }
grep -q "chansan 0.18" "$work/configure.log" || fail "find_package did not report chansan's version"
cmake --build "$work/consumer-build" > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
out=$("$work/consumer-build/tally" 2>&1) || fail "plain program failed: $out"
[ "$out" = "tally done" ] || fail "plain program printed: $out"
set +e
"$work/consumer-build/tally_race" > "$work/race.out" 2> "$work/race.err"; rc=$?
set -e
[ $rc = 66 ] || { cat "$work/race.err"; fail "instrumented program exit $rc, want 66"; }
grep -q "WARNING: chansan: data race" "$work/race.err" || fail "no race report"
grep -q "tally.cpp:19" "$work/race.err" || { cat "$work/race.err"; fail "race report does not name tally.cpp:19"; }
echo "consumer project: plain ran clean, instrumented reported the race at tally.cpp:19"

# The installed drivers.
version=$("$prefix/bin/chansan-clang++" --version)
[[ "$version" == "chansan-clang++ 0.18."* ]] || fail "chansan-clang++ --version: $version"
[[ "$version" == *"clang version"* ]] || fail "--version does not show the compiler's: $version"
[[ "$("$prefix/bin/chansan-clang++" --help)" == *"-fno-chansan"* ]] || fail "chansan-clang++ --help"
[[ "$("$prefix/bin/chansan-clang" --help)" == "usage: chansan-clang "* ]] || fail "chansan-clang --help"
"$prefix/bin/chansan-clang++" -g -O1 "$work/consumer/tally.cpp" -o "$work/tally_driver"
set +e
"$work/tally_driver" > /dev/null 2> "$work/driver.err"; rc=$?
set -e
[ $rc = 66 ] && grep -q "WARNING: chansan: data race" "$work/driver.err" || fail "chansan-clang++ program: exit $rc"
"$prefix/bin/chansan-clang" -g -O1 "$here/racy_flag.c" -o "$work/racy_flag"
set +e
"$work/racy_flag" > "$work/c.out" 2> "$work/c.err"; rc=$?
set -e
[ $rc = 66 ] || { cat "$work/c.err"; fail "C program exit $rc, want 66"; }
grep -q "racy_flag.c:8" "$work/c.err" || { cat "$work/c.err"; fail "C race report does not name racy_flag.c:8"; }
"$prefix/bin/chansan-clang" -fno-chansan -O1 "$here/racy_flag.c" -o "$work/flag_plain"
[ "$("$work/flag_plain")" = "flag done" ] || fail "C program built without the detector"
"$prefix/bin/chansan-report" "$work/race.err" -o "$work/x.html" 2> "$work/report.err" && fail "chansan-report took a text log"
CHANSAN_OPTIONS=report_format=json:log_path=$work/tally "$work/consumer-build/tally_race" > /dev/null 2>&1 || true
"$prefix/bin/chansan-report" "$work"/tally.* -o "$work/tally.html" > /dev/null || fail "installed chansan-report"
grep -q "tally.cpp:19" "$work/tally.html" || fail "the installed chansan-report's page does not show the race"
echo "drivers: --version, --help, C++ and C programs with the detector: ok"
