// An OS thread (std::thread) that is not blocked in csp may still wake a
// goroutine: while it sleeps, main blocked on its channel is not reported.
// With -DBUG the thread ends without sending: then nothing can ever wake
// main, and the program ends with a deadlock report.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

using namespace std::chrono_literals;

int main() {
  auto ch = csp::make_chan<int>();
  std::thread t([ch] {
    std::this_thread::sleep_for(300ms);
#ifndef BUG
    ch.send(7);  // blocks in csp as a thread until main receives
#endif
  });
  std::printf("got %d\n", ch.recv());
  t.join();
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: got 7
// BUG: WARNING: chansan: deadlock
// BUG-NEXT: All goroutines are asleep: none can ever proceed.
// BUG: Goroutine 1 (main) blocked in chan receive on channel
// BUG: os_thread_sender.cpp:24
