// Edge: seq_cst read-modify-writes order a counter's users (a spin lock built on atomics).
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

#include <atomic>

int shared_value;
std::atomic<bool> locked;

void lock() {
#ifdef RACY
  while (locked.exchange(true, std::memory_order_relaxed)) csp::yield();
#else
  while (locked.exchange(true, std::memory_order_acquire)) csp::yield();
#endif
}
void unlock() {
#ifdef RACY
  locked.store(false, std::memory_order_relaxed);
#else
  locked.store(false, std::memory_order_release);
#endif
}

int main() {
  csp::wait_group wg;
  for (int i = 0; i < 4; i++) {
    wg.add(1);
    csp::go([&] {
      for (int k = 0; k < 10; k++) {
        lock();
        shared_value++;
        unlock();
        csp::yield();
      }
      wg.done();
    });
  }
  wg.wait();
  std::printf("value=%d\ndone\n", shared_value);
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_atomic_rmw.cpp:{{[0-9]+}} in
