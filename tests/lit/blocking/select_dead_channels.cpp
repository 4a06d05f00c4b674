// A goroutine blocked in select on two channels that no other goroutine can
// reach any more (the goroutine that made them has returned), while main
// goes on working: reported when it happens, not at exit.
// The twin keeps a sender that, after a long sleep, uses one of them: a
// goroutine that can still run holds the channel, so nothing is reported.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>
#include <atomic>

using namespace std::chrono_literals;

std::atomic<int> got{0};

void wait_either(csp::chan<int> a, csp::chan<int> b) {
  csp::select(csp::on_recv(a, [](int) { got++; }), csp::on_recv(b, [](int) { got++; }));
}

// Runs as a goroutine: its channels live on in the goroutines it starts.
void start() {
  auto a = csp::make_chan<int>();
  auto b = csp::make_chan<int>();
  csp::go(wait_either, a, b);
#ifndef BUG
  csp::go([b] {
    csp::sleep(300ms);
    b.send(1);
  });
#endif
}

int main() {
  csp::go(start);
  for (int i = 0; i < 10; i++) csp::sleep(50ms);  // main keeps working
  std::puts("main working");
#ifndef BUG
  while (got.load() == 0) csp::sleep(10ms);
#endif
  std::puts("main done");
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: main done
// BUG: WARNING: chansan: deadlock
// BUG-NEXT: These goroutines can never proceed; the rest of the program runs on.
// BUG-EMPTY:
// BUG-NEXT: Goroutine {{[0-9]+}} blocked in select on channel 0x{{[0-9a-f]+}}, 0x{{[0-9a-f]+}}:
// BUG: #{{[0-9]+}} wait_either(csp::chan<int>, csp::chan<int>) {{.*}}select_dead_channels.cpp:20
// BUG: created at:
// BUG-NEXT: #0 start() {{.*}}select_dead_channels.cpp:27
// BUG: main working
// BUG: main done
// BUG-NOT: WARNING
