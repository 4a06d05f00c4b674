// A program with two distinct races (on `a` in bump_a, on `b` in bump_b),
// shared by the option tests. Prints "finished" at the end.
#include <csp/csp.hpp>
#include <cstdio>

int a, b;

__attribute__((noinline)) void bump_a() { a++; }
__attribute__((noinline)) void bump_b() { b++; }

int main() {
  csp::wait_group wg;
  for (int i = 0; i < 2; i++) {
    wg.add(1);
    csp::go([&] {
      bump_a();
      bump_b();
      wg.done();
    });
  }
  wg.wait();
  std::printf("finished\n");
}
