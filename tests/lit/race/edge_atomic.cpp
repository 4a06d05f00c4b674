// Edge: std::atomic release/acquire pairs; relaxed makes no edge.
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

#ifdef RACY
constexpr auto kStore = std::memory_order_relaxed;
constexpr auto kLoad = std::memory_order_relaxed;
#else
constexpr auto kStore = std::memory_order_release;
constexpr auto kLoad = std::memory_order_acquire;
#endif

int main() {
  csp::wait_group wg;
  wg.add(1);
  csp::go([&] {
    payload = 42;
    flag.store(1, kStore);
    wg.done();
  });
  while (flag.load(kLoad) == 0) csp::yield();
  std::printf("payload=%d\n", payload);
  wg.wait();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_atomic.cpp:{{[0-9]+}} in
