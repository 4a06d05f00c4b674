// GoBench's channel blocking bugs include the forgotten close: a consumer
// ranges over a channel that its producer never closes, so after the last
// value the consumer waits forever, and so does whoever waits for it.
// The fix (-UBUG): the producer closes the channel when it is done.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <cstdio>

int main() {
  auto lines = csp::make_chan<int>(4);
  csp::go([lines] {  // the producer
    for (int i = 0; i < 10; i++) lines.send(i);
#ifndef BUG
    lines.close();
#endif
  });
  auto total = csp::make_chan<int>();
  csp::go([lines, total] {  // the consumer
    int sum = 0;
    for (int v : lines) sum += v;
    total.send(sum);
  });
  std::printf("total %d\n", total.recv());
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: total 45
// BUG: WARNING: chansan: deadlock
// BUG: All goroutines are asleep
// BUG: Goroutine 1 (main) blocked in chan receive on channel
// BUG: blocked in chan receive on channel
// BUG: missing_close.cpp:23
