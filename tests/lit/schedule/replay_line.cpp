// Every report and every panic of a seeded run ends with the line that
// replays it; free runs have none.
// RUN: %chansan_cxx %s -o %t
// RUN: env CSP_SCHEDULE=random:42 %t > %t.race 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.race
// RUN: env CSP_SCHEDULE=pct:5:2 %t panic > %t.panic 2>&1; test $? = 2
// RUN: FileCheck %s --check-prefix=PANIC < %t.panic
// RUN: env CHANSAN_OPTIONS=report_format=json CSP_SCHEDULE=random:42 %t > %t.json 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// RUN: %t > %t.free 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=FREE < %t.free
// RACE: WARNING: chansan: data race
// RACE: SUMMARY: chansan: data race {{.*}}replay_line.cpp
// RACE-NEXT: replay: CSP_SCHEDULE=random:42
// RACE-NEXT: ==================
// PANIC: panic: boom
// PANIC: replay: CSP_SCHEDULE=pct:5:2
// PANIC-NOT: {{.}}
// JSON: "replay":"CSP_SCHEDULE=random:42"
// FREE: SUMMARY: chansan: data race
// FREE-NOT: replay:
#include <csp/csp.hpp>
#include <cstring>
#include <stdexcept>

int shared = 0;

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "panic") == 0) throw std::runtime_error("boom");
  auto done = csp::make_chan<int>();
  csp::go([&] {
    shared = 1;
    done.send(0);
  });
  shared = 2;
  done.recv();
}
