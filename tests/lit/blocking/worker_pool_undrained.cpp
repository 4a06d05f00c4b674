// A worker pool whose results channel nobody drains: main returns after
// reading one result and every other worker stays blocked on its send.
// The leak report groups them: one block per (creation site, blocking site),
// with the count. The twin reads every result.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.out 2> %t.log; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <cstdio>

constexpr int kWorkers = 8;

int main() {
  auto jobs = csp::make_chan<int>(kWorkers);
  auto results = csp::make_chan<int>();
  for (int w = 0; w < kWorkers; w++) {
    csp::go([jobs, results] {
      for (int j : jobs) results.send(j * j);
    });
  }
  for (int j = 0; j < kWorkers; j++) jobs.send(j);
  jobs.close();
#ifdef BUG
  std::printf("first %d\n", results.recv());  // the rest are never read
#else
  int sum = 0;
  for (int j = 0; j < kWorkers; j++) sum += results.recv();
  std::printf("sum %d\n", sum);
#endif
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: sum
// BUG: WARNING: chansan: goroutine leak
// BUG-NEXT: Goroutines still blocked, forever, when main returned.
// BUG-EMPTY:
// BUG-NEXT: 7 goroutines (goroutine {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}, {{[0-9]+}}) blocked in chan send on channel 0x{{[0-9a-f]+}}:
// BUG: #{{[0-9]+}} {{.*}}worker_pool_undrained.cpp:19
// BUG: created at:
// BUG-NEXT: #0 main {{.*}}worker_pool_undrained.cpp:18
// BUG: SUMMARY: chansan: goroutine leak {{.*}}worker_pool_undrained.cpp:19
// BUG-NOT: WARNING
