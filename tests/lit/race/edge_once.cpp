// Edge: the function of once.call before every call returns.
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

int config;
csp::once init_once;

void init() { config = 99; }

int main() {
  csp::wait_group wg;
  for (int i = 0; i < 4; i++) {
    wg.add(1);
    csp::go([&] {
#ifdef RACY
      if (config == 0) init();  // a check without once
#else
      init_once.call(init);
#endif
      volatile int v = config;
      (void)v;
      wg.done();
    });
  }
  wg.wait();
  std::printf("config=%d\ndone\n", config);
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_once.cpp:{{[0-9]+}} in
