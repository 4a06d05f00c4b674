// Shape: struct fields. Different fields never race; the same field does.
// Built twice: as written (race-free: no report, exit 0) and with -DRACY
// (the edge removed: a report naming both lines, exit 66).
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done
// RACE: WARNING: chansan: data race
#include <csp/csp.hpp>
#include <cstdio>

struct Point {
  int x;
  int y;
  char tag[3];
  char flag;
};
Point p;

int main() {
  csp::wait_group wg;
  wg.add(2);
  csp::go([&] {
    p.x = 1;
    p.tag[1] = 'a';
    wg.done();
  });
  csp::go([&] {
#ifdef RACY
    p.x = 2;
#else
    p.y = 2;
#endif
    p.tag[2] = 'b';  // a neighbouring byte of the same granule
    p.flag = 1;
    wg.done();
  });
  wg.wait();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}shape_struct_fields.cpp:{{[0-9]+}} in
