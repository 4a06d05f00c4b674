// GoBench's "misuse of WaitGroup" blocking bugs: a worker waits on the
// group it belongs to (to let the others finish first) before calling
// done() itself, so the group never reaches zero.
// The fix (-UBUG): the worker calls done() first.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <cstdio>

int main() {
  csp::wait_group wg;
  for (int i = 0; i < 3; i++) {
    wg.add(1);
    csp::go([&, i] {
      if (i == 0) {  // the "last word" worker
#ifdef BUG
        wg.wait();
        wg.done();
#else
        wg.done();
        wg.wait();
#endif
      } else {
        wg.done();
      }
    });
  }
  wg.wait();
  std::printf("all %d\n", 3);
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: all 3
// BUG: WARNING: chansan: deadlock
// BUG: All goroutines are asleep
// BUG-DAG: Goroutine 1 (main) blocked in sync.WaitGroup.Wait
// BUG-DAG: Goroutine 2 blocked in sync.WaitGroup.Wait
