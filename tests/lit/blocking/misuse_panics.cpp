// Misuse that Go answers with a panic prints Go's message, the goroutine's
// stack down to the user's line, and where the goroutine was created; the
// program exits with code 2. Built with and without the detector.
// RUN: %chansan_cxx -DCASE=1 %s -o %t1 && %not %t1 2>&1 | FileCheck %s --check-prefix=SEND
// RUN: %chansan_cxx -DCASE=2 %s -o %t2 && %not %t2 2>&1 | FileCheck %s --check-prefix=CLOSE
// RUN: %chansan_cxx -DCASE=3 %s -o %t3 && %not %t3 2>&1 | FileCheck %s --check-prefix=NIL
// RUN: %chansan_cxx -DCASE=4 %s -o %t4 && %not %t4 2>&1 | FileCheck %s --check-prefix=WG
// RUN: %chansan_cxx -DCASE=5 %s -o %t5 && %not %t5 2>&1 | FileCheck %s --check-prefix=MU
// RUN: %chansan_cxx -DCASE=6 %s -o %t6 && %not %t6 2>&1 | FileCheck %s --check-prefix=RW
// RUN: %t1 > /dev/null 2>&1; test $? = 2
// RUN: %t5 > /dev/null 2>&1; test $? = 2
// RUN: %plain_cxx -DCASE=1 %s -o %tp1 && %not %tp1 2>&1 | FileCheck %s --check-prefix=SEND
// RUN: %plain_cxx -DCASE=5 %s -o %tp5 && %not %tp5 2>&1 | FileCheck %s --check-prefix=MU
#include <csp/csp.hpp>

int main() {
  auto ch = csp::make_chan<int>(1);
  csp::chan<int> nil;
  csp::mutex mu;
  csp::rwmutex rw;
  csp::wait_group wg, finished;
  finished.add(1);
  csp::go([&] {
    if (CASE == 1) {
      ch.close();
      ch.send(1);
    }
    if (CASE == 2) {
      ch.close();
      ch.close();
    }
    if (CASE == 3) nil.close();
    if (CASE == 4) wg.done();
    if (CASE == 5) mu.unlock();
    if (CASE == 6) rw.unlock_shared();
    finished.done();
  });
  finished.wait();
}

// Checks, at the end so that the code above keeps its line numbers.
// SEND: panic: send on closed channel
// SEND: goroutine 2 [running]:
// SEND: main{{.*}}misuse_panics.cpp:26
// SEND: created by goroutine 1 at:
// SEND-NEXT: #0 main {{.*}}misuse_panics.cpp:23
// CLOSE: panic: close of closed channel
// CLOSE: misuse_panics.cpp:30
// NIL: panic: close of nil channel
// NIL: misuse_panics.cpp:32
// WG: panic: sync: negative WaitGroup counter
// WG: misuse_panics.cpp:33
// MU: panic: sync: unlock of unlocked mutex
// MU: misuse_panics.cpp:34
// RW: panic: sync: unlock of unlocked mutex
// RW: misuse_panics.cpp:35
