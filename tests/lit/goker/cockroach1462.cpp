// After GoBench's GoKer cockroach#1462 (mixed deadlock: channel & wait
// group): a worker forwards messages on an unbuffered channel; its reader
// quits when the stopper closes, and Stop() waits for the worker, which is
// stuck in a send nobody will receive.
// The fix (-UBUG): the worker's send also watches the stopper.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <cstdio>

struct Stopper {
  csp::chan<csp::unit> stopper = csp::make_chan<csp::unit>();
  csp::wait_group workers;
  template <class F>
  void run_worker(F f) {
    workers.add(1);
    csp::go([this, f] {
      f();
      workers.done();
    });
  }
  void stop() {
    stopper.close();
    workers.wait();
  }
};

int main() {
  Stopper s;
  auto incoming = csp::make_chan<int>();
  auto got_one = csp::make_chan<csp::unit>();
  s.run_worker([&s, incoming] {  // the transport: forwards messages
    for (int i = 0;; i++) {
#ifdef BUG
      incoming.send(i);
#else
      bool stopped = false;
      csp::select(csp::on_send(incoming, i), csp::on_recv(s.stopper, [&] { stopped = true; }));
      if (stopped) return;
#endif
    }
  });
  s.run_worker([&s, incoming, got_one] {  // the reader: quits on stop
    incoming.recv();
    got_one.close();
    s.stopper.recv();
  });
  got_one.recv();
  s.stop();
  std::puts("stopped");
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: stopped
// BUG: WARNING: chansan: deadlock
// BUG: All goroutines are asleep
// BUG-DAG: Goroutine 1 (main) blocked in sync.WaitGroup.Wait
// BUG-DAG: blocked in chan send on channel
