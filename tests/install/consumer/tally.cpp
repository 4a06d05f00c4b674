// Two goroutines count words into one total; the second forgets the lock.
#include <csp/csp.hpp>

#include <cstdio>

int main() {
  csp::mutex mu;
  long total = 0;
  csp::wait_group wg;
  wg.add(2);
  csp::go([&] {
    for (int i = 0; i < 1000; i++) {
      std::lock_guard<csp::mutex> g(mu);
      total++;
    }
    wg.done();
  });
  csp::go([&] {
    for (int i = 0; i < 1000; i++) total++;  // no lock: a data race
    wg.done();
  });
  wg.wait();
  std::printf("tally done\n");
}
