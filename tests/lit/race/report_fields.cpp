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
#include <atomic>
#include <cstdio>

long global_value;
std::atomic<int> written;

__attribute__((noinline)) void writer(long* p) {
  *p = 1;  // line 22
  written.store(1, std::memory_order_relaxed);
}

__attribute__((noinline)) void reader(long* p) {
  volatile long v = *p;  // line 27
  (void)v;
}

__attribute__((noinline)) long* make_target() {
#if defined(HEAP)
  return new long(0);  // line 33
#else
  return &global_value;
#endif
}

__attribute__((noinline)) void run(long* p) {
  csp::wait_group wg;
  wg.add(2);
  csp::go([&wg, p] {  // line 42
    writer(p);
    wg.done();
  });
  csp::go([&wg, p] {  // line 46
    while (written.load(std::memory_order_relaxed) == 0) csp::yield();  // no edge
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
// CHECK-NEXT: #0 reader(long*) {{.*}}report_fields.cpp:27:21
// CHECK-NEXT: #1 run(long*)::$_1::operator()() const {{.*}}report_fields.cpp:48:5
// CHECK-EMPTY:
// CHECK-NEXT: {{^  }}Previous write of size 8 at 0x[[ADDR]] by goroutine [[WRITER:[0-9]+]]:
// CHECK-NEXT: #0 writer(long*) {{.*}}report_fields.cpp:22:6
// CHECK-NEXT: #1 run(long*)::$_0::operator()() const {{.*}}report_fields.cpp:43:5
// CHECK-EMPTY:
// GLOBAL-NEXT: Location is global 'global_value' of size 8 at 0x[[ADDR]]
// HEAP-NEXT: Location is heap block of size 8 at 0x[[ADDR]] allocated by goroutine 1:
// HEAP-NEXT: #0 make_target() {{.*}}report_fields.cpp:33:
// HEAP-NEXT: #1 main {{.*}}report_fields.cpp:
// STACK-NEXT: Location is stack of goroutine 1
// CHECK-EMPTY:
// CHECK-NEXT: goroutine [[READER]] created at:
// CHECK-NEXT: #0 run(long*) {{.*}}report_fields.cpp:46:3
// CHECK-NEXT: #1 main {{.*}}report_fields.cpp:
// CHECK-EMPTY:
// CHECK-NEXT: goroutine [[WRITER]] created at:
// CHECK-NEXT: #0 run(long*) {{.*}}report_fields.cpp:42:3
// CHECK: SUMMARY: chansan: data race {{.*}}report_fields.cpp:27 in reader(long*)
// CHECK-NEXT: ==================
