// Two std::threads that really deadlock: each takes one std::mutex, then
// waits for the other's (an invisible barrier makes sure both hold their
// first lock first). Neither ever takes its second lock, so an order learnt
// only at acquisition would never see the cycle and the program would hang
// with no report (ThreadSanitizer hangs silently here too). The wait
// itself puts the lock in the order: the second thread to wait closes the
// cycle and the lock-order inversion is reported before it blocks; with
// halt_on_error the program ends there. The twin takes both in one order
// (and needs no barrier).
// RUN: %chansan_cxx %s -o %t.bug
// RUN: env CHANSAN_OPTIONS=halt_on_error=1 %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
// RUN: %chansan_cxx -DFIXED %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// OK-NOT: WARNING: chansan
// OK: done
// BUG: WARNING: chansan: lock-order inversion
// BUG: SUMMARY: chansan: lock-order inversion {{.*}}pthread_deadlock.cpp:{{[0-9]+}} in
#include <cstdio>
#include <mutex>
#include <thread>

#include "../Inputs/invisible_barrier.hpp"

std::mutex a, b;

int main() {
  InvisibleBarrier both(2);
  std::thread first([&] {
    std::lock_guard<std::mutex> la(a);
#ifndef FIXED
    invisible_barrier_wait(&both);
#endif
    std::lock_guard<std::mutex> lb(b);
  });
  std::thread second([&] {
#ifdef FIXED
    std::lock_guard<std::mutex> la(a);
    std::lock_guard<std::mutex> lb(b);
#else
    std::lock_guard<std::mutex> lb(b);
    invisible_barrier_wait(&both);
    std::lock_guard<std::mutex> la(a);
#endif
  });
  first.join();
  second.join();
  std::printf("done\n");
}
