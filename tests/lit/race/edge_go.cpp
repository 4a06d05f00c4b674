// Edge: the go statement before the goroutine's first step.
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

int x;

int main() {
  csp::wait_group wg;
  wg.add(1);
  x = 1;  // before `go`: the goroutine sees it
  csp::go([&] {
    volatile int v = x;
    (void)v;
    wg.done();
  });
#ifdef RACY
  x = 2;  // after `go`: unordered with the goroutine's read
#endif
  wg.wait();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_go.cpp:{{[0-9]+}} in
