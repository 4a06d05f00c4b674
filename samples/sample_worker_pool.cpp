// A bounded worker pool with graceful shutdown through a context: workers
// take jobs until the jobs channel closes or the context is cancelled.
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

int main() {
  auto [ctx, cancel] = csp::with_timeout(csp::background(), 2s);
  auto jobs = csp::make_chan<int>(8);
  auto results = csp::make_chan<int>(8);
  csp::wait_group workers;
  for (int w = 0; w < 4; w++) {
    workers.add(1);
    csp::go([&, ctx = ctx] {
      for (;;) {
        bool more = true;
        int job = 0;
        csp::select(csp::on_recv(jobs, [&](int j, bool ok) { job = j; more = ok; }),
                    csp::on_recv(ctx.done(), [&] { more = false; }));
        if (!more) break;
        results.send(job * 2);
      }
      workers.done();
    });
  }
  csp::go([jobs] {
    for (int i = 0; i < 100; i++) jobs.send(i);
    jobs.close();  // no more work: workers drain and stop
  });
  csp::go([&] {
    workers.wait();
    results.close();
  });
  long sum = 0;
  int n = 0;
  for (int r : results) sum += r, n++;
  cancel();
  std::printf("%d jobs done, sum %ld, context: %s\n", n, sum,
              ctx.err() == csp::context_error::canceled ? "canceled" : "other");
}
