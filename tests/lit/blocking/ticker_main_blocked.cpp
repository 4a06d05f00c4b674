// main waits on a channel that nobody will ever send on, while a ticker keeps
// another goroutine busy. Go reports nothing (a timer is pending); chansan
// reports main as blocked forever while the rest still runs, and the
// program goes on. When the ticking goroutine ends, main is all that is
// left: the program ends with the exit code (no second report for main).
// The twin: the ticking goroutine sends on the channel at its end.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#ifdef BUG
#define BUG_TICKS 600
#else
#define BUG_TICKS 100
#endif
#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

int main() {
  auto done = csp::make_chan<int>();
#ifdef BUG
  csp::go([] {  // nothing left that could send on `done`
#else
  csp::go([done] {
#endif
    csp::ticker t(5ms);
    // The report (symbolizer start-up included) must come out while this
    // still runs: 3 s, however loaded the machine.
    for (int i = 0; i < (BUG_TICKS); i++) t.c().recv();
    t.stop();
    std::puts("ticks done");
    std::fflush(stdout);
#ifndef BUG
    done.send(1);
#endif
  });
  done.recv();
  std::puts("done");
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: ticks done
// OK: done
// BUG: WARNING: chansan: deadlock
// BUG-NEXT: These goroutines can never proceed; the rest of the program runs on.
// BUG-EMPTY:
// BUG-NEXT: Goroutine 1 (main) blocked in chan receive on channel 0x{{[0-9a-f]+}}:
// BUG: #{{[0-9]+}} main {{.*}}ticker_main_blocked.cpp:40
// BUG: SUMMARY: chansan: deadlock {{.*}}ticker_main_blocked.cpp:40 in main
// BUG: ticks done
// BUG-NOT: WARNING
// BUG-NOT: done
