// A lost wake-up: the waiter tests the flag without holding the lock, so
// the signal can come between its test and its wait, and it waits forever.
// With the detector the hang is a deadlock report; the plain build just
// hangs, and chansan-explore counts the timeout as a finding.
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %explore --runs 300 -- %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
// RUN: %plain_cxx -DBUG %s -o %t.plain
// RUN: %explore --runs 300 --timeout 1 --jobs 2 -- %t.plain > %t.plain.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=HANG < %t.plain.log
// RUN: %chansan_cxx %s -o %t.ok
// RUN: %explore --runs 300 -- %t.ok | FileCheck %s --check-prefix=OK
// BUG: WARNING: chansan: deadlock
// BUG: SUMMARY: chansan: deadlock
// BUG-NEXT: replay: CSP_SCHEDULE=pct:{{[0-9]+}}:3
// BUG: chansan-explore: deadlock at seed {{[0-9]+}}
// HANG: chansan-explore: timeout at seed {{[0-9]+}}
// HANG-NEXT: replay: CSP_SCHEDULE=pct:
// OK: chansan-explore: all 300 runs passed
#include <csp/csp.hpp>
#include <atomic>
#include <mutex>

// Globals: the goroutine may still be signalling when main returns.
csp::mutex mu;
csp::cond cv(mu);
std::atomic<bool> ready{false};

int main() {
  csp::go([] {
    std::lock_guard<csp::mutex> l(mu);
    ready = true;
    cv.signal();
  });
#ifdef BUG
  if (!ready) {
    std::unique_lock<csp::mutex> l(mu);
    cv.wait();
  }
#else
  std::unique_lock<csp::mutex> l(mu);
  while (!ready) cv.wait();
#endif
}
