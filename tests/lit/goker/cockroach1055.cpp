// After GoBench's GoKer cockroach#1055 (mixed deadlock: lock & wait group):
// Stop() takes the stopper's mutex and, still holding it, waits for the
// running tasks; a task that tries to start a sub-task needs that mutex to
// check whether the stopper drains, and never finishes.
// The fix (-UBUG): mark draining under the mutex, wait after unlocking.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>

using namespace std::chrono_literals;

struct Stopper {
  csp::mutex mu;
  csp::wait_group tasks;
  bool draining = false;

  bool start_task() {
    std::lock_guard<csp::mutex> l(mu);
    if (draining) return false;
    tasks.add(1);
    return true;
  }
  void finish_task() { tasks.done(); }
  void stop() {
#ifdef BUG
    std::lock_guard<csp::mutex> l(mu);
    draining = true;
    tasks.wait();  // waits with mu held
#else
    {
      std::lock_guard<csp::mutex> l(mu);
      draining = true;
    }
    tasks.wait();
#endif
  }
};

int main() {
  Stopper s;
  auto started = csp::make_chan<csp::unit>();
  if (s.start_task())
    csp::go([&] {
      started.close();
      csp::sleep(20ms);     // Stop() begins meanwhile
      if (s.start_task()) s.finish_task();  // a sub-task: needs the mutex
      s.finish_task();
    });
  started.recv();
  s.stop();
  std::puts("stopped");
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: stopped
// BUG: WARNING: chansan: deadlock
// BUG: All goroutines are asleep
// BUG-DAG: Goroutine 1 (main) blocked in sync.WaitGroup.Wait
// BUG-DAG: blocked in sync.Mutex.Lock on mutex {{0x[0-9a-f]+}} held by goroutine 1
