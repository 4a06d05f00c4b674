// Edge: signal/broadcast before the wait it wakes returns (with the lock's edges).
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

int ready_value;
bool ready;

int main() {
  csp::mutex mu;
  csp::cond cv(mu);
  csp::wait_group wg;
  wg.add(1);
  InvisibleBarrier waiting(2);
  csp::go([&] {
    mu.lock();
    invisible_barrier_wait(&waiting);
    while (!ready) cv.wait();  // lets mu go: main's lock below waits for that
    volatile int v = ready_value;
    (void)v;
    mu.unlock();
    wg.done();
  });
  invisible_barrier_wait(&waiting);  // the waiter holds mu, about to wait
#ifdef RACY
  ready_value = 3;  // written outside the lock, after the waiter may have read it
#endif
  mu.lock();
#ifndef RACY
  ready_value = 3;
#endif
  ready = true;
  cv.signal();
  mu.unlock();
#ifdef RACY
  ready_value = 4;
#endif
  wg.wait();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_cond.cpp:{{[0-9]+}} in
