// Two goroutines take two mutexes in opposite orders, one after the other:
// this run does not deadlock, but another interleaving would. Reported as
// a lock-order inversion with, for each edge, where the first mutex was
// taken and where the second was taken while holding it. The program runs
// to its end and exits with the exit code. The twin keeps one order.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <cstdio>

csp::mutex accounts, audit;
int balance, entries;

void first_then_second() {
#ifdef BUG
  std::lock_guard<csp::mutex> l1(audit);
  std::lock_guard<csp::mutex> l2(accounts);
#else
  std::lock_guard<csp::mutex> l1(accounts);
  std::lock_guard<csp::mutex> l2(audit);
#endif
  balance++;
  entries++;
}

void second_then_first() {
  std::lock_guard<csp::mutex> l1(accounts);
  std::lock_guard<csp::mutex> l2(audit);
  balance--;
  entries++;
}

int main() {
  auto done = csp::make_chan<int>();
  csp::go([=] { first_then_second(); done.send(1); });
  done.recv();
  csp::go([=] { second_then_first(); done.send(1); });
  done.recv();
  std::printf("done %d %d\n", balance, entries);
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: done
// BUG: WARNING: chansan: lock-order inversion
// BUG-NEXT: Potential deadlock: mutexes taken in inconsistent orders.
// BUG-NEXT: Cycle in lock order graph: M[[A:0x[0-9a-f]+]] ('accounts') => M[[B:0x[0-9a-f]+]] ('audit') => M[[A]] ('accounts')
// BUG: Mutex M[[B]] ('audit') acquired here while holding mutex M[[A]] ('accounts') in goroutine [[G2:[0-9]+]]:
// BUG: #{{[0-9]+}} second_then_first() {{.*}}lock_order_inversion.cpp:30
// BUG: Mutex M[[A]] ('accounts') previously acquired by the same goroutine here:
// BUG: #{{[0-9]+}} second_then_first() {{.*}}lock_order_inversion.cpp:29
// BUG: Mutex M[[A]] ('accounts') acquired here while holding mutex M[[B]] ('audit') in goroutine [[G1:[0-9]+]]:
// BUG: #{{[0-9]+}} first_then_second() {{.*}}lock_order_inversion.cpp:19
// BUG: Mutex M[[B]] ('audit') previously acquired by the same goroutine here:
// BUG: #{{[0-9]+}} first_then_second() {{.*}}lock_order_inversion.cpp:18
// BUG: goroutine [[G2]] created at:
// BUG: goroutine [[G1]] created at:
// BUG: SUMMARY: chansan: lock-order inversion {{.*}}lock_order_inversion.cpp:30 in second_then_first()
// BUG: done
