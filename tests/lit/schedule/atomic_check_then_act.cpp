// Two withdrawals check an atomic balance, then subtract: each step is
// atomic, the pair is not, so both can pass the check. Under the detector
// every atomic operation is a scheduling point, so a seeded schedule can
// switch between the two. The twin uses compare_exchange.
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %explore --runs 500 -- %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
// RUN: %replay3 %t.log
// RUN: %chansan_cxx %s -o %t.ok
// RUN: %explore --runs 500 -- %t.ok | FileCheck %s --check-prefix=OK
// BUG: overdrawn: -100
// BUG: chansan-explore: exit status 1 at seed {{[0-9]+}}
// BUG-NEXT: replay: CSP_SCHEDULE=pct:{{[0-9]+}}:3 {{.*}}atomic_check_then_act.cpp.tmp.bug
// OK: chansan-explore: all 500 runs passed
#include <csp/csp.hpp>
#include <atomic>
#include <cstdio>

int main() {
  std::atomic<int> balance{100};
  csp::wait_group wg;
  for (int i = 0; i < 2; i++) {
    wg.add(1);
    csp::go([&] {
#ifdef BUG
      if (balance.load() >= 100) balance.fetch_sub(100);
#else
      int b = balance.load();
      while (b >= 100 && !balance.compare_exchange_weak(b, b - 100)) {
      }
#endif
      wg.done();
    });
  }
  wg.wait();
  if (balance.load() < 0) {
    std::printf("overdrawn: %d\n", balance.load());
    return 1;
  }
}
