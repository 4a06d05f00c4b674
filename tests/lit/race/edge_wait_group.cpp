// Edge: done before the wait it releases.
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

#include "../Inputs/invisible_barrier.hpp"

int results[8];

int main() {
  csp::wait_group wg;
  InvisibleBarrier finished(9);
  for (int i = 0; i < 8; i++) {
    wg.add(1);
    csp::go([&, i] {
      results[i] = i;
      wg.done();
#ifdef RACY
      results[i] = -i;  // after done: unordered with main's read
#endif
      invisible_barrier_wait(&finished);
    });
  }
  wg.wait();
  int sum = 0;
  for (int r : results) sum += r;
  invisible_barrier_wait(&finished);  // every goroutine's writes have happened
  std::printf("sum=%d\ndone\n", sum);
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_wait_group.cpp:{{[0-9]+}} in
