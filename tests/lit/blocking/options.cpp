// The options of api.md §3 for blocking bugs: detect_deadlocks=0 turns off
// lock-order (and deadlock) detection, detect_leaks=0 the leak check,
// suppressions take `deadlock:` and `leak:` lines, report_format=json
// gives one JSON object per finding. The program has a lock-order
// inversion and leaks one goroutine.
// RUN: %chansan_cxx %s -o %t
// RUN: %t > /dev/null 2> %t.all; test $? = 66
// RUN: FileCheck %s --check-prefix=ALL < %t.all
// RUN: env CHANSAN_OPTIONS=detect_deadlocks=0 %t > /dev/null 2> %t.nodl; test $? = 66
// RUN: FileCheck %s --check-prefix=NODL < %t.nodl
// RUN: env CHANSAN_OPTIONS=detect_deadlocks=0:detect_leaks=0 %t 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: printf 'deadlock:take_b_then_a\nleak:park_forever\n' > %t.supp
// RUN: env CHANSAN_OPTIONS=suppressions=%t.supp %t 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: env CHANSAN_OPTIONS=report_format=json %t > /dev/null 2> %t.json; test $? = 66
// RUN: FileCheck %s --check-prefix=JSON < %t.json
#include <csp/csp.hpp>
#include <cstdio>
#include <mutex>

csp::mutex a, b;

void take_a_then_b() {
  std::lock_guard<csp::mutex> la(a);
  std::lock_guard<csp::mutex> lb(b);
}

void take_b_then_a() {
  std::lock_guard<csp::mutex> lb(b);
  std::lock_guard<csp::mutex> la(a);
}

void park_forever(csp::chan<int> ch) { ch.recv(); }

int main() {
  take_a_then_b();
  take_b_then_a();
  csp::go(park_forever, csp::make_chan<int>());
  std::puts("end");
}

// Checks, at the end so that the code above keeps its line numbers.
// ALL: WARNING: chansan: lock-order inversion
// ALL: WARNING: chansan: goroutine leak
// ALL: park_forever
// NODL-NOT: lock-order inversion
// NODL: WARNING: chansan: goroutine leak
// NONE-NOT: WARNING: chansan
// NONE: end
// JSON: {"kind":"lock-order inversion","edges":[{"from":"0x{{[0-9a-f]+}}","to":"0x{{[0-9a-f]+}}","goroutine":1,
// JSON: {"kind":"goroutine leak","title":"Goroutines still blocked, forever, when main returned.","goroutines":[{"id":{{[0-9]+}},"main":false,"count":1,
