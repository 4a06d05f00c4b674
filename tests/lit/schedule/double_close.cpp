// A worker pool's shutdown: each worker, when it finds no job left, closes
// `idle` unless another already did -- a check (select's default) then an
// act (close), so two workers can both see it open: "close of closed
// channel". Free runs almost never hit it (the window is a few
// instructions); chansan-explore finds it, and its printed line replays it
// 3 times out of 3. The twin closes through a csp::once and passes all
// 1000 runs.
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %explore --runs 1000 -- %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
// RUN: %replay3 %t.log
// RUN: %chansan_cxx %s -o %t.ok
// RUN: %explore --runs 1000 -- %t.ok | FileCheck %s --check-prefix=OK
// BUG: panic: close of closed channel
// BUG: replay: CSP_SCHEDULE=pct:{{[0-9]+}}:3
// BUG: chansan-explore: panic at seed {{[0-9]+}} after {{[0-9]+}} runs
// BUG-NEXT: replay: CSP_SCHEDULE=pct:{{[0-9]+}}:3 {{.*}}double_close.cpp.tmp.bug
// OK: chansan-explore: all 1000 runs passed (pct, seeds from 1) in {{.*}} runs/s
#include <csp/csp.hpp>
#include <cstdio>

int main() {
  auto jobs = csp::make_chan<int>(8);
  auto idle = csp::make_chan<csp::unit>();
  csp::once close_idle;
  csp::wait_group wg;
  for (int j = 0; j < 4; j++) jobs.send(j);
  for (int w = 0; w < 3; w++) {
    wg.add(1);
    csp::go([&] {
      for (;;) {
        bool got = false;
        csp::select(csp::on_recv(jobs, [&](int) { got = true; }), csp::on_default());
        if (got) continue;
#ifdef BUG
        csp::select(csp::on_recv(idle), csp::on_default([&] { idle.close(); }));
#else
        close_idle.call([&] { idle.close(); });
#endif
        break;
      }
      wg.done();
    });
  }
  wg.wait();
  idle.recv();
  std::puts("all jobs done");
}
