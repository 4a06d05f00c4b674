// Edge: an unbuffered receive before the send completes.
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

int x;

int main() {
  auto ch = csp::make_chan<int>();
  auto finished = csp::make_chan<int>(1);
  csp::go([=] {
#ifndef RACY
    x = 42;  // before the receive: the sender sees it once its send completes
#endif
    ch.recv();
#ifdef RACY
    x = 42;  // after the receive: unordered with the sender's read
#endif
    finished.send(1);
  });
  ch.send(1);
  std::printf("x=%d\n", x);
  finished.recv();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_unbuffered_recv.cpp:{{[0-9]+}} in
