// Shape: an access far back in history. With the default history the
// earlier access's stack is restored; with history_size=0 it is past the
// history, and the race is still reported, saying so.
// RUN: %chansan_cxx %s -o %t
// RUN: %t > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=KEPT < %t.log
// RUN: env CHANSAN_OPTIONS=history_size=0 %t long > %t.lost 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=LOST < %t.lost
// KEPT: WARNING: chansan: data race
// KEPT: Previous write of size 4
// KEPT-NEXT: #0 early_write() {{.*}}shape_history.cpp:38
// LOST: WARNING: chansan: data race
// LOST: Previous write of size 4 at {{.*}} by goroutine 2:
// LOST-NEXT: [stack of this earlier access is beyond the history kept; see history_size]
// LOST: SUMMARY: chansan: data race {{.*}}shape_history.cpp:{{[0-9]+}} in main
#include <csp/csp.hpp>
#include <atomic>
#include <cstdio>

int x;
int scratch[1024];
int order[1024];  // a permutation: an index the pass cannot check as one range
std::atomic<int> finished;

csp::mutex private_mu;  // only the goroutine takes it: no edge to main

__attribute__((noinline)) void busy(int rounds) {
  for (int r = 0; r < rounds; r++) {
    // Each round in a new epoch (an unlock ends one), so its accesses are
    // new to the history: an event per element (the reads of order[] are
    // one range check per round).
    std::lock_guard<csp::mutex> l(private_mu);
    for (int i = 0; i < 1024; i++) scratch[order[i]] += i;
  }
}

__attribute__((noinline)) void early_write() {
  x = 1;
}

int main(int argc, char**) {
  int rounds = argc > 1 ? 80 : 2;  // 80k events after the write, or 2k
  for (int i = 0; i < 1024; i++) order[i] = i * 769 % 1024;
  csp::go([rounds] {
    early_write();
    busy(rounds);
    finished.store(1, std::memory_order_relaxed);  // relaxed: no edge
  });
  while (finished.load(std::memory_order_relaxed) == 0) csp::yield();
  std::printf("x=%d\n", x);
}
