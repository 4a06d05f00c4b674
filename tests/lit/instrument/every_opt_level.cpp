// Instrumentation covers every optimisation level: a write to a global and
// an atomic store survive as detector calls at -O0 through -O3.
// RUN: %clangxx_chansan -O0 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clangxx_chansan -O1 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clangxx_chansan -O2 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clangxx_chansan -O3 -S -emit-llvm %s -o - | FileCheck %s
#include <atomic>

int counter;
std::atomic<int> flag;

// CHECK-LABEL: define {{.*}}@_Z4bumpv(
// CHECK: call void @__chansan_func_entry(
// CHECK: call void @__chansan_write4(
// CHECK: call void @__chansan_atomic4_store({{.*}}, i32 3)
// CHECK: call void @__chansan_func_exit()
void bump() {
  counter = counter + 1;
  flag.store(1, std::memory_order_release);
}
