// wait() on a wait group one done() short: every goroutine asleep.
// The twin calls done() for every add.
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
    csp::go([&wg, i] {
#ifdef BUG
      if (i == 1) return;  // forgets done() on this path
#endif
      wg.done();
    });
  }
  wg.wait();
  std::puts("all done");
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: all done
// BUG: WARNING: chansan: deadlock
// BUG-NEXT: All goroutines are asleep: none can ever proceed.
// BUG-EMPTY:
// BUG-NEXT: Goroutine 1 (main) blocked in sync.WaitGroup.Wait on wait group 0x{{[0-9a-f]+}}:
// BUG: #{{[0-9]+}} main {{.*}}wait_group_missing_done.cpp:21
// BUG: SUMMARY: chansan: deadlock {{.*}}wait_group_missing_done.cpp:21 in main
// BUG-NOT: all done
