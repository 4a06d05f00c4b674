// Edge: the k-th receive before the (k+C)-th send completes (a buffered channel as a semaphore).
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
#ifdef RACY
  auto sem = csp::make_chan<int>(2);  // two may hold it at once: no mutual exclusion
#else
  auto sem = csp::make_chan<int>(1);
#endif
  csp::wait_group wg;
  for (int i = 0; i < 4; i++) {
    wg.add(1);
    csp::go([&, sem] {
      sem.send(1);  // acquire
      x++;
      sem.recv();   // release
      wg.done();
    });
  }
  wg.wait();
  std::printf("x=%d\ndone\n", x);
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_buffered_capacity.cpp:{{[0-9]+}} in
