// Edge: select's receive case takes the send's edge; a select that takes default makes none.
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
  auto ch = csp::make_chan<int>(1);
  auto other = csp::make_chan<int>();
  csp::wait_group wg;
  wg.add(1);
  csp::go([&, ch] {
    x = 5;
    ch.send(1);
    wg.done();
  });
#ifdef RACY
  // Poll with default until the goroutine is done, without taking its value.
  for (;;) {
    bool finished = false;
    csp::select(csp::on_recv(other, [](int) {}), csp::on_default([&] { finished = ch.len() == 1; }));
    if (finished) break;
    csp::yield();
  }
  std::printf("x=%d\n", x);
  wg.wait();
#else
  int got = 0;
  csp::select(csp::on_recv(ch, [&](int v) { got = v; }), csp::on_recv(other, [](int) {}));
  std::printf("got=%d x=%d\n", got, x);
  wg.wait();
#endif
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_select.cpp:{{[0-9]+}} in
