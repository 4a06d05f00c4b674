// Shape: 1000 goroutines increment one counter; one report for the one pair of lines.
// Built twice: as written (race-free: no report, exit 0) and with -DRACY
// (the edge removed: a report naming both lines, exit 66).
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done
// RACE: WARNING: chansan: data race
#include <csp/csp.hpp>
#include <cstdio>

// RACE-NOT: WARNING: chansan
long counter;
csp::mutex mu;

int main() {
  csp::wait_group wg;
  for (int i = 0; i < 1000; i++) {
    wg.add(1);
    csp::go([&] {
#ifndef RACY
      std::lock_guard<csp::mutex> l(mu);
#endif
      counter++;
      wg.done();
    });
  }
  wg.wait();
  std::printf("counter=%ld\ndone\n", counter);
}

// RACE: SUMMARY: chansan: data race {{.*}}shape_1000_goroutines.cpp:{{[0-9]+}} in
