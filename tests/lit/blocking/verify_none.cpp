// chansan::verify_none, the test-time check (goleak.VerifyNone plus
// `go test -race`): 0 when every goroutine started since the checkpoint has
// finished and nothing was reported; otherwise the count of findings, with
// the goroutines still alive reported as a leak. Goroutines that finish
// within the timeout are not leaks. Without the detector it returns 0.
// RUN: %chansan_cxx %s -o %t
// RUN: %t > %t.out 2> %t.log; test $? = 66
// RUN: FileCheck %s --check-prefix=OUT < %t.out
// RUN: FileCheck %s --check-prefix=LOG < %t.log
// RUN: %plain_cxx %s -o %t.plain && %t.plain | FileCheck %s --check-prefix=PLAIN
#include <chansan/testing.hpp>
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

int main() {
  auto start = chansan::checkpoint();
  csp::go([] { csp::sleep(50ms); });  // finishes within the timeout
  std::printf("slow but finished: %d\n", chansan::verify_none(start));

  start = chansan::checkpoint();
  auto ch = csp::make_chan<int>();
  csp::go([ch] { ch.recv(); });  // nobody sends
  std::printf("left behind: %d\n", chansan::verify_none(start, 100, "the second check"));
  ch.send(1);  // let it go: nothing is left at exit
  std::printf("after letting it go: %d\n", chansan::verify_none(chansan::checkpoint()));
}

// Checks, at the end so that the code above keeps its line numbers.
// OUT: slow but finished: 0
// OUT: left behind: 1
// OUT: after letting it go: 0
// LOG: WARNING: chansan: goroutine leak
// LOG-NEXT: Goroutines started during the second check still alive when it ended.
// LOG: Goroutine {{[0-9]+}} blocked in chan receive on channel
// LOG: verify_none.cpp:25
// LOG-NOT: WARNING
// PLAIN: slow but finished: 0
// PLAIN: left behind: 0
