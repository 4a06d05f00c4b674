// After GoBench's GoKer kubernetes#58107 (resource deadlock: RWR): workers
// hold the queue's read lock while they wait on the queue's cond; a
// periodic sync takes the write lock and waits for them; the worker that
// would have signalled needs the read lock too, and a waiting writer blocks
// new readers.
// The fix (-UBUG): wait on the cond without holding the read lock.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <mutex>
#include <shared_mutex>

using namespace std::chrono_literals;

struct Queue {
  csp::mutex mu;
  csp::cond cv{mu};
  std::deque<int> items;
  int get() {
    std::unique_lock<csp::mutex> l(mu);
    while (items.empty()) cv.wait();
    int v = items.front();
    items.pop_front();
    return v;
  }
  void put(int v) {
    std::lock_guard<csp::mutex> l(mu);
    items.push_back(v);
    cv.signal();
  }
};

csp::rwmutex worker_lock;
Queue q1;

int main() {
  csp::wait_group wg;
  wg.add(3);
  csp::go([&] {  // a worker of queue 1
#ifdef BUG
    std::shared_lock<csp::rwmutex> l(worker_lock);
    q1.get();  // waits with the read lock held
#else
    q1.get();
    std::shared_lock<csp::rwmutex> l(worker_lock);
#endif
    wg.done();
  });
  csp::go([&] {  // the periodic sync
    csp::sleep(20ms);
    std::lock_guard<csp::rwmutex> l(worker_lock);
    wg.done();
  });
  csp::go([&] {  // a worker of queue 2, which would feed queue 1
    csp::sleep(40ms);
    {
      std::shared_lock<csp::rwmutex> l(worker_lock);  // behind the waiting writer
    }
    q1.put(1);
    wg.done();
  });
  wg.wait();
  std::puts("synced");
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: synced
// BUG: WARNING: chansan: deadlock
// BUG: All goroutines are asleep
// BUG-DAG: blocked in sync.Cond.Wait
// BUG-DAG: blocked in sync.RWMutex.Lock on rwmutex {{0x[0-9a-f]+}} held by goroutine
// BUG-DAG: blocked in sync.RWMutex.RLock on rwmutex {{0x[0-9a-f]+}} held by goroutine
