// A consumer that returns early leaves its producer blocked on a send
// forever (a goroutine leak: GoKer's most common blocking bug). When main
// returns, the leak is reported with where the producer blocks and where it
// was created. The twin drains the channel.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.out 2> %t.log; test $? = 66
// RUN: grep 'first 3: 0 1 2' %t.out
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <cstdio>
#include <vector>

void produce(csp::chan<int> out) {
  for (int i = 0; i < 10; i++) out.send(i);
  out.close();
}

std::vector<int> first_three() {
  auto ch = csp::make_chan<int>();
  csp::go(produce, ch);
  std::vector<int> got;
  for (int v : ch) {
    got.push_back(v);
#ifdef BUG
    if (got.size() == 3) break;  // returns early: the producer is left behind
#endif
  }
  got.resize(3);
  return got;
}

int main() {
  auto v = first_three();
  std::printf("first 3: %d %d %d\n", v[0], v[1], v[2]);
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: first 3: 0 1 2
// BUG: WARNING: chansan: goroutine leak
// BUG-NEXT: Goroutines still blocked, forever, when main returned.
// BUG-EMPTY:
// BUG-NEXT: Goroutine {{[0-9]+}} blocked in chan send on channel 0x{{[0-9a-f]+}}:
// BUG: #{{[0-9]+}} produce(csp::chan<int>) {{.*}}producer_left_behind.cpp:15
// BUG: created at:
// BUG-NEXT: #0 first_three() {{.*}}producer_left_behind.cpp:21
// BUG: SUMMARY: chansan: goroutine leak {{.*}}producer_left_behind.cpp:15 in produce
