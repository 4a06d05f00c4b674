// Edge: a release store read by a relaxed load, then an acquire fence (or a
// seq_cst one), when that fence is the first the process runs: the relaxed
// load happened before any fence ran, and the edge was lost (a false
// report). The module announces its fences before main.
// Built twice: as written (race-free: no report, exit 0) and with -DRACY
// (the fences removed: a report, exit 66).
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done 42 43
// RACE: WARNING: chansan: data race
#include <atomic>
#include <csp/csp.hpp>
#include <cstdio>

int payload, payload2;
std::atomic<int> flag, flag2;

int main() {
  csp::wait_group wg;
  wg.add(2);
  csp::go([&] {
    payload = 42;
    flag.store(1, std::memory_order_release);
    wg.done();
  });
  while (flag.load(std::memory_order_relaxed) == 0) csp::yield();
#ifndef RACY
  std::atomic_thread_fence(std::memory_order_acquire);
#endif
  int a = payload;
  csp::go([&] {
    payload2 = 43;
    flag2.store(1, std::memory_order_release);
    wg.done();
  });
  while (flag2.load(std::memory_order_relaxed) == 0) csp::yield();
#ifndef RACY
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
  int b = payload2;
  wg.wait();
  std::printf("done %d %d\n", a, b);
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_fence_first.cpp:{{[0-9]+}} in
