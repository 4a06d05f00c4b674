// Values the runtime moves or destroys are the runtime's work, not an
// access of the goroutine that happens to run it: a receiver's old
// unique_ptr freed when the next value is moved into its variable (by the
// sender, on an unbuffered or buffered channel), and values left in a
// channel's buffer freed when its last handle goes. No false race.
// RUN: %chansan_cxx %s -o %t && %t 2>&1 | FileCheck %s
// CHECK-NOT: WARNING: chansan
// CHECK: sum=90 left=3
#include <csp/csp.hpp>
#include <cstdio>
#include <memory>

int main() {
  int sum = 0;
  for (std::size_t cap : {0, 4}) {
    auto ch = csp::make_chan<std::unique_ptr<int>>(cap);
    csp::go([ch] {
      for (int i = 0; i < 10; i++) ch.send(std::make_unique<int>(i));
      ch.close();
    });
    for (auto& p : ch) sum += *p;  // the next receive frees this value
  }
  int left = 0;
  {
    auto ch = csp::make_chan<std::unique_ptr<int>>(8);
    csp::wait_group wg;
    wg.add(1);
    csp::go([ch, &wg] {
      for (int i = 0; i < 3; i++) ch.send(std::make_unique<int>(i));
      wg.done();
    });
    wg.wait();
    left = static_cast<int>(ch.len());
  }  // the last handle: the buffer's values are freed here
  std::printf("sum=%d left=%d\n", sum, left);
}
