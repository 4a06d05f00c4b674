// The ready-made Catch2 listener checks every TEST_CASE: a test that leaves
// a goroutine behind, or during which a race is reported, is named in the
// report and at the end of the run, and the run fails with the exit code;
// clean tests pass. Without the detector (-fno-chansan) it does nothing.
// RUN: %chansan_cxx %s -o %t
// RUN: %t > %t.out 2> %t.log; test $? = 66
// RUN: FileCheck %s < %t.log
// RUN: grep 'test cases' %t.out
// RUN: %plain_cxx %s -o %t.plain && %t.plain
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#include <chansan/catch2_listener.hpp>
#include <csp/csp.hpp>

TEST_CASE("a clean pipeline") {
  auto ch = csp::make_chan<int>();
  csp::go([ch] {
    for (int i = 0; i < 10; i++) ch.send(i);
    ch.close();
  });
  int sum = 0;
  for (int v : ch) sum += v;
  REQUIRE(sum == 45);
}

TEST_CASE("a consumer that stops early") {
  auto ch = csp::make_chan<int>();
  csp::go([ch] {
    for (int i = 0; i < 10; i++) ch.send(i);  // left blocked after the first value
  });
  REQUIRE(ch.recv() == 0);
}

int shared_counter;

TEST_CASE("two goroutines race") {
  csp::wait_group wg;
  wg.add(2);
  for (int g = 0; g < 2; g++)
    csp::go([&] {
      shared_counter++;
      wg.done();
    });
  wg.wait();
  REQUIRE(shared_counter == 2);
}

TEST_CASE("another clean one") { REQUIRE(1 + 1 == 2); }

// Checks, at the end so that the code above keeps its line numbers.
// CHECK-NOT: a clean pipeline
// The producer is reported as a leak when the test case ends, or earlier,
// as a goroutine blocked forever, if the watchdog sees it first (the
// listener's check waits while the test's goroutines could still finish).
// CHECK: WARNING: chansan: {{goroutine leak|deadlock}}
// CHECK-NEXT: {{Goroutines started during test case 'a consumer that stops early' still alive when it ended.|These goroutines can never proceed; the rest of the program runs on.}}
// CHECK: blocked in chan send on channel
// CHECK: catch2_listener.cpp:29
// CHECK: WARNING: chansan: data race
// CHECK: catch2_listener.cpp:41
// CHECK: chansan: 2 test case(s) with findings:
// CHECK-NEXT: a consumer that stops early
// CHECK-NEXT: two goroutines race
// CHECK-NOT: another clean one
