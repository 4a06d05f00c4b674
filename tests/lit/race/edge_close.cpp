// Edge: close before a receive that returns because of it.
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
    x = 7;
#endif
    ch.close();
#ifdef RACY
    x = 7;  // after the close: unordered with main's read
#endif
    finished.send(1);
  });
  auto [v, ok] = ch.recv_ok();
  std::printf("ok=%d x=%d\n", ok, x);
  finished.recv();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_close.cpp:{{[0-9]+}} in
