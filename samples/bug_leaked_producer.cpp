// BUG (goroutine leak): the consumer returns after the first value it
// likes; the producer stays blocked forever on its next send.
#include <csp/csp.hpp>
#include <cstdio>

int first_multiple_of_7() {
  auto ch = csp::make_chan<int>();
  csp::go([ch] {
    for (int i = 1;; i++) ch.send(i);  // blocks forever once nobody receives
  });
  for (int v : ch)
    if (v % 7 == 0) return v;  // returns early: the producer leaks
  return -1;
}

int main() { std::printf("first multiple of 7: %d\n", first_multiple_of_7()); }
