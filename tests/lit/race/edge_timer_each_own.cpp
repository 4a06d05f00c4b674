// Each timer orders only its own arming before its own firing: a goroutine
// woken by one timer learns nothing of another goroutine that armed a
// different timer, even though one timer thread fires both (it did, once).
// As written: B reads what A wrote before arming A's timer, but B waits on
// its own timer only: a report (Go's -race reports the same program).
// With -DOK B receives from A's timer channel: ordered, no report.
// RUN: %chansan_cxx %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// RUN: %chansan_cxx -DOK %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// OK-NOT: WARNING: chansan
// OK: done
// RACE: WARNING: chansan: data race
#include <csp/csp.hpp>
#include <cstdio>

int x;

int main() {
  using namespace std::chrono_literals;
  csp::wait_group wg;
  wg.add(2);
  auto a_armed = csp::make_chan<csp::chan<std::chrono::steady_clock::time_point>>(1);
  auto b_timer = csp::after(300ms);  // armed first, fires last
  csp::go([&] {  // A
    x = 1;
    auto a_timer = csp::after(1ms);  // fires first, on the same timer thread
    a_armed.send(a_timer);  // its one value stays buffered until read
    wg.done();
  });
  csp::go([&, b_timer] {  // B
#ifdef OK
    auto a_timer = a_armed.recv();
    (void)b_timer;
    a_timer.recv();  // A's own timer: ordered after A's write
#else
    b_timer.recv();  // its own timer only
#endif
    volatile int v = x;
    (void)v;
    wg.done();
  });
  wg.wait();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}edge_timer_each_own.cpp:{{[0-9]+}} in
