// A synctest bubble whose goroutines are all durably blocked with no timer
// pending: run() panics with Go's message, listing them; with the detector
// it is a `deadlock` report first. A bubble whose goroutines block on a
// timer is no deadlock: its clock moves.
// RUN: %plain_cxx -DBUG %s -o %t.plain
// RUN: %t.plain > %t.plain.log 2>&1; test $? = 2
// RUN: FileCheck %s --check-prefix=PANIC < %t.plain.log
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.bug.log 2>&1; test $? = 2
// RUN: FileCheck %s --check-prefix=REPORT < %t.bug.log
// RUN: FileCheck %s --check-prefix=PANIC < %t.bug.log
// RUN: %chansan_cxx %s -o %t.ok
// RUN: %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// REPORT: WARNING: chansan: deadlock
// REPORT-NEXT: All goroutines of a synctest bubble are durably blocked
// REPORT: Goroutine {{[0-9]+}} blocked in chan receive
// REPORT: SUMMARY: chansan: deadlock {{.*}}bubble_deadlock.cpp
// PANIC: panic: deadlock: all goroutines in bubble are blocked
// PANIC: goroutine {{[0-9]+}} [chan receive, durably blocked]:
// PANIC: bubble_deadlock.cpp:{{(31|32)}}
// OK: done after 5 s of virtual time
// OK-NOT: WARNING
#include <csp/synctest.hpp>
#include <chrono>
#include <cstdio>

int main() {
  csp::synctest::run([] {
    auto c = csp::make_chan<int>();
#ifdef BUG
    csp::go([c] { c.recv(); });
    c.recv();
#else
    auto start = csp::now();
    csp::go([c] {
      csp::sleep(std::chrono::seconds(5));
      c.send(1);
    });
    c.recv();
    std::printf("done after %lld s of virtual time\n",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(csp::now() - start).count()));
#endif
  });
}
