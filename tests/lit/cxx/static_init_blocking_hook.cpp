// A function-local static whose initialization another thread waits for:
// the waiting thread calls ThreadSanitizer's debugging hooks of a
// potentially blocking region (__tsan::OnPotentiallyBlockingRegionBegin and
// End) when the program defines them, as under TSan, and only then. Here
// the constructor waits until the second thread is in that region, so the
// program hangs if the hook never runs. The static's guard orders its
// initialization before both threads' uses: no report.
// RUN: %chansan_cxx %s -o %t && %t 2>&1 | FileCheck %s
// CHECK-NOT: WARNING: chansan
// CHECK: enter constructor
// CHECK-NEXT: blocking region begins
// CHECK-NEXT: leave constructor
// CHECK-NEXT: blocking region ends
// CHECK-NEXT: done 42 42
#include <sched.h>

#include <atomic>
#include <cstdio>
#include <thread>

std::atomic<int> in_region{0};

namespace __tsan {
void OnPotentiallyBlockingRegionBegin() {
  std::printf("blocking region begins\n");
  std::fflush(stdout);
  in_region.store(1, std::memory_order_relaxed);
}
void OnPotentiallyBlockingRegionEnd() { std::printf("blocking region ends\n"); }
}  // namespace __tsan

std::atomic<int> constructing{0};

struct Slow {
  int value;
  Slow() {
    std::printf("enter constructor\n");
    std::fflush(stdout);
    constructing.store(1, std::memory_order_relaxed);
    while (in_region.load(std::memory_order_relaxed) == 0) sched_yield();
    value = 42;
    std::printf("leave constructor\n");
    std::fflush(stdout);
  }
};

int get() {
  static Slow s;
  return s.value;
}

int main() {
  int a = 0, b = 0;
  std::thread first([&] { a = get(); });
  while (constructing.load(std::memory_order_relaxed) == 0) sched_yield();
  std::thread second([&] { b = get(); });
  first.join();
  second.join();
  std::printf("done %d %d\n", a, b);
}
