// Edge: a buffered send before the receive that takes its value.
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

int data[4];

int main() {
  auto ch = csp::make_chan<int>(4);
  csp::wait_group wg;
  wg.add(1);
  csp::go([&, ch] {
    for (int i = 0; i < 4; i++) {
#ifdef RACY
      ch.send(i);
      data[i] = i * i;  // after its send: unordered with main's read
#else
      data[i] = i * i;
      ch.send(i);
#endif
    }
    wg.done();
  });
  int sum = 0;
  for (int k = 0; k < 4; k++) sum += data[ch.recv()];
  wg.wait();
  std::printf("sum=%d\ndone\n", sum);
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_buffered_send.cpp:{{[0-9]+}} in
