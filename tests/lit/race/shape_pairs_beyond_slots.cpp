// Shape: 300 pairs of goroutines, each pair racing on its own variable
// from its own function: 600 goroutines on 256 detector slots. Nearly every
// pair's race is found (one report per pair of locations), and the
// race-free twin (each pair ordered by a channel) reports nothing.
// Known gap (detector/DESIGN.md): in about a third of the runs one to three
// of the 300 pairs are missed when slots are handed from goroutine to
// goroutine; never a false report. The check allows 5 misses.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: test $(grep -c 'WARNING: chansan: data race' %t.log) -ge 295
// RUN: test $(grep -c 'WARNING: chansan: data race' %t.log) -le 300
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done
// RACE: WARNING: chansan: data race
// RACE: SUMMARY: chansan: data race {{.*}}shape_pairs_beyond_slots.cpp
#include <csp/csp.hpp>
#include <cstdio>
#include <utility>

constexpr int kPairs = 300;
int cells[kPairs];

template <int I>
__attribute__((noinline)) void touch() {
  cells[I]++;
}

template <int I>
void run_pair(csp::wait_group& wg) {
  auto order = csp::make_chan<int>(1);
  wg.add(2);
  csp::go([&wg, order] {
    touch<I>();
#ifndef RACY
    order.send(1);
#endif
    wg.done();
  });
  csp::go([&wg, order] {
#ifndef RACY
    order.recv();
#endif
    touch<I>();
    wg.done();
  });
}

template <int Base, int... I>
void run_block(csp::wait_group& wg, std::integer_sequence<int, I...>) {
  (run_pair<Base + I>(wg), ...);
}

int main() {
  csp::wait_group wg;
  run_block<0>(wg, std::make_integer_sequence<int, 100>());
  run_block<100>(wg, std::make_integer_sequence<int, 100>());
  run_block<200>(wg, std::make_integer_sequence<int, 100>());
  wg.wait();
  std::printf("done\n");
}
