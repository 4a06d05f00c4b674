// The same seed gives the same interleaving, output and reports (addresses
// aside), for both strategies; different seeds give different ones. The
// program logs the order in which goroutines take a mutex, pick select
// cases and wake from timers, and races on one counter.
// RUN: %chansan_cxx %s -o %t
// RUN: env CSP_SCHEDULE=random:7 %t > %t.r1 2>&1; test $? = 66
// RUN: env CSP_SCHEDULE=random:7 %t > %t.r2 2>&1; test $? = 66
// RUN: sed 's/0x[0-9a-f]*/ADDR/g' %t.r1 > %t.r1.s && sed 's/0x[0-9a-f]*/ADDR/g' %t.r2 > %t.r2.s && cmp %t.r1.s %t.r2.s
// RUN: env CSP_SCHEDULE=pct:7:2 %t > %t.p1 2>&1; test $? = 66
// RUN: env CSP_SCHEDULE=pct:7:2 %t > %t.p2 2>&1; test $? = 66
// RUN: sed 's/0x[0-9a-f]*/ADDR/g' %t.p1 > %t.p1.s && sed 's/0x[0-9a-f]*/ADDR/g' %t.p2 > %t.p2.s && cmp %t.p1.s %t.p2.s
// RUN: FileCheck %s < %t.r1
// RUN: for s in 1 2 3 4 5 6 7 8 9 10; do { CSP_SCHEDULE=random:$s %t 2>/dev/null || true; } | head -n 1; done | sort -u | wc -l > %t.n
// RUN: test `cat %t.n` -ge 3
// CHECK: SUMMARY: chansan: data race {{.*}}same_seed_same_run.cpp
// CHECK-NEXT: replay: CSP_SCHEDULE=random:7
// CHECK: order: {{[a-d0-9S]+}}
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>
#include <string>

using namespace std::chrono_literals;

int racy_counter = 0;

int main() {
  csp::mutex mu;
  std::string order;
  csp::wait_group wg;
  auto ch = csp::make_chan<int>(4);
  for (int i = 0; i < 4; i++) {
    wg.add(1);
    csp::go([&, i] {
      for (int k = 0; k < 3; k++) {
        std::lock_guard<csp::mutex> l(mu);
        order += char('a' + i);
      }
      csp::sleep(std::chrono::milliseconds(10 * (4 - i)));
      {
        std::lock_guard<csp::mutex> l(mu);
        order += 'S';
      }
      ch.send(i);
      racy_counter++;
      wg.done();
    });
  }
  for (int i = 0; i < 4; i++) {
    int v = ch.recv();
    std::lock_guard<csp::mutex> l(mu);
    order += char('0' + v);
  }
  wg.wait();
  std::printf("order: %s\n", order.c_str());
  std::fflush(stdout);
}
