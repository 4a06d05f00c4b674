// Edge: a send before the receive that takes its value completes (unbuffered).
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

#include "../Inputs/invisible_barrier.hpp"

int x;

int main() {
  auto ch = csp::make_chan<int>();
  InvisibleBarrier finished(2);
  csp::go([=, &finished] {
#ifndef RACY
    x = 42;  // before the send
#endif
    ch.send(1);
#ifdef RACY
    x = 42;  // after the send: unordered with main's read
#endif
    invisible_barrier_wait(&finished);
  });
  ch.recv();
  std::printf("x=%d\n", x);
  invisible_barrier_wait(&finished);  // the goroutine's write has happened
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_unbuffered_send.cpp:{{[0-9]+}} in
