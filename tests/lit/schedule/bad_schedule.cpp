// A bad CSP_SCHEDULE is a start-up error (exit 2) that says what is wanted.
// RUN: %plain_cxx %s -o %t
// RUN: env CSP_SCHEDULE=fifo:1 %t > %t.1 2>&1; test $? = 2
// RUN: FileCheck %s < %t.1
// RUN: env CSP_SCHEDULE=pct:x %t > %t.2 2>&1; test $? = 2
// RUN: FileCheck %s < %t.2
// RUN: env CSP_SCHEDULE=random:1:3 %t > %t.3 2>&1; test $? = 2
// RUN: env CSP_SCHEDULE=pct:1:0 %t > %t.4 2>&1; test $? = 2
// RUN: env CSP_SCHEDULE=pct:1:3 %t | FileCheck %s --check-prefix=OK
// CHECK: csp: bad CSP_SCHEDULE="{{.*}}": want random:<seed> or pct:<seed>[:<depth>]
// OK: ran
#include <csp/csp.hpp>
#include <cstdio>
int main() {
  auto c = csp::make_chan<int>();
  csp::go([c] { c.send(1); });
  if (c.recv() == 1) std::puts("ran");
}
