// Edge: rwmutex: unlock before lock_shared, unlock_shared before lock; readers do not order each other.
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
csp::rwmutex rw;

int main() {
  csp::wait_group wg;
  wg.add(1);
  csp::go([&] {  // a writer
    rw.lock();
    x = 1;
    rw.unlock();
    wg.done();
  });
  wg.wait();
  for (int i = 0; i < 3; i++) {
    wg.add(1);
    csp::go([&] {  // readers, one after the other with no writer between
      rw.lock_shared();
#ifdef RACY
      x++;  // a write under a read lock: readers are not ordered with each other
#else
      volatile int v = x;
      (void)v;
#endif
      rw.unlock_shared();
      wg.done();
    });
  }
  wg.wait();
  rw.lock();  // unlock_shared before the next lock
  x = 10;
  rw.unlock();
  std::printf("x=%d\ndone\n", x);
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_rwmutex.cpp:{{[0-9]+}} in
