// GoBench's "double locking" (resource deadlock), the most common mutex bug
// of its blocking set: a method that holds the mutex calls a helper that
// takes it again. Go's mutexes are not recursive; the goroutine waits for
// itself, while the rest of the program goes on. Reported as a lock cycle
// of one goroutine, as it happens.
// The fix (-UBUG): the helper expects the mutex held.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <map>
#include <string>

using namespace std::chrono_literals;

struct Cache {
  csp::mutex mu;
  std::map<std::string, int> entries;

  int size() {
#ifdef BUG
    std::lock_guard<csp::mutex> l(mu);
#endif
    return static_cast<int>(entries.size());
  }
  void add(const std::string& k, int v) {
    std::lock_guard<csp::mutex> l(mu);
    if (size() > 100) entries.clear();  // takes mu again
    entries[k] = v;
  }
};

int main() {
  Cache c;
  auto done = csp::make_chan<csp::unit>();
  csp::go([&] {
    c.add("a", 1);
    done.close();
  });
  for (int i = 0; i < 10; i++) csp::sleep(20ms);  // the rest goes on
  csp::select(csp::on_recv(done), csp::on_recv(csp::after(100ms)));
  std::puts("main done");
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: main done
// BUG: WARNING: chansan: deadlock
// BUG-NEXT: A cycle of goroutines, each waiting for a lock the next one holds.
// BUG: Goroutine [[G:[0-9]+]] blocked in sync.Mutex.Lock on mutex {{0x[0-9a-f]+}} held by goroutine [[G]]:
// BUG: Cycle: goroutine [[G]] -> goroutine [[G]]
// BUG: main done
