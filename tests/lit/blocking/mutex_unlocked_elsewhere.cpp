// Go lets a goroutine unlock a mutex another one locked. The detector must
// then stop counting the first goroutine as the holder: here goroutine 1
// locks A and goroutine 2 unlocks it; later goroutine 3 waits for A, now
// held by goroutine 4 (asleep for a while), and goroutine 1 waits for B,
// held by goroutine 3. Were goroutine 1 still taken for A's holder, that
// would look like a cycle 1 -> 3 -> 1. Nothing may be reported.
// RUN: %chansan_cxx %s -o %t && %t 2>&1 | FileCheck %s
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

csp::mutex A, B;

int main() {
  auto s1 = csp::make_chan<int>(), s2 = csp::make_chan<int>(), s3 = csp::make_chan<int>(),
       s4 = csp::make_chan<int>();
  csp::wait_group wg;
  wg.add(4);
  csp::go([&] {  // goroutine 2 in the story: locks A, leaves it to be unlocked elsewhere
    A.lock();
    s1.send(1);
    s2.recv();
    B.lock();  // held by the third: waits
    B.unlock();
    wg.done();
  });
  csp::go([&] {  // unlocks A for the first
    s1.recv();
    A.unlock();
    s3.send(1);
    wg.done();
  });
  csp::go([&] {  // holds A for a while
    s3.recv();
    A.lock();
    s4.send(1);
    csp::sleep(300ms);
    A.unlock();
    wg.done();
  });
  csp::go([&] {  // holds B, waits for A
    B.lock();
    s4.recv();
    s2.send(1);
    A.lock();
    A.unlock();
    B.unlock();
    wg.done();
  });
  wg.wait();
  std::puts("done");
}

// CHECK-NOT: WARNING: chansan
// CHECK: done
