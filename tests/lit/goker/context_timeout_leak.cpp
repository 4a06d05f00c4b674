// GoBench's "channel & context" blocking bugs: a request runs its work in a
// goroutine and waits for the result or for its context's deadline; on a
// timeout the caller returns, and the worker stays blocked forever on its
// unbuffered send. Reported as a leak when main returns (or earlier, as a
// goroutine blocked forever, when the program holds still).
// The fix (-UBUG): a result channel with room for the one result.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DBUG %s -o %t.bug
// RUN: %t.bug > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=BUG < %t.log
#include <csp/csp.hpp>
#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

int slow_compute() {
  csp::sleep(50ms);
  return 42;
}

int request(csp::context ctx) {
#ifdef BUG
  auto result = csp::make_chan<int>();
#else
  auto result = csp::make_chan<int>(1);
#endif
  csp::go([result] { result.send(slow_compute()); });
  int v = -1;
  csp::select(csp::on_recv(result, [&](int r) { v = r; }), csp::on_recv(ctx.done()));
  return v;
}

int main() {
  auto [ctx, cancel] = csp::with_timeout(csp::background(), 10ms);
  std::printf("result %d\n", request(ctx));
  cancel();
  csp::sleep(100ms);  // the worker finishes (or not) meanwhile
}

// Checks, at the end so that the code above keeps its line numbers.
// OK-NOT: WARNING: chansan
// OK: result -1
// BUG: WARNING: chansan: {{goroutine leak|deadlock}}
// BUG: blocked in chan send on channel
// BUG: created at:
// BUG-NEXT: #0 request(csp::context) {{.*}}context_timeout_leak.cpp:28
