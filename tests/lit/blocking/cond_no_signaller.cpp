// A goroutine waits on a cond that nobody will signal (the goroutine that
// should have set `ready` and signalled exits without doing so), while main
// waits for it: all goroutines asleep. The twin signals.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <cstdio>

int main() {
  csp::mutex mu;
  csp::cond cv(mu);
  bool ready = false;
  csp::wait_group wg;
  wg.add(2);
  csp::go([&] {
    std::lock_guard<csp::mutex> l(mu);
    while (!ready) cv.wait();
    std::puts("consumed");
    wg.done();
  });
  csp::go([&] {
#ifndef BUG
    std::lock_guard<csp::mutex> l(mu);
    ready = true;
    cv.signal();
#endif
    wg.done();
  });
  wg.wait();
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: consumed
// BUG: WARNING: chansan: deadlock
// BUG-NEXT: All goroutines are asleep: none can ever proceed.
// BUG: Goroutine 1 (main) blocked in sync.WaitGroup.Wait
// BUG: Goroutine 2 blocked in sync.Cond.Wait on cond 0x{{[0-9a-f]+}}:
// BUG: #{{[0-9]+}} {{.*}}cond_no_signaller.cpp:19
// BUG: SUMMARY: chansan: deadlock
