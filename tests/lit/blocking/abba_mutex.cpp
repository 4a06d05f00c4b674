// Two goroutines take two mutexes in opposite orders and deadlock, while
// main goes on working: reported the moment the cycle closes (within the
// watchdog's period), with the cycle, each goroutine's lock and holder.
// The twin takes them in one order.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

csp::mutex a, b;

int main() {
  auto a_held = csp::make_chan<int>(), b_held = csp::make_chan<int>();
  csp::go([=] {
    std::lock_guard<csp::mutex> la(a);
    a_held.send(1);
    b_held.recv();
    std::lock_guard<csp::mutex> lb(b);
  });
  csp::go([=] {
#ifdef BUG
    std::lock_guard<csp::mutex> lb(b);
    a_held.recv();
    b_held.send(1);
    std::lock_guard<csp::mutex> la(a);
#else
    a_held.recv();
    b_held.send(1);
    std::lock_guard<csp::mutex> la(a);
    std::lock_guard<csp::mutex> lb(b);
#endif
  });
  for (int i = 0; i < 20; i++) csp::sleep(20ms);  // other work goes on
  std::puts("main done");
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: main done
// BUG: WARNING: chansan: deadlock
// BUG-NEXT: A cycle of goroutines, each waiting for a lock the next one holds.
// BUG-EMPTY:
// BUG-NEXT: Goroutine [[G1:[0-9]+]] blocked in sync.Mutex.Lock on mutex 0x{{[0-9a-f]+}} held by goroutine [[G2:[0-9]+]]:
// BUG: #{{[0-9]+}} {{.*}}abba_mutex.cpp:{{23|30}}
// BUG: goroutine [[G2]] took it at:
// BUG: Goroutine [[G2]] blocked in sync.Mutex.Lock on mutex 0x{{[0-9a-f]+}} held by goroutine [[G1]]:
// BUG: Cycle: goroutine {{[0-9]+}} -> goroutine {{[0-9]+}} -> goroutine {{[0-9]+}}
// BUG: SUMMARY: chansan: deadlock {{.*}}abba_mutex.cpp:{{23|30}}
// BUG: main done
// BUG-NOT: WARNING
