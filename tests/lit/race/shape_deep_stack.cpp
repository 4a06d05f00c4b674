// Shape: deep stacks, in the current access and in the earlier one restored from history.
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

// RACE: #150 {{.*}}descend
// RACE: Previous write
// RACE: #150 {{.*}}descend
int x;

__attribute__((noinline)) void descend(int depth) {
  if (depth == 0) {
    x++;
    return;
  }
  descend(depth - 1);
  asm volatile("" ::: "memory");  // not a tail call
}

int main() {
  csp::wait_group first, second;
  first.add(1);
  csp::go([&] {
    descend(200);
    first.done();
  });
#ifndef RACY
  first.wait();  // orders the two goroutines
#endif
  second.add(1);
  csp::go([&] {
    descend(200);
    second.done();
  });
  second.wait();
  first.wait();
  std::printf("done\n");
}

// RACE: SUMMARY: chansan: data race {{.*}}shape_deep_stack.cpp:{{[0-9]+}} in
