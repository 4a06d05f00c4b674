// Under CSP_SCHEDULE time is virtual for the whole program: it starts at a
// fixed instant and jumps to the next timer when nothing can run, so an
// hour of sleeps takes no real time and every figure is exact.
// RUN: %plain_cxx %s -o %t
// RUN: env CSP_SCHEDULE=pct:3 %t | FileCheck %s
// RUN: env CSP_SCHEDULE=random:9 %t | FileCheck %s
// CHECK: slept 3600 s of virtual time
// CHECK: after: 1500 ms
// CHECK: ticks at 100 200 300 ms
// CHECK: deadline exceeded at 250 ms
// CHECK: real time under 1 s: yes
#include <csp/synctest.hpp>
#include <chrono>
#include <cstdio>

using namespace std::chrono;

long long ms_since(csp::time_point t) { return duration_cast<milliseconds>(csp::now() - t).count(); }

int main() {
  auto real_start = steady_clock::now();
  auto t0 = csp::now();
  csp::wait_group wg;
  for (int i = 0; i < 60; i++) {
    wg.add(1);
    csp::go([&, i] {
      csp::sleep(minutes(i + 1));
      wg.done();
    });
  }
  wg.wait();
  std::printf("slept %lld s of virtual time\n", static_cast<long long>(duration_cast<seconds>(csp::now() - t0).count()));
  auto t1 = csp::now();
  csp::select(csp::on_recv(csp::after(milliseconds(1500))), csp::on_recv(csp::after(seconds(2))));
  std::printf("after: %lld ms\n", ms_since(t1));
  auto t2 = csp::now();
  csp::ticker tk(milliseconds(100));
  std::printf("ticks at");
  for (int i = 0; i < 3; i++) {
    tk.c().recv();
    std::printf(" %lld", ms_since(t2));
  }
  std::printf(" ms\n");
  tk.stop();
  auto t3 = csp::now();
  auto [ctx, cancel] = csp::with_timeout(csp::background(), milliseconds(250));
  ctx.done().recv();
  std::printf("deadline exceeded at %lld ms\n", ms_since(t3));
  std::printf("real time under 1 s: %s\n", steady_clock::now() - real_start < seconds(1) ? "yes" : "no");
}
