// A csp handle is an ordinary variable, as a channel variable is in Go: a
// chan (or context, or timer's channel) member assigned in one goroutine
// and used in another without ordering is a race (GoBench's "misuse
// channel" class, etcd#3077, istio#8967), while the handle's reference
// count stays the runtime's own (copies of one handle in many goroutines
// are not reported).
// As written: the orderings are there, no report. -DRACY: the worker reads
// the member while main replaces it: a report naming both lines.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done 10 4
// RACE: WARNING: chansan: data race
// RACE: SUMMARY: chansan: data race {{.*}}shape_csp_handles.cpp:{{[0-9]+}} in
#include <csp/csp.hpp>
#include <cstdio>

struct Server {
  csp::chan<int> events = csp::make_chan<int>(16);
  csp::context ctx = csp::background();
};

int main() {
  Server s;
  csp::wait_group wg;
  auto started = csp::make_chan<csp::unit>();
  wg.add(1);
  csp::go([&] {
#ifndef RACY
    started.recv();  // after main replaced the channel
#endif
    s.events.send(1);  // reads the member
    (void)s.ctx.err();
    wg.done();
  });
  s.events = csp::make_chan<int>(16);  // replaces it
  s.ctx = csp::with_cancel(csp::background()).first;
#ifndef RACY
  started.send({});
#endif
  wg.wait();
  // Copies of one handle everywhere: their reference counts make no report.
  auto shared = csp::make_chan<int>(100);
  csp::wait_group copies;
  for (int i = 0; i < 4; i++) {
    copies.add(1);
    csp::go([shared, &copies] {
      csp::chan<int> mine = shared;
      mine.send(1);
      copies.done();
    });
  }
  copies.wait();
#ifdef RACY
  started.close();
#endif
  std::printf("done %d %zu\n", static_cast<int>(s.events.len()) * 10, shared.len());
}
