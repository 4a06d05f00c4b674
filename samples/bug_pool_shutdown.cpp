// A worker pool whose shutdown is flaky: each worker registers itself with
// the wait group (wg.add) when it starts, instead of the pool doing it before
// `go`. Shutdown waits for the group, then closes the results channel. If
// the shutdown reaches wait() before a worker has started, wait returns at
// once, results are closed under the workers' feet ("send on closed
// channel"), or the total comes out short. Free runs start each worker the
// moment it is spawned, so they show it only now and then (about 1 run in
// 20 here, when an idle worker steals main before a new worker's first
// step), each time differently;
//
//   build/bin/chansan-explore -- build/bin/bug_pool_shutdown
//
// finds it in well under a second and prints the line that replays it. The
// fix: wg.add(kWorkers) before the `go` statements.
#include <csp/csp.hpp>

#include <cstdio>

int main() {
  constexpr int kWorkers = 4, kJobs = 16;
  auto jobs = csp::make_chan<int>(kJobs);
  auto results = csp::make_chan<long>(kJobs);
  csp::wait_group wg;
  for (int w = 0; w < kWorkers; w++) {
    csp::go([&] {
      wg.add(1);  // BUG: too late, the shutdown may already be waiting
      for (int j : jobs) results.send(long{j} * j);
      wg.done();
    });
  }
  for (int j = 0; j < kJobs; j++) jobs.send(j);
  jobs.close();
  wg.wait();  // shutdown: every worker done?
  results.close();
  long sum = 0;
  for (long r : results) sum += r;
  std::printf("sum of squares: %ld\n", sum);
  if (sum != 1240) {
    std::printf("lost results: want 1240\n");
    return 1;
  }
}
