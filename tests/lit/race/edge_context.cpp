// Edge: cancel before a receive that sees done() closed, and before err() reporting it.
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

int reason;

int main() {
  auto [ctx, cancel] = csp::with_cancel(csp::background());
  csp::wait_group wg;
  wg.add(1);
  InvisibleBarrier started(2);
  csp::go([&, ctx = ctx] {
    invisible_barrier_wait(&started);
    ctx.done().recv();  // returns once cancelled
    volatile int v = reason;
    (void)v;
    wg.done();
  });
  invisible_barrier_wait(&started);  // the goroutine is about to wait
#ifndef RACY
  reason = 1;
#endif
  cancel();
#ifdef RACY
  reason = 1;  // after cancel: unordered with the goroutine's read
#endif
  wg.wait();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_context.cpp:{{[0-9]+}} in
