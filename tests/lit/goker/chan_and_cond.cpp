// GoBench's "channel & condition variable" mixed deadlocks: a goroutine
// must publish a result on a channel before it sets the flag another one
// waits for on a cond, and the channel's reader is the cond's waiter.
// The fix (-UBUG): a buffered result channel, so the publisher never
// waits for the reader.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <cstdio>
#include <mutex>

int main() {
  csp::mutex mu;
  csp::cond ready_cv(mu);
  bool ready = false;
#ifdef BUG
  auto results = csp::make_chan<int>();
#else
  auto results = csp::make_chan<int>(1);
#endif
  csp::wait_group wg;
  wg.add(2);
  csp::go([&] {  // waits for `ready`, then reads the result
    {
      std::unique_lock<csp::mutex> l(mu);
      while (!ready) ready_cv.wait();
    }
    std::printf("result %d\n", results.recv());
    wg.done();
  });
  csp::go([&] {  // publishes, then sets `ready`
    results.send(42);
    {
      std::lock_guard<csp::mutex> l(mu);
      ready = true;
    }
    ready_cv.broadcast();
    wg.done();
  });
  wg.wait();
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: result 42
// BUG: WARNING: chansan: deadlock
// BUG: All goroutines are asleep
// BUG-DAG: blocked in sync.Cond.Wait on cond
// BUG-DAG: blocked in chan send on channel
