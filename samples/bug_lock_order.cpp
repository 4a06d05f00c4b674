// BUG (lock-order inversion): one goroutine takes a then b, another b then a.
// This run is ordered by a channel so it does not deadlock, but another
// interleaving would.
#include <csp/csp.hpp>
#include <cstdio>
#include <mutex>

csp::mutex a, b;

int main() {
  auto first_done = csp::make_chan<csp::unit>();
  csp::go([&] {
    std::lock_guard<csp::mutex> la(a);
    std::lock_guard<csp::mutex> lb(b);
    first_done.close();
  });
  first_done.recv();
  {
    std::lock_guard<csp::mutex> lb(b);
    std::lock_guard<csp::mutex> la(a);  // opposite order
  }
  std::puts("finished (this time)");
}
