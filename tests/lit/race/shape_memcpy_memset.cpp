// Shape: memcpy and memset are range accesses.
// Built twice: as written (race-free: no report, exit 0) and with -DRACY
// (the edge removed: a report naming both lines, exit 66).
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done
// RACE: WARNING: chansan: data race
#include <csp/csp.hpp>
#include <cstdio>

#include <cstring>

char src[256];
char dst[256];

int main(int argc, char**) {
  std::size_t n = 64 + static_cast<std::size_t>(argc);  // not a constant: a library call
  csp::wait_group wg;
  wg.add(2);
  csp::go([&] {
    std::memset(src, 'x', n);
    std::memcpy(dst, src, n);  // dst[0..n)
    wg.done();
  });
  csp::go([&] {
#ifdef RACY
    std::memset(dst + 32, 'y', 8);  // inside dst[0..n)
#else
    std::memset(dst + 128, 'y', 8);
#endif
    wg.done();
  });
  wg.wait();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}shape_memcpy_memset.cpp:{{[0-9]+}} in
