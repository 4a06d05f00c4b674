// BUG (data race): two goroutines increment a plain int without a lock.
// The race detector will report both increments.
#include <csp/csp.hpp>
#include <cstdio>

int counter = 0;

int main() {
  csp::wait_group wg;
  wg.add(2);
  for (int g = 0; g < 2; g++)
    csp::go([&] {
      for (int i = 0; i < 1000; i++) counter++;  // racy read-modify-write
      wg.done();
    });
  wg.wait();
  std::printf("counter = %d (expected 2000)\n", counter);
}
