// Shape: goroutine stacks are reused. A goroutine's locals, written by
// another goroutine through a pointer, leave nothing behind for the next
// goroutine that gets the same stack: no false race.
// RUN: %chansan_cxx %s -o %t && %t 2>&1 | FileCheck %s
// CHECK-NOT: WARNING: chansan
// CHECK: done
#include <csp/csp.hpp>
#include <cstdio>

int main() {
  csp::wait_group wg;
  for (int g = 0; g < 300; g++) {
    wg.add(1);
    csp::go([&] {
      int local[64];
      auto filled = csp::make_chan<int>();
      csp::go([&local, filled] {  // writes its parent's stack
        for (int i = 0; i < 64; i++) local[i] = i;
        filled.send(1);
      });
      filled.recv();
      volatile int sum = 0;
      for (int i = 0; i < 64; i++) sum = sum + local[i];
      wg.done();
    });
    wg.wait();  // the next goroutines likely reuse these stacks
  }
  std::printf("done\n");
}
