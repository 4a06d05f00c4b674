// wait_group::add called inside the goroutine instead of before `go`: if
// main reaches wait() before the goroutine starts, wait returns at once and
// main reads a result not yet written. `go` runs the child first in free
// runs, so they never show it; a seeded schedule may run main first.
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %explore --runs 200 --strategy random -- %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
// RUN: %replay3 %t.log
// RUN: %chansan_cxx %s -o %t.ok
// RUN: %explore --runs 200 --strategy random -- %t.ok | FileCheck %s --check-prefix=OK
// BUG: chansan-explore: {{data race|exit status 1|panic}} at seed {{[0-9]+}}
// BUG-NEXT: replay: CSP_SCHEDULE=random:{{[0-9]+}} {{.*}}wait_group_add_late.cpp.tmp.bug
// OK: chansan-explore: all 200 runs passed (random, seeds from 1)
#include <csp/csp.hpp>
#include <cstdio>

int main() {
  csp::wait_group wg;
  int results[2] = {0, 0};
  for (int i = 0; i < 2; i++) {
#ifndef BUG
    wg.add(1);
#endif
    csp::go([&, i] {
#ifdef BUG
      wg.add(1);
#endif
      results[i] = i + 1;
      wg.done();
    });
  }
  wg.wait();
  if (results[0] + results[1] != 3) {
    std::printf("missing results: %d %d\n", results[0], results[1]);
    return 1;
  }
}
