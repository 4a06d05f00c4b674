// Edge: fences: a release fence before a relaxed store, a relaxed load before an acquire fence.
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

int payload;
std::atomic<int> flag;

int main() {
  csp::wait_group wg;
  wg.add(1);
  csp::go([&] {
    payload = 42;
#ifndef RACY
    std::atomic_thread_fence(std::memory_order_release);
#endif
    flag.store(1, std::memory_order_relaxed);
    wg.done();
  });
  while (flag.load(std::memory_order_relaxed) == 0) csp::yield();
#ifndef RACY
  std::atomic_thread_fence(std::memory_order_acquire);
#endif
  std::printf("payload=%d\n", payload);
  wg.wait();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_fence.cpp:{{[0-9]+}} in
