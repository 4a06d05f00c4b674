// BUG (deadlock): two goroutines each wait to receive from the other's
// channel before sending on their own; neither can ever proceed.
#include <csp/csp.hpp>
#include <cstdio>

int main() {
  auto a = csp::make_chan<int>(), b = csp::make_chan<int>();
  csp::wait_group wg;
  wg.add(2);
  csp::go([&] {
    int v = b.recv();  // waits for the other goroutine...
    a.send(v + 1);
    wg.done();
  });
  csp::go([&] {
    int v = a.recv();  // ...which waits for this one
    b.send(v + 1);
    wg.done();
  });
  wg.wait();
  std::puts("unreachable");
}
