// A worker pool whose shutdown is flaky: the last worker out closes the
// results channel, but "last" is decided in two steps (decrement, then
// test), so two workers finishing together can both see zero and both close:
// "panic: close of closed channel". Free runs almost never hit the window;
//
//   build/bin/chansan-explore -- build/bin/bug_pool_shutdown
//
// finds it in well under a second and prints the line that replays it. The
// fix: `if (--active == 0)`, one atomic step.
#include <csp/csp.hpp>

#include <atomic>
#include <cstdio>

int main() {
  constexpr int kWorkers = 4, kJobs = 16;
  auto jobs = csp::make_chan<int>(kJobs);
  auto results = csp::make_chan<int>(kJobs);
  std::atomic<int> active{kWorkers};
  for (int w = 0; w < kWorkers; w++) {
    csp::go([&] {
      for (int j : jobs) results.send(j * j);
      active--;  // BUG: decrement and test are two steps
      if (active.load() == 0) results.close();
    });
  }
  for (int j = 0; j < kJobs; j++) jobs.send(j);
  jobs.close();
  long sum = 0;
  for (int r : results) sum += r;
  std::printf("sum of squares: %ld\n", sum);
}
