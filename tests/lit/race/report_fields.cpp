// Every field of a race report (api.md §3): both accesses with size,
// address, goroutine and symbolized stack (function file:line:col), the
// goroutines' creation stacks, what the memory is (global, heap block with
// its allocation stack, stack of a goroutine), and the SUMMARY line.
// RUN: %chansan_cxx %s -o %t.global
// RUN: %t.global > %t.g 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefixes=CHECK,GLOBAL < %t.g
// RUN: %chansan_cxx -DHEAP %s -o %t.heap
// RUN: %t.heap > %t.h 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefixes=CHECK,HEAP < %t.h
// RUN: %chansan_cxx -DSTACK %s -o %t.stack
// RUN: %t.stack > %t.s 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefixes=CHECK,STACK < %t.s
#include <csp/csp.hpp>
#include <cstdio>

long global_value;

__attribute__((noinline)) void writer(long* p) {
  *p = 1;  // line 20
}

__attribute__((noinline)) void reader(long* p) {
  volatile long v = *p;  // line 24
  (void)v;
}

__attribute__((noinline)) long* make_target() {
#if defined(HEAP)
  return new long(0);  // line 30
#else
  return &global_value;
#endif
}

__attribute__((noinline)) void run(long* p) {
  csp::wait_group wg;
  wg.add(2);
  csp::go([&wg, p] {  // line 39
    writer(p);
    wg.done();
  });
  csp::go([&wg, p] {  // line 43
    reader(p);
    wg.done();
  });
  wg.wait();
}

int main() {
#if defined(STACK)
  long local = 0;
  run(&local);  // a local of main's stack, shared with two goroutines
#else
  run(make_target());
#endif
  std::printf("done\n");
}

// CHECK: ==================
// CHECK-NEXT: WARNING: chansan: data race
// CHECK-NEXT: {{^  }}Read of size 8 at 0x[[ADDR:[0-9a-f]+]] by goroutine [[READER:[0-9]+]]:
// CHECK-NEXT: #0 reader(long*) {{.*}}report_fields.cpp:24:21
// CHECK-NEXT: #1 run(long*)::$_1::operator()() const {{.*}}report_fields.cpp:44:5
// CHECK-EMPTY:
// CHECK-NEXT: {{^  }}Previous write of size 8 at 0x[[ADDR]] by goroutine [[WRITER:[0-9]+]]:
// CHECK-NEXT: #0 writer(long*) {{.*}}report_fields.cpp:20:6
// CHECK-NEXT: #1 run(long*)::$_0::operator()() const {{.*}}report_fields.cpp:40:5
// CHECK-EMPTY:
// GLOBAL-NEXT: Location is global 'global_value' of size 8 at 0x[[ADDR]]
// HEAP-NEXT: Location is heap block of size 8 at 0x[[ADDR]] allocated by goroutine 1:
// HEAP-NEXT: #0 make_target() {{.*}}report_fields.cpp:30:
// HEAP-NEXT: #1 main {{.*}}report_fields.cpp:
// STACK-NEXT: Location is stack of goroutine 1
// CHECK-EMPTY:
// CHECK-NEXT: goroutine [[READER]] created at:
// CHECK-NEXT: #0 run(long*) {{.*}}report_fields.cpp:43:3
// CHECK-NEXT: #1 main {{.*}}report_fields.cpp:
// CHECK-EMPTY:
// CHECK-NEXT: goroutine [[WRITER]] created at:
// CHECK-NEXT: #0 run(long*) {{.*}}report_fields.cpp:39:3
// CHECK: SUMMARY: chansan: data race {{.*}}report_fields.cpp:24 in reader(long*)
// CHECK-NEXT: ==================
