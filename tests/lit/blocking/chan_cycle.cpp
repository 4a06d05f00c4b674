// Two goroutines each wait to receive what the other would send: with main
// waiting for both, every goroutine is asleep (Go: "all goroutines are
// asleep - deadlock!"). The report lists each with what it waits on, where,
// and where it was created; the program ends with the exit code.
// The twin (no -DBUG) starts the exchange and must stay silent.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <cstdio>

int main() {
  auto a = csp::make_chan<int>();
  auto b = csp::make_chan<int>();
  csp::wait_group wg;
  wg.add(2);
  csp::go([=, &wg] {
    int v = a.recv();
    b.send(v + 1);
    wg.done();
  });
  csp::go([=, &wg] {
#ifndef BUG
    a.send(1);
#endif
    int v = b.recv();
#ifdef BUG
    a.send(v);
#endif
    (void)v;
    wg.done();
  });
  wg.wait();
  std::puts("done");
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: done
// BUG: WARNING: chansan: deadlock
// BUG-NEXT: All goroutines are asleep: none can ever proceed.
// BUG-EMPTY:
// BUG-NEXT: Goroutine 1 (main) blocked in sync.WaitGroup.Wait on wait group 0x{{[0-9a-f]+}}:
// BUG: #{{[0-9]+}} main {{.*}}chan_cycle.cpp:34
// BUG: Goroutine 2 blocked in chan receive on channel 0x{{[0-9a-f]+}}:
// BUG: #{{[0-9]+}} {{.*}}chan_cycle.cpp:19
// BUG: goroutine 2 created at:
// BUG-NEXT: #0 main {{.*}}chan_cycle.cpp:18
// BUG: Goroutine 3 blocked in chan receive on channel 0x{{[0-9a-f]+}}:
// BUG: #{{[0-9]+}} {{.*}}chan_cycle.cpp:27
// BUG: goroutine 3 created at:
// BUG-NEXT: #0 main {{.*}}chan_cycle.cpp:23
// BUG: SUMMARY: chansan: deadlock {{.*}}chan_cycle.cpp:34 in main
// BUG-NOT: done
